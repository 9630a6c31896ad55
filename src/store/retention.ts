import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { redact } from '../logger';
import type { CollectionSchema, DocumentStore } from './documentStore';

/**
 * How long a collection's documents are kept after their last write:
 * - `conversation`: conversation state, transcripts, verification sessions and lookups,
 *   duplicate-activity records, web chat activity logs (the short retention, and also capped
 *   in number, so a flood of conversations cannot grow the store without bound);
 * - `limits`: verification counters (per person, per number, overall): the short retention
 *   only, never capped, so a flood cannot reset a limit;
 * - `tickets`: tickets and what hangs off them (the ticket retention);
 * - `audit`: the audit log (the audit retention);
 * - `keep`: configuration the bot learnt, such as the helpdesk queue: never purged.
 */
export type RetentionClass = 'conversation' | 'limits' | 'tickets' | 'audit' | 'keep';

/** One collection of the product, as the store is laid out. */
export interface StoredCollection {
  readonly name: string;
  readonly retention: RetentionClass;
  /** Field sets the product queries by (equality fields, then the sort field). */
  readonly indexes?: readonly (readonly string[])[];
}

/** Retention settings, in days. */
export interface RetentionPolicy {
  readonly conversationDays: number;
  readonly ticketDays: number;
  readonly auditDays: number;
  /** Most documents kept in each `conversation` collection; the least recently written go first. */
  readonly maxConversations: number;
}

const DAY_MS = 86_400_000;

/** Days a collection of this class is kept, or `undefined` for never purged. */
export function retentionDays(retention: RetentionClass, policy: RetentionPolicy): number | undefined {
  switch (retention) {
    case 'conversation':
    case 'limits':
      return policy.conversationDays;
    case 'tickets':
      return policy.ticketDays;
    case 'audit':
      return policy.auditDays;
    case 'keep':
      return undefined;
  }
}

/** What {@link DocumentStore.prepare} should set up: the indexes, and a TTL as clean-up where a retention applies. */
export function storeSchema(layout: readonly StoredCollection[], policy: RetentionPolicy): CollectionSchema[] {
  return layout.map((c) => ({ name: c.name, indexes: c.indexes, expireAfterDays: retentionDays(c.retention, policy) }));
}

/** What one sweep deleted, by collection. */
export type SweepReport = Record<string, number>;

/**
 * Deletes what the retention policy no longer allows, on every adapter (MongoDB TTL indexes
 * only tidy up between sweeps). Every instance may sweep: the deletes are idempotent.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepReport> | undefined;

  constructor(
    private readonly deps: {
      readonly store: DocumentStore;
      readonly layout: readonly StoredCollection[];
      readonly policy: RetentionPolicy;
      readonly clock: Clock;
      readonly logger: Logger;
    },
  ) {}

  /** Runs one sweep now (or joins the one under way). */
  sweep(): Promise<SweepReport> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepReport> {
    const { store, layout, policy, clock } = this.deps;
    const report: SweepReport = {};
    for (const c of layout) {
      const days = retentionDays(c.retention, policy);
      if (days === undefined) continue;
      const deleted = await store.purge(c.name, {
        writtenBefore: clock.now() - days * DAY_MS,
        keepNewest: c.retention === 'conversation' ? policy.maxConversations : undefined,
      });
      if (deleted > 0) report[c.name] = deleted;
    }
    if (Object.keys(report).length > 0) this.deps.logger.info({ deleted: report }, 'retention: old records deleted');
    return report;
  }

  /** Sweeps every `intervalMs`, starting now; failures are logged and the next sweep tries again. */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = (): void => {
      this.sweep().catch((err: unknown) => this.deps.logger.warn({ err: redact(err) }, 'retention sweep failed; will try again'));
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  /** Stops the periodic sweeps and waits for one under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}
