import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock';
import type { CallbackCall, CodeMessage } from './codeSender';
import { SealedTokens } from './sealedTokens';

/** Path Twilio requests when a call-back is answered. */
export const CALLBACK_ANSWER_PATH = '/api/voice/callback';
/** Path the call-back's `<Gather>` posts the key press to. */
export const CALLBACK_KEY_PATH = '/api/voice/callback/key';
/** Path of the call-back's status callback (no answer, busy, failed). */
export const CALLBACK_STATUS_PATH = '/api/voice/callback/status';

/** What a call-back token carries: enough to check the answer, never stored. */
export interface CallbackTicket extends CallbackCall {
  /** The one-time code the answer stands for. */
  readonly code: string;
  /** Random id of this call-back, so its outcome is recorded once. */
  readonly callId: string;
  /** The number called, masked to its last 3 digits. */
  readonly masked: string;
  /** When the code expires (epoch ms). */
  readonly expiresAt: number;
}

const ticketSchema = z.object({
  kind: z.enum(['caller', 'agent']),
  personId: z.string().min(1),
  email: z.string().optional(),
  conversationId: z.string().min(1),
  ticketId: z.string().optional(),
  code: z.string().regex(/^\d{6,8}$/),
  callId: z.string().min(1),
  masked: z.string(),
  expiresAt: z.number(),
});

/** Name of the service as the call-back says it. */
const SERVICE = 'the NHSmail helpdesk';

/** A ticket number read in digit groups: "M F A, 0 0 0, 1 2 3". */
function spokenTicket(id: string): string {
  const digits = id.replace(/\D/g, '');
  return `M F A, ${digits.slice(0, 3).split('').join(' ')}, ${digits.slice(3).split('').join(' ')}`;
}

/**
 * Call-backs: the sealed URL Twilio requests when the call is answered (`t` carries the code,
 * who it is for and the conversation, AES-GCM sealed, never stored), and what the call says.
 * Used by both the Twilio sender and the dev outbox.
 */
export class CallbackCalls {
  private readonly tokens: SealedTokens<CallbackTicket>;

  /**
   * @param baseUrl public base URL Twilio reaches (`PUBLIC_BASE_URL`); without it URLs are paths, which only the dev outbox can use
   */
  constructor(
    secret: Buffer,
    private readonly clock: Clock,
    readonly baseUrl?: string,
  ) {
    this.tokens = new SealedTokens<CallbackTicket>(secret, 'mfa-helpdesk call-back v1', (value) => {
      const parsed = ticketSchema.safeParse(value);
      return parsed.success ? parsed.data : undefined;
    });
  }

  /** Seals a call-back for a message; returns its token. */
  seal(message: CodeMessage & { readonly callback: CallbackCall }): string {
    const masked = `***${message.to.slice(-3)}`;
    return this.tokens.seal({
      ...message.callback,
      code: message.code,
      callId: randomBytes(9).toString('base64url'),
      masked,
      expiresAt: this.clock.now() + message.ttlSeconds * 1000,
    });
  }

  /** Opens a token; `undefined` when altered, malformed or expired. */
  open(token: string): CallbackTicket | undefined {
    const ticket = this.tokens.open(token);
    return ticket && ticket.expiresAt > this.clock.now() ? ticket : undefined;
  }

  /** URL of `path` carrying the token. */
  url(path: string, token: string): string {
    return `${this.baseUrl ?? ''}${path}?t=${token}`;
  }

  /** What the call-back says before waiting for a key. */
  script(callback: Pick<CallbackCall, 'kind' | 'ticketId'>): string {
    if (callback.kind === 'agent') {
      const ticket = callback.ticketId ? `, ticket ${spokenTicket(callback.ticketId)}` : '';
      return `This is ${SERVICE} checking a request made in your name${ticket}. If you asked for help, press hash. If you did not, press 9.`;
    }
    return `This is ${SERVICE} calling you back, as you asked on our phone line a moment ago. To confirm it's you and carry on, press hash. If you did not ask for this call, press 9.`;
  }
}
