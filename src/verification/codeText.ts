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

/** The SMS body: names the service, gives the code and its expiry, and warns against sharing it. */
export function smsText(input: CodeTextInput): string {
  const name = input.serviceName ?? DEFAULT_SERVICE_NAME;
  return (
    `${name}: your verification code is ${input.code}. Use it ${purposeText(input.purpose)}. ` +
    `It expires in ${describeDuration(input.ttlSeconds)}. ` +
    `Never share this code with anyone. The helpdesk will never ask you for it.`
  );
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
    `It expires in ${describeDuration(input.ttlSeconds)}. Never share this code with anyone. The helpdesk will never ask you for it.`
  );
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
  response.say(say, `It expires in ${describeDuration(input.ttlSeconds)}. Never share this code with anyone. The helpdesk will never ask you for it.`);
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
