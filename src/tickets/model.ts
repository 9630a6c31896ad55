import { z } from 'zod';

/**
 * The ticket model: what a helpdesk ticket holds, and the zod schemas that check what callers
 * hand to the ticket service. Tickets are stored as JSON documents, so every field is plain
 * JSON (dates are ISO 8601 strings).
 */

/** Ticket ids: `MFA-` and six digits, e.g. `MFA-000042`. */
export const TICKET_ID_PATTERN = /^MFA-\d{6}$/;

/** What the person needs help with. */
export const TICKET_TYPES = ['lost_device', 'change_method', 'new_device', 'suspicious_prompt', 'exception_request', 'other'] as const;
/** Kind of ticket. */
export type TicketType = (typeof TICKET_TYPES)[number];

/** Priorities, most urgent first. See {@link ticketPriority} for the rules. */
export const TICKET_PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
/** Urgency of a ticket. */
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** Lifecycle states. `resolved` and `cancelled` are final. */
export const TICKET_STATUSES = ['open', 'claimed', 'resolved', 'cancelled'] as const;
/** Where a ticket is in its lifecycle. */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Channels a ticket can come from. */
export const TICKET_CHANNELS = ['msteams', 'webchat', 'emulator', 'voice'] as const;
/** Channel the person used. */
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

/** Longest free-text field (summary, note, resolution, justification). */
export const MAX_TEXT_LENGTH = 4000;
/** How many conversation turns a ticket keeps (the most recent ones). */
export const MAX_TRANSCRIPT_TURNS = 20;

/** ISO 8601 timestamp with a time zone, e.g. `2025-01-31T09:15:00.000Z`. */
const isoTimestamp = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
/** One line of free text: no control characters except tab. */
// eslint-disable-next-line no-control-regex
const noControl = (s: string): boolean => !/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s);
const shortText = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine(noControl, 'must not contain control characters');
/** Multi-line free text (newlines allowed). */
const longText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

/**
 * A display name from a client made safe to record and show: control and format characters
 * (newlines, zero-width and bidi marks) removed, runs of white space made one space, and the result
 * cut to `max` characters. `undefined` when nothing is left.
 */
export function cleanDisplayName(raw: unknown, max = 200): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const cleaned = raw
    .slice(0, max * 4)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...cleaned].slice(0, max).join('').trim();
  return cut === '' ? undefined : cut;
}

/** An agent's display name or sign-in name, as recorded in history and assignments; format characters (zero-width, bidi) are refused. */
export const agentNameSchema = shortText(200).refine((s) => !/\p{Cf}/u.test(s), 'must not contain format characters (zero-width or bidi marks)');

/** Evidence that the person proved control of a number the directory holds, or why that did not happen. */
export const verificationEvidenceSchema = z.discriminatedUnion('verified', [
  z
    .object({
      verified: z.literal(true),
      /** `sms` or `voice`: a code sent to the number and keyed back. `callback`: whoever answered a call to the number pressed # to confirm. */
      method: z.enum(['sms', 'voice', 'callback']),
      /** The destination with all but its last digits hidden, e.g. `***101`. */
      destinationMasked: shortText(40).refine((s) => (s.match(/\d/g) ?? []).length <= 4, 'must be masked (at most 4 digits visible)'),
      at: isoTimestamp,
    })
    .strict(),
  z.object({ verified: z.literal(false), reason: shortText(500) }).strict(),
]);
/**
 * How the person's identity was proven, or that it was not. Produced by the verification
 * module; a ticket always carries one.
 */
export type VerificationEvidence = z.infer<typeof verificationEvidenceSchema>;

/** Who asked for help. At least one field is set. */
export const requesterSchema = z
  .object({
    email: z.string().trim().toLowerCase().email('must be an email address').max(320).optional(),
    name: shortText(200).optional(),
    staffId: shortText(100).optional(),
    personId: shortText(200).optional(),
    /** What a requester whose identity was not proven typed to say who they are; proves nothing. */
    claimed: shortText(320).optional(),
  })
  .strict()
  .refine((r) => r.email !== undefined || r.name !== undefined || r.staffId !== undefined || r.personId !== undefined || r.claimed !== undefined, 'must name the requester');
/** The person a ticket is for. Emails are stored in lower case. */
export type Requester = z.infer<typeof requesterSchema>;

/** A phone number as the ticket may hold it: its last 3 digits only, e.g. `***101`. */
const maskedNumberSchema = z.string().regex(/^\*\*\*\d{3}$/, 'must be masked to its last 3 digits, e.g. ***101');

