import { createHash } from 'node:crypto';
import type { AuditLog } from '../audit/auditLog';
import type { Clock } from '../clock';
import type { Collection, DocumentStore } from '../store/documentStore';

/** Collection holding the identifiers looked up per conversation (as hashes). */
export const LOOKUP_COLLECTION = 'verification_lookups';

/** Refusal of {@link LookupLimiter.check}. */
export interface LookupRefusal {
  readonly ok: false;
  readonly reason: 'lookup_limit';
  /** When the conversation's allowance renews (epoch ms); a new conversation is the quicker way. */
  readonly retryAt: number;
}

/** Outcome of {@link LookupLimiter.check}. */
export type LookupResult = { readonly ok: true } | LookupRefusal;

/** Options for {@link LookupLimiter}. */
export interface LookupLimiterOptions {
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly audit?: AuditLog;
  /** Different identifiers allowed per conversation (default 3). */
  readonly maxPerConversation?: number;
  /** How long a conversation's record lasts (default 24 h). */
  readonly windowMs?: number;
}

type LookupDoc = { firstAt: number; keys: string[] };

/**
 * Limits how many different emails or staff ids one conversation may look up, so the bot
 * cannot be used to probe the directory. Asking again about the same identifier is free.
 */
export class LookupLimiter {
  private readonly lookups: Collection<LookupDoc>;
  private readonly max: number;
  private readonly windowMs: number;

  constructor(private readonly options: LookupLimiterOptions) {
    this.lookups = options.store.collection<LookupDoc>(LOOKUP_COLLECTION);
    this.max = options.maxPerConversation ?? 3;
    this.windowMs = options.windowMs ?? 24 * 60 * 60 * 1000;
  }

  /**
   * Records that the conversation wants to look up `identifier` (an email or staff id) and says
   * whether it may. Call it before every directory lookup.
   */
  async check(conversationId: string, identifier: string): Promise<LookupResult> {
    const now = this.options.clock.now();
    const key = createHash('sha256').update(identifier.trim().toLowerCase()).digest('hex').slice(0, 32);
    const id = `l_${createHash('sha256').update(conversationId).digest('hex').slice(0, 40)}`;
    const state: { refusal?: LookupRefusal } = {};
    await this.lookups.update(id, (cur) => {
      state.refusal = undefined;
      const doc = cur && cur.firstAt > now - this.windowMs ? cur : { firstAt: now, keys: [] };
      if (doc.keys.includes(key)) return cur === doc ? undefined : doc;
      if (doc.keys.length >= this.max) {
        state.refusal = { ok: false, reason: 'lookup_limit', retryAt: doc.firstAt + this.windowMs };
        return undefined;
      }
      return { firstAt: doc.firstAt, keys: [...doc.keys, key] };
    });
    if (state.refusal) {
      await this.options.audit?.record({ type: 'lookup_refused', conversationId, reason: 'lookup_limit' });
      return state.refusal;
    }
    return { ok: true };
  }
}
