import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  BotAdapter,
  HandoffEventNames,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { turnWritesOf } from '../../bot/turnWritesMiddleware';
import { recognizeCommand } from '../../knowledge/commands';
import type { Logger } from '../../logger';
import { redact, redactPhone } from '../../logger';
import type { Collection, DocumentStore } from '../../store/documentStore';
import type { TicketEvent, TicketNotifier } from '../../tickets/notifier';
import { ticketOriginOf, type TicketFloodGuard } from '../../tickets/ticketFloodGuard';
import type { TicketService } from '../../tickets/ticketService';
import type { TranscriptLog } from '../../tickets/transcriptLog';
import type { VerificationSessions } from '../../verification/sessions';
import { CALL_BACK_PROMISE, renderTwiml, type CallEnding } from './twiml';
import { HELPDESK_PHONE_SPOKEN } from '../../../dialogs/facts';

/** Channel id of the phone line; the dialogs check it to ask for keypad input. */
export const VOICE_CHANNEL_ID = 'voice';
/** Locale of every phone-line activity. */
export const VOICE_LOCALE = 'en-GB';
/** Collection of the calls in progress: the conversation each call belongs to, and what was last offered. */
export const VOICE_CALLS_COLLECTION = 'voice_calls';
/** Longest speech result passed to the bot; the rest is dropped. */
export const MAX_SPEECH_LENGTH = 500;
/** Answers in a row with nothing usable before the caller is put through to a person. */
export const MAX_EMPTY_ANSWERS = 3;

/** A Twilio `CallSid`: `CA` and 32 hex digits. */
export const CALL_SID_PATTERN = /^CA[0-9a-f]{32}$/i;

/** One webhook of a call, as the routes hand it over. */
export interface VoiceTurnInput {
  readonly callSid: string;
  /** `start` for the call's first webhook (the greeting), `input` for a `<Gather>` result. */
  readonly kind: 'start' | 'input';
  /** The caller's number as Twilio reports it; proves nothing. */
  readonly from?: string;
  readonly speech?: string;
  readonly digits?: string;
}

/** Where the phone line's own webhooks live, and how a person is reached. */
export interface VoiceAdapterOptions {
  readonly botId: string;
  readonly store: DocumentStore;
  readonly tickets: TicketService;
  /** Budgets of tickets opened by callers whose identity was not proven. */
  readonly floodGuard: TicketFloodGuard;
  readonly sessions: VerificationSessions;
  readonly transcripts: TranscriptLog;
  readonly logger: Logger;
  /** Path (or absolute URL) that `<Gather>` posts the caller's answer to. */
  readonly gatherAction: string;
  /** Builds the URL of the whisper played to the agent for a ticket (or none). */
  readonly whisperUrl: (ticketId?: string) => string;
  /** Where callers are put through to a person; without it the helpdesk calls back. */
  readonly helpdeskNumber?: string;
}

/** The turn's logic, as for any adapter: usually the Teams AI `Application.run`. */
export type VoiceLogic = (context: TurnContext) => Promise<void>;

/** Where the turn handed the call to a person (`handoff.initiate`), or -1. */
function handoffIndex(outbox: readonly Partial<Activity>[]): number {
  return outbox.findIndex((a) => a.type === ActivityTypes.Event && a.name === HandoffEventNames.InitiateHandoff);
}

/** The choices the call offers once the turn has said what is in its outbox: none after a handoff. */
function choicesAfter(outbox: readonly Partial<Activity>[]): string[] {
  return handoffIndex(outbox) >= 0 ? [] : choicesOf(outbox.filter((a) => a.type === ActivityTypes.Message));
}

function sameCall(a: CallDoc, b: CallDoc): boolean {
  return a.conversationId === b.conversationId && a.empty === b.empty && a.startedAt === b.startedAt && a.choices.length === b.choices.length && a.choices.every((c, i) => c === b.choices[i]);
}

type CallDoc = {
  /** The conversation the call belongs to (its own CallSid, or the call it continues). */
  conversationId: string;
  /** Choices offered in the last turn, for "press 1 or say …". */
  choices: string[];
  /** Answers in a row with nothing usable. */
  empty: number;
  startedAt: string;
};

const OUTBOX = Symbol('voiceOutbox');

