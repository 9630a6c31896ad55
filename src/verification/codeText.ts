import twilio from 'twilio';
import type VoiceResponseNs from 'twilio/lib/twiml/VoiceResponse';
import type { Purpose } from './types';

/** Name of the service as it appears in texts and calls. */
export const DEFAULT_SERVICE_NAME = 'MFA Helpdesk';

/** The en-GB voice used on code calls. */
export const DEFAULT_VOICE = 'Polly.Amy';

/** Voice names accepted by Twilio's `<Say>`. */
export type SayVoice = NonNullable<VoiceResponseNs.SayAttributes['voice']>;

/** Wording inputs shared by texts and calls. */
export interface CodeTextInput {
  readonly code: string;
  readonly ttlSeconds: number;
  readonly purpose: Purpose;
  readonly serviceName?: string;
  /**
   * Host of the bot's public web address (`PUBLIC_BASE_URL`), e.g. `bot.example.org`. When set,
   * the SMS ends with the WebOTP line `@<host> #<code>`, so phones can offer to fill the code in
   * on that site.
   */
  readonly webOtpHost?: string;
}

/** "5 minutes", "1 minute", "90 seconds". */
export function describeDuration(seconds: number): string {
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}

function purposeText(purpose: Purpose): string {
  return purpose === 'new_number' ? 'to confirm your new phone number' : 'to confirm it is you';
}

/**
 * The rule every code text states, in the words of the SMS: where the code may be typed (only
 * into the helpdesk chat or on the keypad of its phone line), that no person will ever ask for
 * it, and when it expires. People are told the same rule whichever way the code reaches them.
 */
export function codeRule(input: Pick<CodeTextInput, 'ttlSeconds' | 'serviceName'>, medium: 'sms' | 'voice'): string {
  const name = input.serviceName ?? DEFAULT_SERVICE_NAME;
  const where = medium === 'sms' ? `Type it only into the ${name} chat or phone line.` : `Type it only into the ${name} chat, or on your keypad when you call the ${name} phone line.`;
  return `${where} No person will ever ask you for it. It expires in ${describeDuration(input.ttlSeconds)}.`;
}

/** The code in groups of three for reading, e.g. `123 456`. */
export function groupedCode(code: string): string {
  return code.replace(/(\d{3})(?=\d)/g, '$1 ');
}

/**
 * The SMS body: the service, the code and what it is for, the rule ({@link codeRule}), and, when
 * the public host is known, the WebOTP line `@<host> #<code>` as the last line.
 */
export function smsText(input: CodeTextInput): string {
  const name = input.serviceName ?? DEFAULT_SERVICE_NAME;
  const body = `${name} code ${groupedCode(input.code)}, ${purposeText(input.purpose)}. ${codeRule(input, 'sms')}`;
  return input.webOtpHost ? `${body}\n\n@${input.webOtpHost} #${input.code}` : body;
}

/** The code spelt out digit by digit for speech: `1, 2, 3, 4, 5, 6`. */
export function spokenDigits(code: string): string {
  return code.split('').join(', ');
}

/** The spoken part of a code call as plain text (for the dev outbox and transcripts). */
export function voiceScript(input: CodeTextInput): string {
  const name = input.serviceName ?? DEFAULT_SERVICE_NAME;
  const digits = spokenDigits(input.code);
  return (
    `Hello, this is the ${name} with your verification code, ${purposeText(input.purpose)}. ` +
    `Your code is: ${digits}. Again, your code is: ${digits}. ` +
    codeRule(input, 'voice')
  );
}

/** The `host` of a public base URL for the WebOTP line, or `undefined` when there is none. */
export function webOtpHostOf(publicBaseUrl: string | undefined): string | undefined {
  return publicBaseUrl ? new URL(publicBaseUrl).host : undefined;
}

/** Inputs of {@link codeCallTwiml}. */
export interface CodeCallInput extends CodeTextInput {
  /** A `<Say>` voice; {@link DEFAULT_VOICE} by default. */
  readonly voice?: SayVoice;
  /**
   * Absolute URL Twilio posts to when the callee presses a key during the `<Gather>`. Without
   * it there is no `<Gather>` (inline TwiML has no document URL to post back to).
   */
  readonly repeatAction?: string;
}

/**
 * TwiML for a code call in an en-GB voice: the code read digit by digit twice, then a
 * `<Gather numDigits="1">` offering to repeat it when the callee presses 1.
 */
export function codeCallTwiml(input: CodeCallInput): string {
  const name = input.serviceName ?? DEFAULT_SERVICE_NAME;
  const say = { language: 'en-GB' as const, voice: input.voice ?? DEFAULT_VOICE };
  const digits = spokenDigits(input.code);
  const response = new twilio.twiml.VoiceResponse();
  response.say(say, `Hello, this is the ${name} with your verification code, ${purposeText(input.purpose)}.`);
  response.pause({ length: 1 });
  response.say(say, `Your code is: ${digits}.`);
  response.pause({ length: 1 });
  response.say(say, `Again, your code is: ${digits}.`);
  response.say(say, codeRule(input, 'voice'));
  if (input.repeatAction) {
    const gather = response.gather({ numDigits: 1, timeout: 6, action: input.repeatAction, method: 'POST' });
    gather.say(say, 'To hear the code again, press 1.');
  }
  response.say(say, 'Goodbye.');
  return response.toString();
}

/** TwiML that ends a code call politely, e.g. when a repeat is asked for after the code expired. */
export function endCallTwiml(message = 'This code has expired. Please ask the helpdesk assistant for a new one. Goodbye.', voice: SayVoice = DEFAULT_VOICE): string {
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language: 'en-GB', voice }, message);
  response.hangup();
  return response.toString();
}

/**
 * The SMS telling a person that someone typed wrong codes while claiming to be them. It holds no
 * code and no link, only the helpdesk's phone number, which the person also knows from elsewhere.
 */
export function failedAttemptNoticeText(serviceName: string = DEFAULT_SERVICE_NAME): string {
  return `${serviceName}: someone typed wrong codes while trying to confirm they were you. Nothing on your account has changed. If it was you, you can ignore this. If not, call the helpdesk on 0333 200 1133. We will never ask you for a code.`;
}