/** Directory methods that hold a phone number. */
export const PHONE_METHOD_NAMES = ['mobile', 'alternateMobile', 'officePhone'] as const;
/** Every MFA method the directory can hold for a person. */
export const MFA_METHOD_NAMES = ['authenticatorApp', 'mobile', 'alternateMobile', 'officePhone', 'fido2', 'smartcard'] as const;

/** Ways an agent can make the second check a Temporary Access Pass needs. */
export const SECOND_CHECK_METHODS = ['callback', 'line_manager'] as const;
/** How the second check was made: a call-back to a number on record (or from the HR record), or the line manager's confirmation. */
export type SecondCheckMethod = (typeof SECOND_CHECK_METHODS)[number];

/** The second check before a Temporary Access Pass is issued: still to be made, or made (by whom, when, how). */
export const secondCheckSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('pending') }).strict(),
  z
    .object({
      status: z.literal('recorded'),
      method: z.enum(SECOND_CHECK_METHODS),
      by: agentNameSchema,
      at: isoTimestamp,
      /** What was checked, e.g. "Line manager Jo Bloggs confirmed by phone". */
      note: shortText(500),
    })
    .strict(),
]);
/** State of the second check of a Temporary Access Pass. */
export type SecondCheck = z.infer<typeof secondCheckSchema>;

const lostDeviceDetails = z
  .object({
    /** The directory holds another method that still works (another number, a key, a smartcard, the app on another device). */
    otherMethodAvailable: z.boolean(),
    /** Those other methods, when the directory could be read (never the lost phone). */
    otherMethods: z.array(z.enum(MFA_METHOD_NAMES)).max(MFA_METHOD_NAMES.length).optional(),
    /** The person can work without MFA for now. */
    canWork: z.boolean(),
    /** The lost phone's number on record, masked; absent when the person could not be found in the directory. */
    lostPhone: z.object({ method: z.enum(PHONE_METHOD_NAMES), numberMasked: maskedNumberSchema }).strict().optional(),
    /** The number that proved who the person is (never the lost one), masked; absent when identity was not proven by a number. */
    provingPhone: z.object({ numberMasked: maskedNumberSchema }).strict().optional(),
    /**
     * A Temporary Access Pass is requested only when no other method is registered, and is then
     * issued only once the second check is recorded.
     */
    temporaryAccessPass: z.discriminatedUnion('requested', [
      z.object({ requested: z.literal(false) }).strict(),
      z.object({ requested: z.literal(true), secondCheck: secondCheckSchema }).strict(),
    ]),
    /** What the agent has to do, e.g. `revoke_sessions`, `remove_authenticator`. */
    actionsNeeded: z.array(shortText(200)).max(20),
  })
  .strict();

const changeMethodDetails = z
  .object({
    /** The number the person wants to use, in E.164. */
    newNumberE164: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, e.g. +447700900123').optional(),
    /** Proof that the person holds the new number (a code sent to it after identity was proven). */
    newNumberProof: verificationEvidenceSchema.optional(),
    /** Method being replaced or added, free text such as `sms` or `authenticator`. */
    fromMethod: shortText(100).optional(),
    toMethod: shortText(100).optional(),
  })
  .strict();

const newDeviceDetails = z
  .object({
    /** The old phone can still approve sign-ins. */
    oldDeviceAvailable: z.boolean(),
    platform: z.enum(['ios', 'android', 'other']).optional(),
    /** What the agent has to do, if anything. */
    actionsNeeded: z.array(shortText(200)).max(20).default([]),
  })
  .strict();

const suspiciousPromptDetails = z
  .object({
    promptCount: z.number().int().min(0).max(10_000).optional(),
    firstSeenAt: isoTimestamp.optional(),
    /** The person approved at least one prompt they did not start. */
    anyApproved: z.boolean(),
    /** The person has already reset their password. */
    passwordReset: z.boolean(),
  })
  .strict();

const exceptionRequestDetails = z
  .object({
    reasonCategory: shortText(100),
    justification: longText(MAX_TEXT_LENGTH),
    /** How long the exception is wanted for, e.g. `30 days`. */
    duration: shortText(100),
    lineManagerEmail: z.string().trim().toLowerCase().email('must be an email address').max(320),
    /** Exceptions are granted by the local administrator, never by the bot. */
    needsLocalAdminApproval: z.literal(true),
  })
  .strict();