/** A ticket opened in a call during the current turn: the call is then put through to a person. */
interface Transfer {
  readonly ticketId: string;
}

/** Said when a caller's ticket is refused because a budget is spent and no helpdesk number is set. */
export const NO_TICKET_CALL_TEXT = `I can't open a ticket for you just now. Please call the helpdesk on ${HELPDESK_PHONE_SPOKEN}. Goodbye.`;

/**
 * The phone line's Bot Framework adapter. Each Twilio webhook becomes one activity on channel
 * `voice` (conversation id: the `CallSid`, locale en-GB; the text is the speech result or the
 * keyed digits, which are also in `value.digits`; the caller's number only in `channelData`,
 * marked unverified) and runs through the same middleware and `Application` as chat. What the
 * bot sends back is collected and rendered as TwiML: `speak` (or the text) is read out, never
 * a card or a trace; suggested actions become "press 1 or say …" choices a keyed digit picks;
 * `endOfConversation` hangs up; a ticket opened in the call, or a `handoff.initiate` event (a
 * prompt that gave up), puts the caller through to a person.
 */
export class VoiceAdapter extends BotAdapter {
  private readonly calls: Collection<CallDoc>;
  private readonly transfers = new Map<string, Transfer>();

  constructor(private readonly options: VoiceAdapterOptions) {
    super();
    this.calls = options.store.collection<CallDoc>(VOICE_CALLS_COLLECTION);
  }

  /** Hears about tickets: one opened from a call marks that call for a transfer at the end of its turn. */
  readonly ticketNotifier: TicketNotifier = {
    name: 'voice-transfer',
    notify: (event: TicketEvent): Promise<void> => {
      const conversationId = conversationIdOfRef(event.ticket.conversationRef);
      if (event.action === 'created' && event.ticket.channel === VOICE_CHANNEL_ID && conversationId) {
        this.transfers.set(conversationId, { ticketId: event.ticket.id });
      }
      return Promise.resolve();
    },
  };

