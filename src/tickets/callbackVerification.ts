import type { Logger } from '../logger';
import { PHONE_METHODS, phoneFor, sameNumberMethods, type Directory, type Person } from '../directory/directory';
import { DuplicateKeyError, type Collection, type DocumentStore } from '../store/documentStore';
import type { CallbackTicket } from '../verification/callbackCalls';
import { verificationMessage } from '../verification/messages';
import type { VerificationService } from '../verification/verificationService';
import type { CallbackOutcome, Ticket } from './model';
import type { TicketService } from './ticketService';

/** Collection recording the outcome of each call-back once (keyed by the call-back's random id). */
export const CALLBACK_OUTCOMES_COLLECTION = 'callback_outcomes';

/** Who the caller says they are, when the ticket does not name a person in the directory. */
export interface ClaimedPerson {
  readonly email?: string;
  readonly staffId?: string;
}

/** Why a call-back could not be placed. */
export type CallbackRefusal =
  | { readonly ok: false; readonly error: 'not_found' }
  | { readonly ok: false; readonly error: 'invalid_transition'; readonly status: Ticket['status'] }
  | { readonly ok: false; readonly error: 'unavailable' | 'no_person' | 'no_number' | 'not_eligible' | 'send_failed'; readonly message: string }
  | { readonly ok: false; readonly error: 'limit'; readonly message: string; readonly retryAt?: number };

/** Outcome of {@link CallbackVerification.start}. */
export type CallbackStart = { readonly ok: true; readonly ticket: Ticket; readonly destinationMasked: string } | CallbackRefusal;

/** Options of {@link CallbackVerification}. */
export interface CallbackVerificationDeps {
  readonly tickets: TicketService;
  readonly directory: Directory;
  readonly verification: VerificationService;
  readonly store: DocumentStore;
  readonly logger: Logger;
  readonly now: () => number;
  /** Whether call-backs can be placed at all (Twilio needs a public base URL for the answer webhook). */
  readonly available: boolean;
}

type OutcomeDoc = { outcome: CallbackOutcome; ticketId?: string; at: string };

/** The conversation a ticket's call-back codes belong to. */
export function callbackConversationId(ticketId: string): string {
  return `callback:${ticketId}`;
}

/**
 * Agent-initiated call-back verification: the defence against a caller who reaches a person
 * directly. It calls a number the directory holds for the ticket's requester (never a number
 * from the ticket's text), and whoever answers presses # (they asked for help) or 9 (they did
 * not). The call is a send like any code, within the same limits. The outcome goes on the
 * ticket's history, once: verified by call-back, denied (P1 security alert), or no answer.
 */
export class CallbackVerification {
  private readonly outcomes: Collection<OutcomeDoc>;

  constructor(private readonly deps: CallbackVerificationDeps) {
    this.outcomes = deps.store.collection<OutcomeDoc>(CALLBACK_OUTCOMES_COLLECTION);
  }

  /** Places the call-back for a ticket on behalf of an agent. */
  async start(ticketId: string, agent: string, claimed: ClaimedPerson = {}): Promise<CallbackStart> {
    const ticket = await this.deps.tickets.get(ticketId);
    if (!ticket) return { ok: false, error: 'not_found' };
    if (ticket.status !== 'open' && ticket.status !== 'claimed') return { ok: false, error: 'invalid_transition', status: ticket.status };
    if (!this.deps.available) {
      return { ok: false, error: 'unavailable', message: 'Call-backs need PUBLIC_BASE_URL, so Twilio can reach the webhook that answers them.' };
    }
    const person = await this.requester(ticket, claimed);
    if (!person) {
      return { ok: false, error: 'no_person', message: 'The ticket does not name a person in the directory: give the email or staff ID the caller claims.' };
    }
    // A lost phone may be in someone else's hands: a lost-device ticket never calls its number
    // (under any name it is held as); when the ticket does not say which phone, not the mobile.
    const lost = ticket.type === 'lost_device' ? (ticket.details.lostPhone?.method ?? 'mobile') : undefined;
    const excluded: readonly string[] = lost ? sameNumberMethods(person, lost) : [];
    const method = PHONE_METHODS.find((m) => !excluded.includes(m) && phoneFor(person, m) !== undefined);
    if (!method) {
      const why = excluded.length ? 'The directory holds no number for this person other than the lost phone' : 'The directory holds no phone number for this person';
      return { ok: false, error: 'no_number', message: `${why}: verify them another way.` };
    }
    const result = await this.deps.verification.sendCode({
      purpose: 'identity',
      person,
      conversationId: callbackConversationId(ticket.id),
      channel: 'voice',
      method,
      callback: { kind: 'agent', ticketId: ticket.id },
      requester: { kind: 'agent', source: `agent:${agent}` },
    });
    if (!result.ok) {
      const message = verificationMessage(result, { now: this.deps.now() });
      switch (result.reason) {
        case 'not_eligible':
          return { ok: false, error: 'not_eligible', message };
        case 'no_number':
          return { ok: false, error: 'no_number', message };
        case 'send_failed':
          return { ok: false, error: 'send_failed', message: result.failure.userMessage };
        case 'identity_not_proven':
        case 'invalid_number':
          return { ok: false, error: 'send_failed', message };
        default:
          return { ok: false, error: 'limit', message, retryAt: result.retryAt };
      }
    }
    const updated = await this.deps.tickets.recordCallbackStarted(ticket.id, agent, result.destination);
    this.deps.logger.info({ ticketId: ticket.id, to: result.destination }, 'call-back verification placed');
    return { ok: true, ticket: updated, destinationMasked: result.destination };
  }

