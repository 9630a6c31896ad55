import type { Clock } from '../clock';
import { redactPhone, type Logger } from '../logger';
import type { CodeMessage, CodeSender, NoticeSender, SecurityNotice, SendResult } from './codeSender';
import { smsText, voiceScript, type CodeTextInput } from './codeText';
import type { Channel } from './types';
import { CALLBACK_ANSWER_PATH, type CallbackCalls } from './callbackCalls';

/** One message kept by the {@link DevOutbox}. */
export interface OutboxMessage {
  readonly id: string;
  readonly to: string;
  readonly channel: Channel;
  /** Exactly what the person would read (SMS) or hear (call). */
  readonly text: string;
  /** ISO 8601 time of sending. */
  readonly at: string;
  /** For a call-back: the webhook Twilio would request when the call is answered (post `Digits=#` to it to answer). */
  readonly webhookUrl?: string;
}

/** Options for {@link DevOutbox}. */
export interface DevOutboxOptions {
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Messages kept before the oldest are dropped (default 200). */
  readonly capacity?: number;
  readonly serviceName?: string;
  /** Host for the WebOTP line of texts (see {@link CodeTextInput.webOtpHost}). */
  readonly webOtpHost?: string;
  /** Seals call-backs; without it a call-back is kept as a plain code call. */
  readonly callbacks?: CallbackCalls;
}

/**
 * Development stand-in for Twilio: keeps each message in memory only (never in the store) so a
 * developer can read the code, e.g. on a dev-only page. Must not be used in production.
 */
export class DevOutbox implements CodeSender, NoticeSender {
  private readonly messages: OutboxMessage[] = [];
  private seq = 0;

  constructor(private readonly options: DevOutboxOptions) {}

  send(message: CodeMessage): Promise<SendResult> {
    const input: CodeTextInput = { code: message.code, ttlSeconds: message.ttlSeconds, purpose: message.purpose, serviceName: this.options.serviceName, webOtpHost: this.options.webOtpHost };
    this.seq += 1;
    const callbacks = this.options.callbacks;
    const callback = message.callback && callbacks ? { text: callbacks.script(message.callback), webhookUrl: callbacks.url(CALLBACK_ANSWER_PATH, callbacks.seal({ ...message, callback: message.callback })) } : undefined;
    const entry: OutboxMessage = {
      id: `dev-${this.seq}`,
      to: message.to,
      channel: message.channel,
      text: callback?.text ?? (message.channel === 'sms' ? smsText(input) : voiceScript(input)),
      at: new Date(this.options.clock.now()).toISOString(),
      ...(callback ? { webhookUrl: callback.webhookUrl } : {}),
    };
    return this.keep(entry);
  }

  /** Keeps a security notice as the text it would be. */
  sendNotice(notice: SecurityNotice): Promise<SendResult> {
    this.seq += 1;
    return this.keep({ id: `dev-${this.seq}`, to: notice.to, channel: 'sms', text: notice.text, at: new Date(this.options.clock.now()).toISOString() });
  }

  private keep(entry: OutboxMessage): Promise<SendResult> {
    this.messages.push(entry);
    const capacity = this.options.capacity ?? 200;
    if (this.messages.length > capacity) this.messages.splice(0, this.messages.length - capacity);
    this.options.logger?.info({ to: redactPhone(entry.to), channel: entry.channel, messageId: entry.id }, 'Dev outbox: message kept in memory (not sent)');
    return Promise.resolve({ ok: true, messageId: entry.id });
  }

  /** Messages, newest first; only those to `to` when given. */
  list(to?: string): OutboxMessage[] {
    const all = to === undefined ? this.messages : this.messages.filter((m) => m.to === to);
    return [...all].reverse();
  }

  /** Forgets every message. */
  clear(): void {
    this.messages.length = 0;
  }
}