const otherDetails = z
  .object({
    /** The person asks for something to be done (rather than asking a question). */
    actionRequested: z.boolean(),
    topic: shortText(200).optional(),
  })
  .strict();

/** The kind of ticket together with its structured details; `type` selects the details' shape. */
export const ticketSubjectSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lost_device'), details: lostDeviceDetails }),
  z.object({ type: z.literal('change_method'), details: changeMethodDetails }),
  z.object({ type: z.literal('new_device'), details: newDeviceDetails }),
  z.object({ type: z.literal('suspicious_prompt'), details: suspiciousPromptDetails }),
  z.object({ type: z.literal('exception_request'), details: exceptionRequestDetails }),
  z.object({ type: z.literal('other'), details: otherDetails }),
]);
/** A ticket's type and details, narrowed together: `if (s.type === 'lost_device') s.details.canWork`. */
export type TicketSubject = z.infer<typeof ticketSubjectSchema>;
/** Details as callers may write them (defaults not yet applied). */
export type TicketSubjectInput = z.input<typeof ticketSubjectSchema>;
/** Details of one ticket type. */
export type TicketDetails<K extends TicketType> = Extract<TicketSubject, { type: K }>['details'];

/** Who said something in the conversation. */
export const TRANSCRIPT_SPEAKERS = ['user', 'bot', 'agent'] as const;
/** One turn of the conversation. Text is stored redacted (see {@link redactTranscriptText}). */
export const transcriptTurnSchema = z.object({
  from: z.enum(TRANSCRIPT_SPEAKERS),
  text: z.string().max(MAX_TEXT_LENGTH),
  at: isoTimestamp,
});
/** One turn of the conversation as stored on a ticket. */
export type TranscriptTurn = z.infer<typeof transcriptTurnSchema>;

/** What happened to a ticket. */
export type TicketAction =
  | 'created'
  | 'claimed'
  | 'note_added'
  | 'resolved'
  | 'cancelled'
  | 'person_not_notified'
  | 'chat_started'
  | 'chat_ended'
  | 'handoff_status'
  | 'callback_started'
  | 'callback_verified'
  | 'callback_denied'
  | 'callback_no_answer'
  | 'caller_verified'
  /** The second check before a Temporary Access Pass was recorded. */
  | 'second_check_recorded'
  /** Another unverified alarm about the same person, merged into this open incident instead of a new ticket. */
  | 'alarm_repeated';

/** Outcomes of a call-back verification, as recorded in a ticket's history. */
export const CALLBACK_OUTCOMES = ['verified', 'denied', 'no_answer'] as const;
/** How a call-back to the number on record ended: # pressed, 9 pressed, or nobody answered. */
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/** History actions that record what happened around a ticket without changing it (see `TicketService.recordEvent`). */
export const TICKET_EVENT_ACTIONS = ['chat_started', 'chat_ended', 'handoff_status', 'caller_verified'] as const;
/** An action accepted by `TicketService.recordEvent`. */
export type TicketEventAction = (typeof TICKET_EVENT_ACTIONS)[number];

/** One append-only history entry. */
export type TicketHistoryEntry = {
  readonly at: string;
  /** `bot`, `requester` or an agent name. */
  readonly by: string;
  readonly action: TicketAction;
  readonly note?: string;
};

/** A note an agent added. Notes with `visibleToUser` are shown to the requester. */
export type TicketNote = {
  readonly at: string;
  readonly agent: string;
  readonly text: string;
  readonly visibleToUser: boolean;
};

/** Fields shared by every ticket, whatever its type. */
type TicketCommon = {
  /** `MFA-` and six digits. */
  readonly id: string;
  readonly priority: TicketPriority;
  readonly status: TicketStatus;
  readonly requester: Requester;
  readonly channel: TicketChannel;
  readonly verification: VerificationEvidence;
  /** The directory flagged the account as compromised when the ticket was opened. */
  readonly accountCompromised: boolean;
  readonly summary: string;
  readonly transcript: readonly TranscriptTurn[];
  readonly history: readonly TicketHistoryEntry[];
  readonly notes: readonly TicketNote[];
  /** Agent holding the ticket, once claimed. */
  readonly assignee?: string;
  readonly resolution?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Opaque Bot Framework conversation reference, kept for proactive messages. Never sent to agents. */
  readonly conversationRef?: Record<string, unknown>;
  /** Id of the activity that opened the ticket (the idempotency key with the channel). */
  readonly sourceActivityId?: string;
  /** Set when a message to the person could not be delivered (they removed the bot, or the conversation is gone). */
  readonly personNotNotified?: { readonly at: string; readonly reason: string };
  /** Set when the person denied the request on a call-back to their number on record: a P1 security alert. */
  readonly securityAlert?: { readonly at: string; readonly reason: string };
};

