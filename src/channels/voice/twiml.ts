import type { Activity } from 'botbuilder';
import twilio from 'twilio';
import { toSpeech } from '../../../dialogs/reply';
import { DEFAULT_VOICE } from '../../verification/codeText';

/** Language of every `<Say>` and `<Gather>` on the phone line. */
export const VOICE_LANGUAGE = 'en-GB';

const SAY = { language: VOICE_LANGUAGE, voice: DEFAULT_VOICE } as const;

/** Longest `hints` value given to `<Gather>`. */
const MAX_HINTS_LENGTH = 500;

/** How a turn's TwiML ends after the bot's messages are read. */
export type CallEnding =
  /** Listen for the caller's answer (speech or keys) and post it to `action`. */
  | { readonly kind: 'gather'; readonly action: string; readonly hints: readonly string[] }
  /** Hang up. */
  | { readonly kind: 'hangup' }
  /** Put the caller through to `to`; `whisperUrl` is played to the agent before the call connects. */
  | { readonly kind: 'dial'; readonly to: string; readonly whisperUrl: string; readonly callerId?: string };

/** A ticket number (`MFA-000123`) or a run of 4 or more digits: read in groups, with barge-in off. */
const DIGIT_RUN = /MFA-(\d{3})(\d{3})|\+?\d[\d ]{2,}\d/g;

function grouped(digits: string): string {
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3).split('').join(' '));
  return groups.join(', ');
}

/**
 * Text fit to be read out: speech markup and Markdown removed, links never read, and ticket
 * numbers, phone numbers and codes read digit by digit in groups of three
 * (`MFA-000123` → "M F A, 0 0 0, 1 2 3").
 */
export function spokenText(source: string): string {
  const plain = toSpeech(source.replace(/<[^>]*>/g, ' ').replace(/\{[\s\S]*"type"\s*:\s*"AdaptiveCard"[\s\S]*\}/g, ' '));
  return plain.replace(DIGIT_RUN, (match: string, a?: string, b?: string) => {
    if (a && b) return `M F A, ${grouped(a)}, ${grouped(b)}`;
    const digits = match.replace(/\D/g, '');
    if (digits.length < 4) return match;
    return `${match.startsWith('+') ? 'plus ' : ''}${grouped(digits)}`;
  });
}

/** Whether reading this text must not be interrupted: it holds a ticket number or a code. */
export function mustNotBeInterrupted(source: string): boolean {
  return /MFA-\d{6}|\b\d{6}\b/.test(source);
}

/** What the bot says in a message: its `speak`, or its text; never a card. */
export function speechOf(activity: Partial<Activity>): string {
  return spokenText(activity.speak ?? activity.text ?? '');
}

/**
 * Renders a turn as TwiML with the twilio package's `VoiceResponse`: each message becomes a
 * `<Say language="en-GB">`, then the call listens with `<Gather input="dtmf speech">`, hangs up,
 * or is put through with `<Dial>`. Messages with a ticket number or a code are read before the
 * `<Gather>`, so the caller cannot talk over them; the rest are inside it (barge-in on).
 */
export function renderTwiml(messages: readonly string[], ending: CallEnding): string {
  const response = new twilio.twiml.VoiceResponse();
  const spoken = messages.map((m) => m.trim()).filter((m) => m.length > 0);
  if (ending.kind !== 'gather') {
    for (const text of spoken) response.say(SAY, spokenText(text));
    if (ending.kind === 'dial') {
      const dial = response.dial(ending.callerId ? { callerId: ending.callerId } : {});
      dial.number({ url: ending.whisperUrl, method: 'POST' }, ending.to);
    } else {
      response.hangup();
    }
    return response.toString();
  }
  let lastProtected = -1;
  spoken.forEach((text, i) => {
    if (mustNotBeInterrupted(text)) lastProtected = i;
  });
  for (const text of spoken.slice(0, lastProtected + 1)) response.say(SAY, spokenText(text));
  const hints = hintsOf(ending.hints);
  const gather = response.gather({
    input: ['dtmf', 'speech'],
    language: VOICE_LANGUAGE,
    speechTimeout: 'auto',
    actionOnEmptyResult: true,
    action: ending.action,
    method: 'POST',
    ...(hints ? { hints } : {}),
  });
  for (const text of spoken.slice(lastProtected + 1)) gather.say(SAY, spokenText(text));
  return response.toString();
}

/** `<Gather hints>`: the choices offered, comma-separated, bounded. */
function hintsOf(choices: readonly string[]): string | undefined {
  let out = '';
  for (const choice of choices) {
    const clean = choice.replace(/[,\s]+/g, ' ').trim().slice(0, 100);
    if (!clean) continue;
    const next = out ? `${out}, ${clean}` : clean;
    if (next.length > MAX_HINTS_LENGTH) break;
    out = next;
  }
  return out || undefined;
}

/** TwiML of a short apology when the bot cannot go on: a transfer when a number is set, otherwise the promise of a call back. */
export function apologyTwiml(helpdeskNumber: string | undefined, whisperUrl: string): string {
  if (helpdeskNumber) {
    return renderTwiml(["Sorry, something went wrong on my side. I'm putting you through to the helpdesk now."], { kind: 'dial', to: helpdeskNumber, whisperUrl });
  }
  return renderTwiml([`Sorry, something went wrong on my side. ${CALL_BACK_PROMISE}`], { kind: 'hangup' });
}

/** Said when there is no helpdesk number to transfer to. */
export const CALL_BACK_PROMISE = 'The helpdesk will call you back on the number on your record. Goodbye.';
