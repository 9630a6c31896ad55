import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Collection, DocumentStore } from '../store/documentStore';

/** Collection of every named budget window (keys are hashed, never the raw identifier). */
export const LIMIT_WINDOWS_COLLECTION = 'limit_windows';

/** One named budget: how many takes one key may make per fixed window. */
export interface BudgetSpec {
  /** Short name, also the prefix of the key in the store, e.g. `ticket_conversation`. */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** A budget and the key it is taken from (an id, a number, an address; hashed before storing). */
export interface BudgetClaim {
  readonly spec: BudgetSpec;
  readonly key: string;
}

/** Outcome of {@link WindowBudgets.take}: the first spent budget, and when it renews (epoch ms). */
export type BudgetTake = { readonly ok: true } | { readonly ok: false; readonly budget: string; readonly retryAt: number };

type WindowDoc = { windowStart: number; count: number; updatedAt: string };

/**
 * Fixed-window budgets kept in the store through its document port, so that they hold across
 * restarts and across instances on SQLite and MongoDB alike, and follow the injected clock.
 * Each budget is one named check; {@link take} takes from several at once, all or none.
 */
export class WindowBudgets {
  private readonly windows: Collection<WindowDoc>;

  constructor(
    store: DocumentStore,
    private readonly clock: Clock,
  ) {
    this.windows = store.collection<WindowDoc>(LIMIT_WINDOWS_COLLECTION);
  }

  /** Takes one from every claimed budget, or from none when any of them is spent. */
  async take(claims: readonly BudgetClaim[]): Promise<BudgetTake> {
    // All at once (on SQLite one commit): when one is spent, the others are given back, which
    // leaves the same counts as stopping at the spent one.
    const results = await Promise.all(claims.map((claim) => this.takeOne(claim)));
    const spent = results.find((r) => !r.ok);
    if (!spent) return { ok: true };
    await Promise.all(results.map((r) => (r.ok ? this.giveBack(r.id, r.windowStart) : undefined)));
    return spent;
  }

  /** Gives one back to the current window of every claimed budget: a take whose purpose did not happen after all. */
  async release(claims: readonly BudgetClaim[]): Promise<void> {
    const now = this.clock.now();
    await Promise.all(
      claims.map((claim) => this.windows.update(idOf(claim), (cur) => (cur && now - cur.windowStart < claim.spec.windowMs && cur.count > 0 ? { ...cur, count: cur.count - 1 } : undefined))),
    );
  }

  /** How many takes the key has made in the current window of the budget. */
  async used(claim: BudgetClaim): Promise<number> {
    const doc = (await this.windows.get(idOf(claim)))?.doc;
    return doc && this.clock.now() - doc.windowStart < claim.spec.windowMs ? doc.count : 0;
  }

  private async takeOne(claim: BudgetClaim): Promise<{ ok: true; id: string; windowStart: number } | { ok: false; budget: string; retryAt: number }> {
    const { limit, windowMs, name } = claim.spec;
    const id = idOf(claim);
    const now = this.clock.now();
    let outcome: { ok: true; id: string; windowStart: number } | { ok: false; budget: string; retryAt: number } = { ok: true, id, windowStart: now };
    await this.windows.update(id, (cur) => {
      const fresh = !cur || now - cur.windowStart >= windowMs;
      const windowStart = fresh ? now : cur.windowStart;
      const count = fresh ? 0 : cur.count;
      if (count >= limit) {
        outcome = { ok: false, budget: name, retryAt: windowStart + windowMs };
        return undefined;
      }
      outcome = { ok: true, id, windowStart };
      return { windowStart, count: count + 1, updatedAt: new Date(now).toISOString() };
    });
    return outcome;
  }

  private async giveBack(id: string, windowStart: number): Promise<void> {
    await this.windows.update(id, (cur) => (cur && cur.windowStart === windowStart && cur.count > 0 ? { ...cur, count: cur.count - 1 } : undefined));
  }
}

function idOf(claim: BudgetClaim): string {
  return `${claim.spec.name}:${createHash('sha256').update(claim.key.trim().toLowerCase()).digest('hex').slice(0, 40)}`;
}