/** A helpdesk ticket as stored. */
export type Ticket = TicketCommon & TicketSubject;

const commonInputSchema = z.object({
  requester: requesterSchema,
  channel: z.enum(TICKET_CHANNELS),
  verification: verificationEvidenceSchema,
  summary: longText(MAX_TEXT_LENGTH),
  /** Conversation turns; only the last {@link MAX_TRANSCRIPT_TURNS} are kept. */
  transcript: z.array(transcriptTurnSchema).max(1000).default([]),
  accountCompromised: z.boolean().default(false),
  conversationRef: z.record(z.unknown()).optional(),
  sourceActivityId: z.string().min(1).max(1024).optional(),
});

/** Removes control characters other than tab and newline, and cuts to `max` characters. */
function cleanText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const cleaned = [...value.slice(0, max * 2).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\p{Cf}]/gu, '')].slice(0, max).join('').trim();
  return cleaned === '' ? undefined : cleaned;
}

/**
 * Makes the fields of a ticket that come from a chat client safe to store, so that a strange
 * display name, a long message or an odd activity id can never stop a ticket (for example a
 * security alarm) from being opened: the requester's name and staff id lose control and format
 * characters and are cut to fit, the summary and transcript texts are cut to their limit, an
 * activity id that is too long or holds control characters is left out, and only the most
 * recent turns are kept. Fields the product sets itself are left for validation.
 */
export function sanitiseTicketInput(input: CreateTicketInput): CreateTicketInput {
  const { name, staffId, claimed, ...requester } = input.requester ?? {};
  const cleanName = cleanDisplayName(name, 200);
  const cleanStaffId = cleanDisplayName(staffId, 100);
  const cleanClaimed = cleanDisplayName(claimed, 320);
  const id = input.sourceActivityId;
  // eslint-disable-next-line no-control-regex
  const sourceActivityId = typeof id === 'string' && id.length > 0 && id.length <= 1024 && !/[\u0000-\u001f\u007f]/.test(id) ? id : undefined;
  const transcript = Array.isArray(input.transcript)
    ? input.transcript.slice(-MAX_TRANSCRIPT_TURNS).map((t) => ({ ...t, text: cleanText(t.text, MAX_TEXT_LENGTH) ?? '' }))
    : input.transcript;
  const { sourceActivityId: _dropped, ...rest } = input;
  return {
    ...rest,
    requester: {
      ...requester,
      ...(cleanName ? { name: cleanName } : {}),
      ...(cleanStaffId ? { staffId: cleanStaffId } : {}),
      ...(cleanClaimed ? { claimed: cleanClaimed } : {}),
    },
    summary: cleanText(input.summary, MAX_TEXT_LENGTH) ?? input.summary,
    transcript,
    ...(sourceActivityId ? { sourceActivityId } : {}),
  } as CreateTicketInput;
}

/** Schema of {@link CreateTicketInput}. */
export const createTicketInputSchema = ticketSubjectSchema.and(commonInputSchema);

/**
 * What a dialog passes to `TicketService.createTicket`. The service assigns the id, priority,
 * status, timestamps and history, and redacts the transcript and summary.
 */
export type CreateTicketInput = TicketSubjectInput & z.input<typeof commonInputSchema>;

/**
 * A ticket as the requester may see it: no internal notes, history, transcript, evidence or
 * conversation reference.
 */
export type RequesterTicketView = {
  readonly id: string;
  readonly type: TicketType;
  readonly status: TicketStatus;
  readonly summary: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly resolution?: string;
  /** Only the notes marked visible to the user, without the agent's name. */
  readonly notes: readonly { readonly at: string; readonly text: string }[];
};

/** A ticket as agents see it over the API: everything except the conversation reference. */
export type AgentTicketView = Omit<Ticket, 'conversationRef'>;

/** Formats a ticket number as an id. */
export function formatTicketId(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1 || n > 999_999) throw new RangeError(`Ticket number ${n} is outside 1..999999`);
  return `MFA-${String(n).padStart(6, '0')}`;
}

/** Whether a string is a well-formed ticket id. */
export function isTicketId(value: unknown): value is string {
  return typeof value === 'string' && TICKET_ID_PATTERN.test(value);
}
