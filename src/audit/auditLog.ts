import type { Clock } from '../clock';
import type { Collection, DocumentStore } from '../store/documentStore';

/** Name of the collection holding audit entries. */
export const AUDIT_COLLECTION = 'audit';

/** Name of the store counter that orders audit entries. */
export const AUDIT_SEQUENCE = 'audit_seq';

/** What happened. */
export type AuditEventType =
  | 'challenge_created'
  | 'code_sent'
  | 'send_failed'
  | 'send_refused'
  | 'check_passed'
  | 'check_failed'
  | 'challenge_killed'
  | 'lockout'
  | 'requester_paused'
  | 'notice_sent'
  | 'budget_stop'
  | 'lookup_refused'
  | 'ticket_refused'
  | 'alarm_merged';

/** Details of an event, as given by the caller. Never put a code here. */
export interface AuditEventInput {
  readonly type: AuditEventType;
  readonly personId?: string;
  readonly conversationId?: string;
  readonly challengeId?: string;
  readonly purpose?: string;
  readonly channel?: 'sms' | 'voice';
  /** A destination already masked, e.g. `***101`. */
  readonly destination?: string;
  /** Short machine-readable reason, e.g. `cooldown` or `wrong_code`. */
  readonly reason?: string;
  readonly attemptsLeft?: number;
}

/** One stored audit entry. */
export interface AuditEntry extends AuditEventInput {
  readonly id: string;
  /** ISO 8601 timestamp. */
  readonly at: string;
  /** Position in the log; larger is later. */
  readonly seq: number;
}

/** Filter for {@link AuditLog.list}. */
export interface AuditQuery {
  readonly personId?: string;
  readonly conversationId?: string;
  /** At most this many entries, newest first (default 100, at most 1000). */
  readonly limit?: number;
}

type StoredEntry = AuditEntry & Record<string, unknown>;

/** Keeps only the fields an entry may carry, so nothing else (such as a code) can slip in. */
function pick(event: AuditEventInput): AuditEventInput {
  const out: { -readonly [K in keyof AuditEventInput]: AuditEventInput[K] } = { type: event.type };
  if (event.personId !== undefined) out.personId = event.personId;
  if (event.conversationId !== undefined) out.conversationId = event.conversationId;
  if (event.challengeId !== undefined) out.challengeId = event.challengeId;
  if (event.purpose !== undefined) out.purpose = event.purpose;
  if (event.channel !== undefined) out.channel = event.channel;
  if (event.destination !== undefined) out.destination = event.destination;
  if (event.reason !== undefined) out.reason = event.reason;
  if (event.attemptsLeft !== undefined) out.attemptsLeft = event.attemptsLeft;
  return out;
}

/**
 * Append-only audit trail of identity verification, kept in the document store. Entries are
 * only ever inserted; there is no update or delete.
 */
export class AuditLog {
  private readonly entries: Collection<StoredEntry>;

  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
  ) {
    this.entries = store.collection<StoredEntry>(AUDIT_COLLECTION);
  }

  /** Appends an entry stamped with the current time. */
  async record(event: AuditEventInput): Promise<AuditEntry> {
    const at = new Date(this.clock.now()).toISOString();
    const stored = await this.store.insertNumbered<StoredEntry>(AUDIT_COLLECTION, AUDIT_SEQUENCE, (seq) => {
      const id = `a${String(seq).padStart(12, '0')}`;
      return { id, doc: { ...pick(event), id, at, seq } };
    });
    return stored.doc;
  }

  /** Reads entries, newest first, optionally for one person and/or one conversation. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: Record<string, string> = {};
    if (query.personId !== undefined) where.personId = query.personId;
    if (query.conversationId !== undefined) where.conversationId = query.conversationId;
    const rows = await this.entries.find({ where, orderBy: { field: 'seq', direction: 'desc' }, limit: query.limit ?? 100 });
    return rows.map((r) => r.doc);
  }
}
