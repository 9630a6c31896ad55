import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../logger';
import { redact } from '../logger';
import { DuplicateKeyError, type Collection, type DocumentStore, type FilterValue } from '../store/documentStore';
import {
  agentNameSchema,
  createTicketInputSchema,
  formatTicketId,
  isTicketId,
  MAX_TEXT_LENGTH,
  MAX_TRANSCRIPT_TURNS,
  sanitiseTicketInput,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  TICKET_EVENT_ACTIONS,
  SECOND_CHECK_METHODS,
  type AgentTicketView,
  type CallbackOutcome,
  type CreateTicketInput,
  type RequesterTicketView,
  type SecondCheck,
  type SecondCheckMethod,
  type Ticket,
  type TicketAction,
  type TicketEventAction,
  type TicketHistoryEntry,
  type TicketNote,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from './model';
import {
  InvalidTicketTransitionError,
  SecondCheckError,
  TicketAlreadyClaimedError,
  TicketError,
  TicketNotFoundError,
  TicketValidationError,
} from './errors';
import type { TicketEvent, TicketNotifier } from './notifier';
import { passOf, secondCheckPending } from './lostDevice';
import { ticketPriority } from './priority';
import { redactTranscriptText } from './redaction';

/** Collection holding the tickets, keyed by ticket id. */
export const TICKETS_COLLECTION = 'tickets';
/** Collection mapping a source activity to the ticket it opened (the idempotency record). */
export const TICKET_BY_ACTIVITY_COLLECTION = 'ticket_by_activity';
/** Store counter that numbers tickets. */
export const TICKET_NUMBER_COUNTER = 'ticket_number';
/** Default page size of {@link TicketService.list}. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page size of {@link TicketService.list}. */
export const MAX_PAGE_SIZE = 100;

/** Filters and paging for {@link TicketService.list}. */
export interface TicketListQuery {
  readonly status?: TicketStatus;
  readonly priority?: TicketPriority;
  readonly type?: TicketType;
  /** Page size, 1 to {@link MAX_PAGE_SIZE} (default {@link DEFAULT_PAGE_SIZE}). */
  readonly limit?: number;
  /** `nextCursor` of the previous page; omit for the first page. */
  readonly cursor?: string | null;
}

/** One page of tickets, newest first. */
export interface TicketPage {
  readonly items: Ticket[];
  /** Pass as `cursor` to get the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/** How many tickets of each type and status were opened in a period ({@link TicketService.countsSince}). */
export interface TicketCounts {
  /** Start of the period (ISO 8601), inclusive. */
  readonly since: string;
  /** End of the period (ISO 8601): when the counts were taken. */
  readonly until: string;
  readonly total: number;
  /** Every type × status pair, in the order of `TICKET_TYPES` then `TICKET_STATUSES`, zeros included. */
  readonly counts: readonly { readonly type: TicketType; readonly status: TicketStatus; readonly count: number }[];
}

/** Tickets read per query while counting. */
const COUNT_BATCH = 500;

/** Identifies the requester in requester-facing calls: their email (any case) or directory person id. */
export interface RequesterKey {
  readonly email?: string;
  readonly personId?: string;
}

/** Input of {@link TicketService.addNote}. */
export interface AddNoteInput {
  readonly agent: string;
  readonly text: string;
  /** Show the note to the requester (default false). */
  readonly visibleToUser?: boolean;
  /**
   * The agent confirms that a note shown to the requester may be sent to the ticket's
   * conversation although the requester's identity was not proven (default false: not sent).
   */
  readonly sendToUnverifiedRequester?: boolean;
}

/** Input of {@link TicketService.resolve}. */
export interface ResolveInput {
  readonly agent: string;
  readonly resolution: string;
  /** As for a note: the resolution text may go to a requester whose identity was not proven. */
  readonly sendToUnverifiedRequester?: boolean;
}

/** Input of {@link TicketService.recordSecondCheck}. */
export interface SecondCheckInput {
  readonly agent: string;
  readonly method: SecondCheckMethod;
  /** What was checked, e.g. "Line manager Jo Bloggs confirmed by phone". */
  readonly note: string;
}

/** Dependencies of {@link TicketService}. */
export interface TicketServiceDeps {
  readonly store: DocumentStore;
  readonly logger: Logger;
  /** Told about every committed change, in the background. */
  readonly notifiers?: readonly TicketNotifier[];
  /** Clock; replaced in tests. */
  readonly now?: () => Date;
}

type ActivityRecord = {
  readonly ticketId: string;
  readonly channel: string;
  readonly activityId: string;
  readonly createdAt: string;
};

type CursorPosition = { readonly createdAt: string; readonly id: string };
/** A ticket input once validated and given its defaults. */
type ParsedTicketInput = z.output<typeof createTicketInputSchema>;
const cursorSchema = z.object({ createdAt: z.string().datetime({ offset: true }), id: z.string().regex(/^MFA-\d{6}$/) }).strict();

const listQuerySchema = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  type: z.enum(TICKET_TYPES).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  cursor: z.string().max(1000).nullish(),
});
const noteSchema = z.object({
  agent: agentNameSchema,
  text: z.string().trim().min(1, 'must not be empty').max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
  visibleToUser: z.boolean().default(false),
  sendToUnverifiedRequester: z.boolean().default(false),
});
const resolveSchema = z.object({
  agent: agentNameSchema,
  resolution: z.string().trim().min(1, 'must not be empty').max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`),
  sendToUnverifiedRequester: z.boolean().default(false),
});
const secondCheckInputSchema = z.object({
  agent: agentNameSchema,
  method: z.enum(SECOND_CHECK_METHODS, { errorMap: () => ({ message: `must be one of ${SECOND_CHECK_METHODS.join(', ')}` }) }),
  note: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
});
const shortReasonSchema = z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters');
const recordEventSchema = z.object({
  action: z.enum(TICKET_EVENT_ACTIONS),
  by: agentNameSchema,
  note: z.string().trim().min(1).max(MAX_TEXT_LENGTH).optional(),
});
const requesterKeySchema = z
  .object({ email: z.string().trim().toLowerCase().email().optional(), personId: z.string().trim().min(1).max(200).optional() })
  .refine((r) => r.email !== undefined || r.personId !== undefined, 'must give an email or a person id');

/** Encodes a list position as an opaque cursor (base64url of JSON). */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify({ createdAt: position.createdAt, id: position.id }), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; `undefined` when it is not one. */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,1000}$/.test(cursor)) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A ticket as agents see it: without the conversation reference. */
export function agentView(ticket: Ticket): AgentTicketView {
  const { conversationRef: _ref, ...rest } = ticket;
  return rest;
}

/** A ticket as its requester sees it: no internal notes, history, transcript or evidence. */
export function requesterView(ticket: Ticket): RequesterTicketView {
  return {
    id: ticket.id,
    type: ticket.type,
    status: ticket.status,
    summary: ticket.summary,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    ...(ticket.resolution !== undefined ? { resolution: ticket.resolution } : {}),
    notes: ticket.notes.filter((n) => n.visibleToUser).map((n) => ({ at: n.at, text: n.text })),
  };
}

function fieldErrors(error: z.ZodError, prefix = ''): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(input)', message: i.message }));
}

function parse<S extends z.ZodTypeAny>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new TicketValidationError(fieldErrors(result.error, prefix));
  return result.data as z.output<S>;
}

/** Idempotency key of a source activity: a hash, so any activity id makes a valid store key. */
function activityKey(channel: string, conversationId: string | undefined, activityId: string): string {
  return createHash('sha256').update(`${channel}\n${conversationId ?? ''}\n${activityId}`).digest('hex');
}

function conversationIdOf(ref: Record<string, unknown> | undefined): string | undefined {
  const conversation = ref?.conversation;
  if (conversation && typeof conversation === 'object' && 'id' in conversation && typeof conversation.id === 'string') return conversation.id;
  return undefined;
}

/** Result of a change function: the new ticket, `undefined` for "nothing to do", or the error to throw. */
type Change = Ticket | TicketError | undefined;

/**
 * Ticket lifecycle: creation (idempotent per source activity), claim, notes, resolution and
 * cancellation, listing for agents and for requesters. Every change is committed to the store
 * before the method returns, and then announced to the notifiers in the background.
 *
 * ```
 * open ──claim──▶ claimed ──resolve──▶ resolved
 *   │                │
 *   ├──resolve───────┼──────────────▶ resolved
 *   └──cancel────────┴──cancel──────▶ cancelled
 * ```
 */
export class TicketService {
  private readonly tickets: Collection<Ticket>;
  private readonly byActivity: Collection<ActivityRecord>;
  private readonly notifiers: TicketNotifier[];
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly deps: TicketServiceDeps) {
    this.tickets = deps.store.collection<Ticket>(TICKETS_COLLECTION);
    this.byActivity = deps.store.collection<ActivityRecord>(TICKET_BY_ACTIVITY_COLLECTION);
    this.notifiers = [...(deps.notifiers ?? [])];
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Adds a listener for ticket events (e.g. the Teams agent channel).
   * @returns a function that removes it again.
   */
  addNotifier(notifier: TicketNotifier): () => void {
    this.notifiers.push(notifier);
    return () => {
      const i = this.notifiers.indexOf(notifier);
      if (i >= 0) this.notifiers.splice(i, 1);
    };
  }

  /**
   * Opens a ticket and returns it once it is stored. The id comes from the store's
   * `ticket_number` counter, so it is unique across processes that share the store. The
   * priority follows {@link ticketPriority}; the transcript keeps the last 20 turns, and the
   * transcript and summary are redacted (codes become `[code]`, phone numbers keep 3 digits).
   *
   * With `sourceActivityId`, creation is idempotent: the same activity (same channel, same
   * `conversationRef.conversation.id`, same activity id), delivered again or concurrently,
   * returns the ticket the first delivery opened instead of opening another.
   * @throws TicketValidationError when the input is invalid.
   */
  async createTicket(input: CreateTicketInput): Promise<Ticket> {
    const data = parse(createTicketInputSchema, sanitiseTicketInput(input));
    const createdAt = this.now().toISOString();
    const transcript = data.transcript.slice(-MAX_TRANSCRIPT_TURNS).map((t) => ({ ...t, text: redactTranscriptText(t.text) }));
    const build = (id: string): Ticket => ({
      ...data,
      id,
      priority: ticketPriority(data),
      status: 'open',
      summary: redactTranscriptText(data.summary),
      transcript,
      history: [{ at: createdAt, by: 'bot', action: 'created' }],
      notes: [],
      createdAt,
      updatedAt: createdAt,
    });

    const incident = await this.openIncidentFor(data);
    if (data.sourceActivityId === undefined) {
      if (incident) return this.mergeAlarm(incident, data);
      const stored = await this.deps.store.insertNumbered<Ticket>(TICKETS_COLLECTION, TICKET_NUMBER_COUNTER, (n) => {
        const id = formatTicketId(n);
        return { id, doc: build(id) };
      });
      this.announceCreated(stored.doc);
      return stored.doc;
    }

    const key = activityKey(data.channel, conversationIdOf(data.conversationRef), data.sourceActivityId);
    let record = await this.byActivity.get(key);
    if (!record && incident) {
      // The same activity delivered again finds this record and gets the incident, merged once.
      try {
        await this.byActivity.insert(key, { ticketId: incident.id, channel: data.channel, activityId: data.sourceActivityId, createdAt });
        return await this.mergeAlarm(incident, data);
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        record = await this.byActivity.get(key);
      }
    }
    if (!record) {
      const activityId = data.sourceActivityId;
      try {
        // The ticket's number and the record naming it, in one step.
        record = await this.deps.store.insertNumbered<ActivityRecord>(TICKET_BY_ACTIVITY_COLLECTION, TICKET_NUMBER_COUNTER, (n) => ({
          id: key,
          doc: { ticketId: formatTicketId(n), channel: data.channel, activityId, createdAt },
        }));
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
        record = await this.byActivity.get(key);
        if (!record) throw new Error('Tickets: the idempotency record vanished while creating a ticket');
      }
    }
    // Whoever inserts the ticket document first (normally the one that wrote the record) wins;
    // the other returns it. This also completes a ticket whose creator stopped half-way.
    const id = record.doc.ticketId;
    const existing = await this.tickets.get(id);
    if (existing) return existing.doc;
    try {
      const stored = await this.tickets.insert(id, build(id));
      this.announceCreated(stored.doc);
      return stored.doc;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const winner = await this.tickets.get(id);
      if (!winner) throw new Error('Tickets: a ticket vanished while it was being created');
      return winner.doc;
    }
  }

  /**
   * The open P1 incident of the person an unverified P1 alarm names, if there is one: repeated
   * alarms about one person go into it rather than into new tickets (and new security calls).
   */
  private async openIncidentFor(data: ParsedTicketInput): Promise<Ticket | undefined> {
    const personId = data.requester.personId;
    if (data.verification.verified || !personId || ticketPriority(data) !== 'P1') return undefined;
    const found = await this.tickets.find({ where: { 'requester.personId': personId, priority: 'P1' }, orderBy: { field: 'createdAt', direction: 'desc' }, limit: 20 });
    return found.map((v) => v.doc).find((t) => t.status === 'open' || t.status === 'claimed');
  }

  private async mergeAlarm(incident: Ticket, data: ParsedTicketInput): Promise<Ticket> {
    const note = `Another unverified report (${data.type.replace(/_/g, ' ')}, ${data.channel}): ${redactTranscriptText(data.summary)}`.slice(0, MAX_TEXT_LENGTH);
    this.deps.logger.warn({ ticketId: incident.id, type: data.type, channel: data.channel }, 'Tickets: a repeated unverified alarm merged into the open incident');
    return this.change(incident.id, 'alarm_repeated', 'bot', (t, at) => ({ ...t, updatedAt: at, history: [...t.history, entry(at, 'bot', 'alarm_repeated', note)] }));
  }

  /** Reads a ticket; `undefined` for an unknown or malformed id. */
  async get(id: string): Promise<Ticket | undefined> {
    if (!isTicketId(id)) return undefined;
    return (await this.tickets.get(id))?.doc;
  }

  /**
   * Lists tickets newest first, optionally filtered, one page at a time.
   * @throws TicketValidationError for an invalid filter, limit or cursor.
   */
  async list(query: TicketListQuery = {}): Promise<TicketPage> {
    const q = parse(listQuerySchema, query);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    let after: CursorPosition | undefined;
    if (q.cursor) {
      after = decodeCursor(q.cursor);
      if (!after) throw new TicketValidationError([{ field: 'cursor', message: 'is not a cursor returned by this API' }]);
    }
    const where: Record<string, FilterValue> = {};
    if (q.status) where.status = q.status;
    if (q.priority) where.priority = q.priority;
    if (q.type) where.type = q.type;
    const found = await this.tickets.find({
      where,
      orderBy: { field: 'createdAt', direction: 'desc' },
      after: after ? { value: after.createdAt, id: after.id } : undefined,
      limit: limit + 1,
    });
    const items = found.slice(0, limit).map((v) => v.doc);
    const last = items[items.length - 1];
    return { items, nextCursor: found.length > limit && last ? encodeCursor(last) : null };
  }

  /**
   * Counts the tickets opened since `since` by type and by their current status. Reads them newest
   * first in batches and stops at the first one older than `since`.
   */
  async countsSince(since: Date): Promise<TicketCounts> {
    const until = this.now().toISOString();
    const from = since.toISOString();
    const tally = new Map<string, number>();
    let total = 0;
    let after: { value: string; id: string } | undefined;
    for (;;) {
      const batch = await this.tickets.find({ orderBy: { field: 'createdAt', direction: 'desc' }, after, limit: COUNT_BATCH });
      let reachedStart = false;
      for (const { doc } of batch) {
        if (doc.createdAt < from) {
          reachedStart = true;
          break;
        }
        const key = `${doc.type}/${doc.status}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        total += 1;
      }
      const last = batch[batch.length - 1];
      if (reachedStart || batch.length < COUNT_BATCH || !last) break;
      after = { value: last.doc.createdAt, id: last.id };
    }
    const counts = TICKET_TYPES.flatMap((type) => TICKET_STATUSES.map((status) => ({ type, status, count: tally.get(`${type}/${status}`) ?? 0 })));
    return { since: from, until, total, counts };
  }

  /**
   * Claims an open ticket for an agent. Of two concurrent claims exactly one wins. Claiming a
   * ticket one already holds changes nothing.
   * @throws TicketAlreadyClaimedError naming the holder when another agent holds it.
   * @throws InvalidTicketTransitionError when it is resolved or cancelled.
   * @throws TicketNotFoundError for an unknown id.
   */
  async claim(id: string, agent: string): Promise<Ticket> {
    const who = parse(agentNameSchema, agent, 'agent');
    return this.change(id, 'claimed', who, (t, at) => {
      if (t.status === 'claimed') return t.assignee === who ? undefined : new TicketAlreadyClaimedError(t.id, t.assignee ?? 'another agent');
      if (t.status !== 'open') return new InvalidTicketTransitionError(t.id, t.status, 'claim');
      return { ...t, status: 'claimed', assignee: who, updatedAt: at, history: [...t.history, entry(at, who, 'claimed')] };
    });
  }

  /**
   * Adds an agent's note, in any status. Notes with `visibleToUser` are shown to the requester.
   * @throws TicketNotFoundError for an unknown id.
   */
  async addNote(id: string, input: AddNoteInput): Promise<Ticket> {
    const n = parse(noteSchema, input);
    let added: TicketNote | undefined;
    return this.change(
      id,
      'note_added',
      n.agent,
      (t, at) => {
        added = { at, agent: n.agent, text: n.text, visibleToUser: n.visibleToUser };
        return { ...t, notes: [...t.notes, added], updatedAt: at, history: [...t.history, entry(at, n.agent, 'note_added')] };
      },
      () => added,
      n.sendToUnverifiedRequester,
    );
  }

  /**
   * Resolves an open ticket, or a claimed one held by the same agent.
   * @throws TicketAlreadyClaimedError when another agent holds it.
   * @throws InvalidTicketTransitionError when it is already resolved or cancelled.
   * @throws TicketNotFoundError for an unknown id.
   */
  async resolve(id: string, input: ResolveInput): Promise<Ticket> {
    const r = parse(resolveSchema, input);
    return this.change(id, 'resolved', r.agent, (t, at) => {
      if (t.status === 'claimed' && t.assignee !== r.agent) return new TicketAlreadyClaimedError(t.id, t.assignee ?? 'another agent');
      if (t.status !== 'open' && t.status !== 'claimed') return new InvalidTicketTransitionError(t.id, t.status, 'resolve');
      if (t.type === 'lost_device' && secondCheckPending(t.details)) return new SecondCheckError(t.id, 'second_check_pending');
      return {
        ...t,
        status: 'resolved',
        assignee: t.assignee ?? r.agent,
        resolution: r.resolution,
        updatedAt: at,
        history: [...t.history, entry(at, r.agent, 'resolved', r.resolution)],
      };
    }, undefined, r.sendToUnverifiedRequester);
  }

  /**
   * Records the second check a lost-device ticket's Temporary Access Pass waits for: a call-back
   * (to a number on record or from the HR record) or the line manager's confirmation, by whom,
   * when, and what was checked. Until then the ticket cannot be resolved.
   * @throws SecondCheckError when the ticket asks for no pass, or the check is already recorded.
   * @throws InvalidTicketTransitionError when it is resolved or cancelled.
   * @throws TicketNotFoundError for an unknown id.
   */
  async recordSecondCheck(id: string, input: SecondCheckInput): Promise<Ticket> {
    const c = parse(secondCheckInputSchema, input);
    return this.change(id, 'second_check_recorded', c.agent, (t, at) => withSecondCheck(t, at, { status: 'recorded', method: c.method, by: c.agent, at, note: c.note }));
  }

  /**
   * Cancels an open or claimed ticket on behalf of an agent (or `by` any other actor name).
   * @throws InvalidTicketTransitionError when it is already resolved or cancelled.
   * @throws TicketNotFoundError for an unknown id.
   */
  async cancel(id: string, by: string): Promise<Ticket> {
    const who = parse(agentNameSchema, by, 'by');
    return this.change(id, 'cancelled', who, (t, at) => cancelled(t, at, who));
  }

  /**
   * Records that a message to the person could not be delivered (for example the bot was
   * removed from their chat, or the conversation no longer exists): sets `personNotNotified`
   * and adds a history entry. Recording the same reason again changes nothing.
   * @throws TicketNotFoundError for an unknown id.
   */
  async markPersonNotNotified(id: string, reason: string): Promise<Ticket> {
    const why = parse(shortReasonSchema, reason, 'reason');
    return this.change(id, 'person_not_notified', 'bot', (t, at) => {
      if (t.personNotNotified?.reason === why) return undefined;
      return {
        ...t,
        personNotNotified: { at, reason: why },
        updatedAt: at,
        history: [...t.history, entry(at, 'bot', 'person_not_notified', why)],
      };
    });
  }

  /**
   * Adds a history entry for something that happened around the ticket without changing its
   * status, such as an agent starting or ending a live chat with the person, or an agent hub
   * reporting on a handoff. Allowed in any status.
   * @throws TicketNotFoundError for an unknown id.
   */
  async recordEvent(id: string, action: TicketEventAction, by: string, note?: string): Promise<Ticket> {
    const e = parse(recordEventSchema, { action, by, note });
    return this.change(id, e.action, e.by, (t, at) => ({
      ...t,
      updatedAt: at,
      history: [...t.history, entry(at, e.by, e.action, e.note)],
    }));
  }

  /**
   * Records that an agent started a call-back to the requester's number on record (masked).
   * @throws TicketNotFoundError for an unknown id.
   */
  async recordCallbackStarted(id: string, agent: string, destinationMasked: string): Promise<Ticket> {
    const who = parse(agentNameSchema, agent, 'agent');
    const note = `Call-back placed to the number on record ending ${destinationMasked.replace(/\D/g, '').slice(-3)}`;
    return this.change(id, 'callback_started', who, (t, at) => ({ ...t, updatedAt: at, history: [...t.history, entry(at, who, 'callback_started', note)] }));
  }

  /**
   * Records how a call-back to the number on record ended. "Verified" makes the ticket's evidence
   * a call-back to that number. A denial (the person pressed 9: they did not ask for help) marks
   * the ticket NOT verified, raises it to P1 and sets its security alert, which notifiers pass to
   * the security team. "No answer" changes only the history.
   * @throws TicketNotFoundError for an unknown id.
   */
  async recordCallbackOutcome(id: string, outcome: CallbackOutcome, destinationMasked: string): Promise<Ticket> {
    const ending = destinationMasked.replace(/\D/g, '').slice(-3);
    const action = CALLBACK_ACTIONS[outcome];
    const note = CALLBACK_NOTES[outcome].replace('{ending}', ending);
    return this.change(id, action, 'bot', (current, at) => {
      // The outcome goes into the history first; a # on a lost-device ticket then also records its second check.
      const t: Ticket = { ...current, history: [...current.history, entry(at, 'bot', action, note)] };
      return {
        ...(outcome === 'verified' ? verifiedByCallback(t, at, `***${ending}`, note) : t),
        ...(outcome === 'verified' ? { verification: { verified: true as const, method: 'callback' as const, destinationMasked: `***${ending}`, at } } : {}),
        ...(outcome === 'denied'
          ? { priority: 'P1' as const, securityAlert: { at, reason: note }, verification: { verified: false as const, reason: `DENIED on call-back to the number on record ending ${ending}` } }
          : {}),
        updatedAt: at,
      };
    });
  }

  /**
   * The requester's own tickets, newest first, as the requester may see them.
   * @throws TicketValidationError when neither email nor person id is given.
   */
  async listForRequester(requester: RequesterKey, options: { readonly limit?: number } = {}): Promise<RequesterTicketView[]> {
    const key = parse(requesterKeySchema, requester, 'requester');
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(options.limit ?? DEFAULT_PAGE_SIZE)));
    const queries: Record<string, FilterValue>[] = [];
    if (key.email) queries.push({ 'requester.email': key.email });
    if (key.personId) queries.push({ 'requester.personId': key.personId });
    const byId = new Map<string, Ticket>();
    for (const where of queries) {
      for (const v of await this.tickets.find({ where, orderBy: { field: 'createdAt', direction: 'desc' }, limit })) byId.set(v.id, v.doc);
    }
    return [...byId.values()]
      .sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)))
      .slice(0, limit)
      .map(requesterView);
  }

  /**
   * Cancels one of the requester's own tickets while it is still open (not yet claimed).
   * @throws TicketNotFoundError when there is no such ticket or it is not the requester's.
   * @throws InvalidTicketTransitionError when it is no longer open.
   */
  async cancelOwn(id: string, requester: RequesterKey): Promise<RequesterTicketView> {
    const key = parse(requesterKeySchema, requester, 'requester');
    const ticket = await this.change(id, 'cancelled', 'requester', (t, at) => {
      const owns =
        (key.email !== undefined && t.requester.email === key.email) || (key.personId !== undefined && t.requester.personId === key.personId);
      if (!owns) return new TicketNotFoundError(t.id);
      if (t.status !== 'open') return new InvalidTicketTransitionError(t.id, t.status, 'cancel');
      return cancelled(t, at, 'requester');
    });
    return requesterView(ticket);
  }

  /**
   * Waits until every notification started so far has finished (deliveries in the
   * background, e.g. the security webhook with its retries).
   * @returns false when `timeoutMs` passed first.
   */
  async whenIdle(timeoutMs?: number): Promise<boolean> {
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    while (this.pending.size > 0) {
      const all = Promise.allSettled([...this.pending]).then(() => true);
      if (deadline === undefined) {
        await all;
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const done = await Promise.race([all, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), left).unref())]);
      if (!done) return false;
    }
    return true;
  }

  /**
   * Applies a change atomically (the store's `update`, retried under contention, so the change
   * function must be pure), then announces it. `undefined` from the change means "nothing to
   * do" and returns the ticket unchanged.
   */
  private async change(
    id: string,
    action: TicketAction,
    by: string,
    apply: (t: Ticket, at: string) => Change,
    noteOf: () => TicketNote | undefined = () => undefined,
    sendToUnverifiedRequester = false,
  ): Promise<Ticket> {
    if (!isTicketId(id)) throw new TicketNotFoundError(String(id));
    const outcome: { failure?: TicketError; changed: boolean } = { changed: false };
    const at = this.now().toISOString();
    const stored = await this.tickets.update(id, (current) => {
      outcome.failure = undefined;
      outcome.changed = false;
      if (!current) return undefined;
      const result = apply(current, at);
      if (result instanceof TicketError) {
        outcome.failure = result;
        return undefined;
      }
      if (result !== undefined) outcome.changed = true;
      return result;
    });
    if (!stored) throw new TicketNotFoundError(id);
    if (outcome.failure) throw outcome.failure;
    if (outcome.changed) {
      this.deps.logger.info({ ticketId: id, action, status: stored.doc.status }, 'ticket updated');
      this.announce({ action, ticket: stored.doc, by, at, note: noteOf(), ...(sendToUnverifiedRequester ? { sendToUnverifiedRequester } : {}) });
    }
    return stored.doc;
  }

  private announceCreated(ticket: Ticket): void {
    this.deps.logger.info(
      { ticketId: ticket.id, type: ticket.type, priority: ticket.priority, channel: ticket.channel, verified: ticket.verification.verified },
      'ticket created',
    );
    this.announce({ action: 'created', ticket, by: 'bot', at: ticket.createdAt });
  }

  private announce(event: TicketEvent): void {
    for (const notifier of this.notifiers) {
      const delivery: Promise<void> = (async () => notifier.notify(event))()
        .catch((err: unknown) => {
          this.deps.logger.warn({ err: redact(err), notifier: notifier.name, ticketId: event.ticket.id, action: event.action }, 'ticket notifier failed');
        })
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }
}