  /**
   * Acts on the key pressed in a call-back: # in an agent's call-back is checked as the call's
   * code (single use, within its validity) and records "verified" (a caller's conversation
   * checks its code itself); 9 records a denial; anything else, or
   * nothing, records "no answer". Returns what was recorded, or `undefined` when this call-back
   * already has an outcome or its code no longer works.
   */
  async answer(call: CallbackTicket, digits: string): Promise<CallbackOutcome | undefined> {
    // A caller's call-back carries their conversation on, which checks the code itself.
    if (digits === '#' && call.kind === 'caller') return this.record(call, 'verified');
    if (digits === '#') {
      const checked = await this.deps.verification.checkCode({ personId: call.personId, purpose: 'identity', conversationId: call.conversationId, code: call.code, requester: { kind: 'agent' } });
      if (!checked.ok) return undefined;
      return this.record(call, 'verified');
    }
    return this.record(call, digits === '9' ? 'denied' : 'no_answer');
  }

  /** Records "no answer" for a call-back nobody answered (busy, no answer, failed), unless it already has an outcome. */
  async noAnswer(call: CallbackTicket): Promise<CallbackOutcome | undefined> {
    return this.record(call, 'no_answer');
  }

  private async record(call: CallbackTicket, outcome: CallbackOutcome): Promise<CallbackOutcome | undefined> {
    try {
      await this.outcomes.insert(`o_${call.callId}`, { outcome, ...(call.ticketId ? { ticketId: call.ticketId } : {}), at: new Date(this.deps.now()).toISOString() });
    } catch (err) {
      if (err instanceof DuplicateKeyError) return undefined;
      throw err;
    }
    if (call.ticketId) await this.deps.tickets.recordCallbackOutcome(call.ticketId, outcome, call.masked);
    else if (call.kind === 'caller' && outcome === 'denied') await this.impersonationTicket(call);
    const log = outcome === 'denied' ? this.deps.logger.warn.bind(this.deps.logger) : this.deps.logger.info.bind(this.deps.logger);
    log({ ticketId: call.ticketId, kind: call.kind, outcome, to: call.masked }, 'call-back outcome');
    return outcome;
  }

  /**
   * A caller on the phone line gave this person's staff ID and chose a call-back, and whoever
   * answered the number on record said they did not ask: a P1 ticket with its security alert.
   */
  private async impersonationTicket(call: CallbackTicket): Promise<void> {
    const ticket = await this.deps.tickets.createTicket({
      type: 'other',
      details: { actionRequested: true, topic: 'call-back denied on the phone line' },
      requester: { personId: call.personId, ...(call.email ? { email: call.email } : {}) },
      channel: 'voice',
      verification: { verified: false, reason: 'a caller gave this staff ID, and the person on the number on record denied it on a call-back' },
      summary: "Possible impersonation: a caller on the phone line gave this person's staff ID and chose a call-back; the person who answered the number on record pressed 9, they did not ask for help",
      transcript: [],
    });
    await this.deps.tickets.recordCallbackOutcome(ticket.id, 'denied', call.masked);
  }

  /** The person the ticket names (or, when it names nobody, the person the caller claims to be), from the directory. */
  private async requester(ticket: Ticket, claimed: ClaimedPerson): Promise<Person | undefined> {
    const r = ticket.requester;
    const named: ClaimedPerson = r.email || r.staffId ? r : claimed;
    let person = named.email ? await this.deps.directory.findByEmail(named.email) : undefined;
    if (!person && named.staffId) person = await this.deps.directory.findByStaffId(named.staffId);
    return person && (r.personId === undefined || person.id === r.personId) ? person : undefined;
  }
}
