import type { Channel, Purpose } from './types';

/** One code to deliver. */
export interface CodeMessage {
  /** E.164 destination. The sender delivers only here and never tries another number. */
  readonly to: string;
  readonly channel: Channel;
  readonly code: string;
  /** How long the code stays valid, for the wording of the message. */
  readonly ttlSeconds: number;
  readonly purpose: Purpose;
  /**
   * Set for a call-back instead of a code call (channel `voice`): the call asks whoever answers
   * to press hash, and the answer proves possession of the number. The code never is read out.
   */
  readonly callback?: CallbackCall;
}

/** A call-back: who asked for it and where its answer goes. */
export interface CallbackCall {
  /** `caller`: chosen by a caller on the phone line, whose conversation carries on in the call-back. `agent`: an agent checking a ticket. */
  readonly kind: 'caller' | 'agent';
  readonly personId: string;
  /** The person's email in the directory, for the ticket a denied caller's call-back opens. */
  readonly email?: string;
  /** The conversation the code belongs to. */
  readonly conversationId: string;
  /** The ticket being checked, for `agent` call-backs. */
  readonly ticketId?: string;
}

/** Why a delivery failed, in terms the bot can act on. */
export type SendFailureKind =
  /** The number is not a valid phone number (Twilio 21211). */
  | 'invalid_number'
  /** The number cannot receive SMS (Twilio 21614). */
  | 'not_sms_capable'
  /** The number is a landline, so no SMS (Twilio 21635). */
  | 'landline'
  /** The number cannot be called (Twilio 21217). */
  | 'invalid_voice_number'
  /** The provider did not answer in time; the code may or may not have gone out. */
  | 'timeout'
  /** The provider failed (5xx) or could not be reached. */
  | 'provider_unavailable'
  /** Any other refusal. */
  | 'rejected';

/** A failed delivery. */
export interface SendFailure {
  readonly kind: SendFailureKind;
  /** `no` when the provider certainly sent nothing; `unknown` after a timeout. */
  readonly delivered: 'no' | 'unknown';
  /** What to tell the person: what went wrong and what they can do instead. */
  readonly userMessage: string;
  /** The other channel worth offering for the same number, if any. */
  readonly suggestedChannel?: Channel;
  /** Provider error code (e.g. Twilio's 21211), when known. */
  readonly providerCode?: number;
  /** HTTP status from the provider, when known. */
  readonly status?: number;
}

/** Outcome of {@link CodeSender.send}. */
export type SendResult = { readonly ok: true; readonly messageId: string } | { readonly ok: false; readonly failure: SendFailure };

/** Port for delivering a code by SMS or voice call. */
export interface CodeSender {
  /** Delivers one code to exactly `message.to`. Never throws for delivery problems; reports them. */
  send(message: CodeMessage): Promise<SendResult>;
}

/** A text telling a person about their account: never a code, never a link. */
export interface SecurityNotice {
  /** E.164 destination: a number the directory holds for the person. */
  readonly to: string;
  readonly text: string;
}

/** Port for security notices by SMS, through the same provider as codes. */
export interface NoticeSender {
  /** Delivers one notice to exactly `notice.to`. Never throws for delivery problems; reports them. */
  sendNotice(notice: SecurityNotice): Promise<SendResult>;
}