const CALLBACK_ACTIONS: Readonly<Record<CallbackOutcome, TicketAction>> = {
  verified: 'callback_verified',
  denied: 'callback_denied',
  no_answer: 'callback_no_answer',
};

const CALLBACK_NOTES: Readonly<Record<CallbackOutcome, string>> = {
  verified: 'Verified by call-back: whoever answered the number on record ending {ending} pressed # to confirm the request',
  denied: 'DENIED on call-back: whoever answered the number on record ending {ending} pressed 9, they did not ask for help. Possible social engineering: do not act on this ticket.',
  no_answer: 'Call-back to the number on record ending {ending}: no answer or no key pressed',
};

function entry(at: string, by: string, action: TicketAction, note?: string): TicketHistoryEntry {
  return note === undefined ? { at, by, action } : { at, by, action, note };
}

function cancelled(t: Ticket, at: string, by: string): Change {
  if (t.status !== 'open' && t.status !== 'claimed') return new InvalidTicketTransitionError(t.id, t.status, 'cancel');
  return { ...t, status: 'cancelled', updatedAt: at, history: [...t.history, entry(at, by, 'cancelled')] };
}

/** The ticket with its Temporary Access Pass's second check recorded, or why that cannot be. */
function withSecondCheck(t: Ticket, at: string, check: Extract<SecondCheck, { status: 'recorded' }>): Change {
  if (t.status !== 'open' && t.status !== 'claimed') return new InvalidTicketTransitionError(t.id, t.status, 'record a second check on');
  const tap = t.type === 'lost_device' ? passOf(t.details) : undefined;
  if (t.type !== 'lost_device' || !tap?.requested) return new SecondCheckError(t.id, 'second_check_not_requested');
  if (tap.secondCheck.status === 'recorded') return new SecondCheckError(t.id, 'second_check_already_recorded');
  const note = `${check.method === 'callback' ? 'Call-back' : "Line manager's confirmation"}: ${check.note}`;
  return {
    ...t,
    details: { ...t.details, temporaryAccessPass: { requested: true, secondCheck: check } },
    updatedAt: at,
    history: [...t.history, entry(at, check.by, 'second_check_recorded', note)],
  };
}

/**
 * A call-back answered with # on a lost-device ticket: the number it reached is the proving
 * number, and a pending second check of its Temporary Access Pass is recorded as that call-back.
 */
function verifiedByCallback(t: Ticket, at: string, masked: string, note: string): Ticket {
  if (t.type !== 'lost_device') return t;
  const proven: Ticket = { ...t, details: { ...t.details, provingPhone: { numberMasked: masked } } };
  if (!secondCheckPending(t.details)) return proven;
  const recorded = withSecondCheck(proven, at, { status: 'recorded', method: 'callback', by: 'bot', at, note: note.slice(0, 500) });
  return recorded instanceof TicketError || recorded === undefined ? proven : recorded;
}
