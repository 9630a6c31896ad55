import type { Clock } from '../clock';
import { redactPhone, type Logger } from '../logger';
import type { CodeMessage, CodeSender, SendResult } from './codeSender';
import { smsText, voiceScript, type CodeTextInput } from './codeText';
import type { Channel } from './types';

/** One message kept by the {@link DevOutbox}. */
export interface OutboxMessage {
  readonly id: string;
  readonly to: string;
  readonly channel: Channel;
  /** Exactly what the person would read (SMS) or hear (call). */
  readonly text: string;
  /** ISO 8601 time of sending. */
  readonly at: string;
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
}

/**
 * Development stand-in for Twilio: keeps each message in memory only (never in the store) so a
 * developer can read the code, e.g. on a dev-only page. Must not be used in production.
 */
export class DevOutbox implements CodeSender {
  private readonly messages: OutboxMessage[] = [];
  private seq = 0;

  constructor(private readonly options: DevOutboxOptions) {}

  send(message: CodeMessage): Promise<SendResult> {
    const input: CodeTextInput = { code: message.code, ttlSeconds: message.ttlSeconds, purpose: message.purpose, serviceName: this.options.serviceName, webOtpHost: this.options.webOtpHost };
    this.seq += 1;
    const entry: OutboxMessage = {
      id: `dev-${this.seq}`,
      to: message.to,
      channel: message.channel,
      text: message.channel === 'sms' ? smsText(input) : voiceScript(input),
      at: new Date(this.options.clock.now()).toISOString(),
    };
    this.messages.push(entry);
    const capacity = this.options.capacity ?? 200;
    if (this.messages.length > capacity) this.messages.splice(0, this.messages.length - capacity);
    this.options.logger?.info({ to: redactPhone(message.to), channel: message.channel, messageId: entry.id }, 'Dev outbox: message kept in memory (not sent)');
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
