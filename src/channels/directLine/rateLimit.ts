import type { Clock } from '../../clock';
import type { Collection, DocumentStore } from '../../store/documentStore';

/** Collection of the Direct Line posting budgets, one document per user. */
export const DIRECT_LINE_BUDGETS = 'directline_budgets';

type BudgetDoc = {
  /** Start of the current window, epoch milliseconds. */
  readonly windowStartMs: number;
  readonly count: number;
  /** ISO time of the last change (for retention). */
  readonly updatedAt: string;
};

/** The outcome of {@link PostingBudget.take}. */
export type BudgetCheck = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * A fixed-window budget of activities per user of the bot's Direct Line, kept in the store so it
 * holds across instances and is not reset by refreshing the token.
 */
export class PostingBudget {
  private readonly budgets: Collection<BudgetDoc>;

  constructor(
    store: DocumentStore,
    private readonly clock: Clock,
    /** Activities allowed per window. */
    readonly limit: number,
    readonly windowMs = 60_000,
  ) {
    this.budgets = store.collection<BudgetDoc>(DIRECT_LINE_BUDGETS);
  }

  /** Takes one activity from the user's budget, unless it is spent. */
  async take(userId: string): Promise<BudgetCheck> {
    const now = this.clock.now();
    let result: BudgetCheck = { allowed: true };
    await this.budgets.update(userId, (current) => {
      const fresh = !current || now - current.windowStartMs >= this.windowMs;
      const windowStartMs = fresh ? now : current.windowStartMs;
      const count = fresh ? 0 : current.count;
      if (count >= this.limit) {
        result = { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStartMs + this.windowMs - now) / 1000)) };
        return undefined;
      }
      result = { allowed: true };
      return { windowStartMs, count: count + 1, updatedAt: new Date(now).toISOString() };
    });
    return result;
  }
}
