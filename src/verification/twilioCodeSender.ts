import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';
import type { Clock } from '../clock';
import { redactPhone, redactPhonesInText, type Logger } from '../logger';
import type { CodeMessage, CodeSender, NoticeSender, SecurityNotice, SendFailure, SendResult } from './codeSender';
import { codeCallTwiml, smsText, type SayVoice } from './codeText';
import type { VoiceRepeatTokens } from './voiceRepeat';
import { CALLBACK_ANSWER_PATH, CALLBACK_STATUS_PATH, type CallbackCalls } from './callbackCalls';
import type { Channel } from './types';

/** Options for {@link TwilioCodeSender}. */
export interface TwilioCodeSenderOptions {
  readonly accountSid: string;
  readonly authToken: string;
  /** E.164 number (or messaging sender) that texts and calls come from. */
  readonly from: string;
  readonly logger: Logger;
  readonly clock: Clock;
  /**
   * Root of the Twilio REST API, `https://api.twilio.com` by default. Requests keep their path
   * and go to this origin instead, through twilio-node's own `httpClient` hook. Tests point
   * this at a local server.
   */
  readonly apiBaseUrl?: string;
  /** Request timeout in milliseconds (default 10000). */
  readonly timeoutMs?: number;
  readonly serviceName?: string;
  /** Host for the WebOTP line of texts (`CodeTextInput.webOtpHost`). */
  readonly webOtpHost?: string;
  /** `<Say>` voice; `Polly.Amy` (en-GB) by default. */
  readonly voice?: SayVoice;
  /**
   * Lets the callee press 1 to hear the code again: Twilio posts the key press to `url` with a
   * sealed `t` token, which the voice webhook opens with the same {@link VoiceRepeatTokens}.
   * Without it the call reads the code twice and offers no repeat.
   */
  readonly voiceRepeat?: { readonly url: string; readonly tokens: VoiceRepeatTokens };
  /** Places call-backs ("press hash to confirm"); needs a public base URL Twilio can reach. */
  readonly callbacks?: CallbackCalls;
}

/** twilio-node's `RequestClient` sending every request to another origin, path unchanged. */
export class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options?: TwilioRequestClient.RequestClientOptions) {
    super(options);
    this.base = new URL(baseUrl);
  }

  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const original = new URL(opts.uri);
    const target = new URL(this.base.href);
    target.pathname = `${this.base.pathname.replace(/\/+$/, '')}${original.pathname}`;
    target.search = original.search;
    return super.request({ ...opts, uri: target.href });
  }
}

interface TwilioErrorLike {
  status?: number;
  code?: number | string;
  message?: string;
}

function other(channel: Channel): Channel {
  return channel === 'sms' ? 'voice' : 'sms';
}

/**
 * Maps a Twilio failure to what the person is told. Each message says what went wrong and
 * offers the other method or a person; none of them suggests another number.
 */