  /** Collects what the bot says; it is rendered as TwiML when the turn ends. */
  sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox = outboxOf(context);
    for (const activity of activities) {
      if (activity.type === ActivityTypes.Trace || activity.type === ActivityTypes.Typing) continue;
      outbox.push(activity);
    }
    return Promise.resolve(activities.map(() => ({ id: randomUUID() })));
  }

  /** A call cannot change what was already said. */
  updateActivity(): Promise<void> {
    return Promise.reject(new Error('The phone line cannot update a message that was already spoken.'));
  }

  /** A call cannot take back what was already said. */
  deleteActivity(): Promise<void> {
    return Promise.reject(new Error('The phone line cannot delete a message that was already spoken.'));
  }

  /** The phone line only answers webhooks; it cannot speak into a call later. */
  continueConversation(_reference: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return Promise.reject(new Error('The phone line cannot send proactive messages.'));
  }

  /**
   * Runs one webhook of a call as a turn and returns the TwiML to answer with. Throws only when
   * the turn itself failed beyond the turn error handler (the route then answers an apology).
   */
  async processCall(input: VoiceTurnInput, logic: VoiceLogic): Promise<string> {
    const existing = await this.calls.get(input.callSid);
    // A copy: the stored version stays as read, to tell whether the turn changed the call.
    const call: CallDoc = existing ? { ...existing.doc, choices: [...existing.doc.choices] } : { conversationId: input.callSid, choices: [], empty: 0, startedAt: new Date().toISOString() };
    const conversationId = call.conversationId;
    const log = this.options.logger.child({ conversationId, channelId: VOICE_CHANNEL_ID });
    const keyed = (input.digits ?? '').trim();
    const said = cleanSpeech(input.speech);
    const text = keyed ? this.textForDigits(keyed, call.choices) : said;

    if (input.kind === 'input' && !text) call.empty += 1;
    else call.empty = 0;
    const wantsPerson = input.kind === 'input' && (keyed === '0' || recognizeCommand(text, ['anywhere']) === 'person' || call.empty >= MAX_EMPTY_ANSWERS);
    if (wantsPerson) {
      const why = call.empty >= MAX_EMPTY_ANSWERS ? 'The caller gave no usable answer to several prompts' : 'The caller asked for a person';
      call.empty = 0;
      await this.calls.put(input.callSid, call);
      log.info({ why }, 'voice: putting the caller through to a person');
      return this.escalate(input, conversationId, why);
    }

    const activity = this.activityFor(input, conversationId, text, keyed);
    const context = new TurnContext(this, activity);
    const outbox: Partial<Activity>[] = [];
    context.turnState.set(OUTBOX, outbox);
    this.transfers.delete(conversationId);
    let stored: CallDoc | undefined = existing?.doc;
    await this.runMiddleware(context, async (ctx) => {
      // Held with the turn's state write, so both share one commit; written as the turn stands when issued.
      turnWritesOf(ctx)?.add(async () => {
        const doc = { ...call, choices: choicesAfter(outbox) };
        await this.calls.put(input.callSid, doc);
        stored = doc;
      });
      await logic(ctx);
    });

    const transfer = this.transfers.get(conversationId);
    this.transfers.delete(conversationId);
    const messages = outbox.filter((a) => a.type === ActivityTypes.Message);
    const handoffAt = handoffIndex(outbox);
    const handoff = handoffAt >= 0;
    call.choices = choicesAfter(outbox);
    // Written again only if the turn said more after its state write (or had none).
    if (!stored || !sameCall(stored, call)) await this.calls.put(input.callSid, call);
    const spoken = messages.map((a) => a.speak ?? a.text ?? '');
    if (transfer) return this.transferTwiml(spoken, transfer.ticketId);
    if (handoff) {
      // A prompt gave up after two re-prompts: the same escalation as pressing 0.
      log.info({ why: 'no usable answer to a prompt' }, 'voice: putting the caller through to a person');
      const said = outbox.slice(0, handoffAt).filter((a) => a.type === ActivityTypes.Message).map((a) => a.speak ?? a.text ?? '');
      return this.escalate(input, conversationId, 'The caller gave no usable answer to a question three times', said);
    }
    if (outbox.some((a) => a.type === ActivityTypes.EndOfConversation)) return renderTwiml(spoken, { kind: 'hangup' });
    const ending: CallEnding = { kind: 'gather', action: this.options.gatherAction, hints: call.choices };
    log.debug({ messages: messages.length, choices: call.choices.length }, 'voice: turn rendered');
    return renderTwiml(spoken, ending);
  }

  /**
   * Carries a conversation on in another call (a call-back the caller asked for): the new call
   * joins the conversation, and the code the call-back stood for is its answer, as if keyed in.
   */
  async continueInCall(callSid: string, conversationId: string, code: string, logic: VoiceLogic): Promise<string> {
    await this.calls.put(callSid, { conversationId, choices: [], empty: 0, startedAt: new Date().toISOString() });
    return this.processCall({ callSid, kind: 'input', digits: code }, logic);
  }

  /** Says the ticket number, then dials the helpdesk (or promises a call back and hangs up). */
  transferTwiml(spoken: readonly string[], ticketId?: string): string {
    const number = this.options.helpdeskNumber;
    if (!number) return renderTwiml([...spoken, CALL_BACK_PROMISE], { kind: 'hangup' });
    return renderTwiml([...spoken, "I'm putting you through to the helpdesk now. Please hold."], {
      kind: 'dial',
      to: number,
      whisperUrl: this.options.whisperUrl(ticketId),
    });
  }

  /** Opens a ticket with what is known (the identity proven in this call, if any) and puts the caller through. */
  private async escalate(input: VoiceTurnInput, conversationId: string, why: string, said: readonly string[] = []): Promise<string> {
    const identity = await this.options.sessions.recall(conversationId, callerIdOf(conversationId));
    if (!identity) {
      const origin = { channelId: VOICE_CHANNEL_ID, conversation: { id: conversationId }, from: { id: callerIdOf(conversationId) }, channelData: { caller: { number: input.from } } };
      const admitted = await this.options.floodGuard.admit(ticketOriginOf(origin, undefined, undefined));
      // No ticket: the caller is put through when there is a helpdesk number, or told to call it.
      if (!admitted.ok) return this.options.helpdeskNumber ? this.transferTwiml([]) : renderTwiml([NO_TICKET_CALL_TEXT], { kind: 'hangup' });
    }
    const ticket = await this.options.tickets.createTicket({
      type: 'other',
      details: { actionRequested: true, topic: 'phone line' },
      requester: identity
        ? { email: identity.email, name: identity.displayName, staffId: identity.staffId || undefined, personId: identity.personId }
        : { name: 'Caller on the phone line (not verified)' },
      channel: 'voice',
      verification: identity
        ? { verified: true, method: identity.method, destinationMasked: identity.destinationMasked, at: identity.at }
        : { verified: false, reason: 'not verified on the phone line (caller ID proves nothing); call back on a number from the record before changing anything' },
      summary: why,
      transcript: await this.options.transcripts.recent(conversationId),
      conversationRef: { conversation: { id: conversationId }, channelId: VOICE_CHANNEL_ID },
      sourceActivityId: `${input.callSid}:escalation`,
    });
    this.transfers.delete(conversationId);
    const spoken = `I've opened ticket ${ticket.id} for you.`;
    return this.transferTwiml([...said, spoken], ticket.id);
  }

  private textForDigits(digits: string, choices: readonly string[]): string {
    const n = /^[1-9]$/.test(digits) ? Number(digits) : 0;
    return n > 0 && n <= choices.length ? choices[n - 1] : digits;
  }

  private activityFor(input: VoiceTurnInput, conversationId: string, text: string, digits: string): Partial<Activity> {
    const caller = callerIdOf(conversationId);
    const base: Partial<Activity> = {
      id: randomUUID(),
      channelId: VOICE_CHANNEL_ID,
      serviceUrl: 'urn:voice',
      locale: VOICE_LOCALE,
      timestamp: new Date(),
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: 'phone call' },
      from: { id: caller, name: 'Caller', role: 'user' },
      recipient: { id: this.options.botId, name: 'MFA Helpdesk', role: 'bot' },
      channelData: { callSid: input.callSid, caller: { number: input.from ?? 'unknown', verified: false } },
    };
    if (input.kind === 'start') {
      return { ...base, type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: caller, name: 'Caller' }] };
    }
    return { ...base, type: ActivityTypes.Message, text, ...(digits ? { value: { digits } } : {}) };
  }

  /** Logs a failure of the phone line without the caller's number. */
  logFailure(err: unknown, input: Pick<VoiceTurnInput, 'callSid' | 'from'>, what: string): void {
    this.options.logger.error({ err: redact(err), callSid: input.callSid, from: input.from ? redactPhone(input.from) : undefined }, what);
  }
}