export function mapTwilioError(err: unknown, message: Pick<CodeMessage, 'to' | 'channel'>): SendFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as TwilioErrorLike;
  const ending = `the number ending ${redactPhone(message.to).replace(/\*/g, '')}`;
  const providerCode = typeof e.code === 'number' ? e.code : undefined;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const what = message.channel === 'sms' ? 'text' : 'call';
  switch (providerCode) {
    case 21211:
      return {
        kind: 'invalid_number',
        delivered: 'no',
        providerCode,
        status,
        userMessage: `I couldn't send a code to ${ending}: the phone network says it isn't a valid number. You can choose another method on your account, or I can put you through to a person at the helpdesk.`,
      };
    case 21614:
      return {
        kind: 'not_sms_capable',
        delivered: 'no',
        providerCode,
        status,
        suggestedChannel: 'voice',
        userMessage: `${capitalise(ending)} can't receive text messages. I can call it and read the code out instead, or put you through to a person at the helpdesk.`,
      };
    case 21635:
      return {
        kind: 'landline',
        delivered: 'no',
        providerCode,
        status,
        suggestedChannel: 'voice',
        userMessage: `${capitalise(ending)} is a landline, so it can't get text messages. I can call it and read the code out instead, or put you through to a person at the helpdesk.`,
      };
    case 21217:
      return {
        kind: 'invalid_voice_number',
        delivered: 'no',
        providerCode,
        status,
        userMessage: `I couldn't call ${ending}: it doesn't look like a valid phone number. You can choose another method on your account, or I can put you through to a person at the helpdesk.`,
      };
    default:
      break;
  }
  const errCode = typeof e.code === 'string' ? e.code : undefined;
  if (errCode === 'ECONNABORTED' || errCode === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')) {
    return {
      kind: 'timeout',
      delivered: 'unknown',
      userMessage: `The ${what} service didn't answer in time, so I can't tell whether your code went out. If nothing arrives within a minute, ask me for a new code, try a ${other(message.channel) === 'sms' ? 'text' : 'call'} instead, or talk to a person at the helpdesk.`,
      suggestedChannel: other(message.channel),
    };
  }
  if (status === undefined || status >= 500) {
    return {
      kind: 'provider_unavailable',
      delivered: 'no',
      providerCode,
      status,
      suggestedChannel: other(message.channel),
      userMessage: `The ${what} service isn't working right now, so I couldn't send your code. You can try again in a few minutes, try a ${other(message.channel) === 'sms' ? 'text' : 'call'} instead, or talk to a person at the helpdesk.`,
    };
  }
  return {
    kind: 'rejected',
    delivered: 'no',
    providerCode,
    status,
    suggestedChannel: other(message.channel),
    userMessage: `I couldn't send your code by ${what}. You can try a ${other(message.channel) === 'sms' ? 'text' : 'call'} instead, or talk to a person at the helpdesk.`,
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Sends codes with Twilio: SMS through the Messages API, calls through the Calls API with
 * inline TwiML. One request per code, to exactly the given number; nothing is retried.
 */
export class TwilioCodeSender implements CodeSender, NoticeSender {
  private readonly client: twilio.Twilio;

  constructor(private readonly options: TwilioCodeSenderOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    const httpClient = options.apiBaseUrl ? new BaseUrlRequestClient(options.apiBaseUrl, { timeout, autoRetry: false }) : new twilio.RequestClient({ timeout, autoRetry: false });
    this.client = twilio(options.accountSid, options.authToken, { httpClient, autoRetry: false });
  }

  /** Sends a security notice as one SMS through the Messages API. */
  async sendNotice(notice: SecurityNotice): Promise<SendResult> {
    const log = { to: redactPhone(notice.to), channel: 'sms' as const, purpose: 'notice' };
    try {
      const sent = await this.client.messages.create({ to: notice.to, from: this.options.from, body: notice.text });
      this.options.logger.info({ ...log, messageId: sent.sid }, 'Twilio: notice SMS accepted');
      return { ok: true, messageId: sent.sid };
    } catch (err) {
      const failure = mapTwilioError(err, { to: notice.to, channel: 'sms' });
      this.options.logger.warn({ ...log, kind: failure.kind, providerCode: failure.providerCode, status: failure.status }, 'Twilio: notice SMS failed');
      return { ok: false, failure };
    }
  }

  async send(message: CodeMessage): Promise<SendResult> {
    const log = { to: redactPhone(message.to), channel: message.channel, purpose: message.purpose };
    const text = { code: message.code, ttlSeconds: message.ttlSeconds, purpose: message.purpose, serviceName: this.options.serviceName, webOtpHost: this.options.webOtpHost };
    try {
      if (message.channel === 'sms') {
        const sent = await this.client.messages.create({ to: message.to, from: this.options.from, body: smsText(text) });
        this.options.logger.info({ ...log, messageId: sent.sid }, 'Twilio: SMS accepted');
        return { ok: true, messageId: sent.sid };
      }
      if (message.callback) {
        const callbacks = this.options.callbacks;
        if (!callbacks?.baseUrl) {
          this.options.logger.warn(log, 'Twilio: call-back refused: PUBLIC_BASE_URL is not set, so Twilio could not reach the answer webhook');
          return { ok: false, failure: { kind: 'rejected', delivered: 'no', userMessage: "I can't place a call-back just now. A person at the helpdesk can help you instead." } };
        }
        const token = callbacks.seal({ ...message, callback: message.callback });
        const call = await this.client.calls.create({
          to: message.to,
          from: this.options.from,
          url: callbacks.url(CALLBACK_ANSWER_PATH, token),
          method: 'POST',
          statusCallback: callbacks.url(CALLBACK_STATUS_PATH, token),
          statusCallbackMethod: 'POST',
          timeout: 30,
        });
        this.options.logger.info({ ...log, kind: message.callback.kind, messageId: call.sid }, 'Twilio: call-back accepted');
        return { ok: true, messageId: call.sid };
      }
      const repeat = this.options.voiceRepeat;
      const repeatAction = repeat
        ? `${repeat.url}${repeat.url.includes('?') ? '&' : '?'}t=${repeat.tokens.seal({ code: message.code, purpose: message.purpose, expiresAt: this.options.clock.now() + message.ttlSeconds * 1000 })}`
        : undefined;
      const call = await this.client.calls.create({
        to: message.to,
        from: this.options.from,
        twiml: codeCallTwiml({ ...text, voice: this.options.voice, repeatAction }),
      });
      this.options.logger.info({ ...log, messageId: call.sid }, 'Twilio: call accepted');
      return { ok: true, messageId: call.sid };
    } catch (err) {
      const failure = mapTwilioError(err, message);
      const e = (typeof err === 'object' && err !== null ? err : {}) as TwilioErrorLike;
      this.options.logger.warn(
        { ...log, kind: failure.kind, providerCode: failure.providerCode, status: failure.status, detail: redactPhonesInText(String(e.message ?? '')).split(message.code).join('[code]') },
        'Twilio: delivery failed',
      );
      return { ok: false, failure };
    }
  }
}