/** The bot's id for the caller of a conversation: never the phone number, which proves nothing. */
export function callerIdOf(conversationId: string): string {
  return `caller:${conversationId}`;
}

function outboxOf(context: TurnContext): Partial<Activity>[] {
  const outbox: unknown = context.turnState.get(OUTBOX);
  if (!Array.isArray(outbox)) throw new Error('VoiceAdapter: sendActivities outside a phone-line turn');
  return outbox as Partial<Activity>[];
}

/** Speech as the bot gets it: control characters removed, whitespace collapsed, bounded. */
function cleanSpeech(speech: string | undefined): string {
  return (speech ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_SPEECH_LENGTH);
}

/** "press 1 or say Yes, please." as the dialogs speak a choice. */
const SPOKEN_CHOICE = /\bpress (\d) or say (.+?)(?=[.;](?:\s|$)|$)/gi;

/**
 * The choices of the last message that offered some ("press 1 or say …"): its suggested
 * actions, or else the choices read out in its speech (the phone line keeps only the speech).
 */
function choicesOf(messages: readonly Partial<Activity>[]): string[] {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const actions = messages[i].suggestedActions?.actions ?? [];
    if (actions.length > 0) return actions.map((a) => a.title ?? String(a.value ?? '')).slice(0, 9);
    const spoken: string[] = [];
    for (const m of (messages[i].speak ?? '').matchAll(SPOKEN_CHOICE)) {
      if (Number(m[1]) === spoken.length + 1) spoken.push(m[2].replace(/(\d) (?=\d\b)/g, '$1').trim());
    }
    if (spoken.length > 0) return spoken.slice(0, 9);
  }
  return [];
}

function conversationIdOfRef(ref: Record<string, unknown> | undefined): string | undefined {
  const conversation = ref?.conversation;
  if (conversation && typeof conversation === 'object' && 'id' in conversation) {
    const id = (conversation as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}
