import type { LookupRefusal } from './lookupLimiter';
import type { CodeRejected, DeliveryFailure, LimitRefusal, PolicyRefusal } from './verificationService';

/** Every unsuccessful outcome the verification services report. */
export type VerificationFailure = LimitRefusal | PolicyRefusal | DeliveryFailure | CodeRejected | LookupRefusal;

/** Options for {@link verificationMessage} and {@link describeWhen}. */
export interface MessageOptions {
  /** The current time (epoch ms), from the same clock as the service. */
  readonly now: number;
  /** Time zone for clock times (default `Europe/London`). */
  readonly timeZone?: string;
}

function parts(at: number, timeZone: string): { time: string; day: string; long: string } {
  const date = new Date(at);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
  const long = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(date);
  return { time, day, long };
}

/**
 * Says when something can be tried again, relative to now: "in 45 seconds",
 * "in 12 minutes (at 14:05)", "at 16:30 today", "at 09:12 tomorrow" or "at 09:12 on Tuesday 3 June".
 */
export function describeWhen(retryAt: number, options: MessageOptions): string {
  const timeZone = options.timeZone ?? 'Europe/London';
  const seconds = Math.ceil((retryAt - options.now) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 120) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const at = parts(retryAt, timeZone);
  if (seconds < 3600) return `in ${Math.ceil(seconds / 60)} minutes (at ${at.time})`;
  const today = parts(options.now, timeZone);
  if (at.day === today.day) return `at ${at.time} today`;
  if (at.day === parts(options.now + 24 * 3600 * 1000, timeZone).day) return `at ${at.time} tomorrow`;
  return `at ${at.time} on ${at.long}`;
}

const PERSON = 'talk to a person at the helpdesk';
/** How else to get help when no code can be sent: the helpdesk's phone number. */
const CALL_HELPDESK = 'call the helpdesk on 0333 200 1133 and a person will help you';

/** The message for the person: what happened and, for every limit, when they can try again. */
export function verificationMessage(failure: VerificationFailure, options: MessageOptions): string {
  switch (failure.reason) {
    case 'cooldown':
      return `I've just sent you a code. Please wait ${describeWhen(failure.retryAt, options).replace(/^in /, '')} before asking for another one.`;
    case 'person_15min_limit':
      return `You've asked for several codes in a short time. You can ask for another one ${describeWhen(failure.retryAt, options)}, or ${PERSON}.`;
    case 'person_daily_limit':
      return `You've had as many codes as we allow in a day. You can ask for another one ${describeWhen(failure.retryAt, options)}, or ${PERSON}.`;
    case 'destination_limit':
      return `That phone number has had as many codes as we allow in a day. You can ask again ${describeWhen(failure.retryAt, options)}, choose another method, or ${PERSON}.`;
    case 'global_budget':
      return `I can't send codes at the moment. Sending starts again ${describeWhen(failure.retryAt, options)}. In the meantime, ${CALL_HELPDESK}.`;
    case 'source_limit':
      return `I've sent as many codes as I can for requests from here for now. You can ask again ${describeWhen(failure.retryAt, options)}, or ${CALL_HELPDESK}.`;
    case 'locked_out':
      return `There have been too many wrong codes, so for your security I've paused checking codes. You can try again ${describeWhen(failure.retryAt, options)}, or ${PERSON} now.`;
    case 'too_many_attempts':
      return `That's too many wrong codes, so I've cancelled this code for your security. You can ask for a new one ${describeWhen(failure.retryAt, options)}, or ${PERSON}.`;
    case 'lookup_limit':
      return `I can only look up a few different accounts in one conversation. You can try again in a new conversation or ${describeWhen(failure.retryAt, options)}, or ${PERSON}.`;
    case 'no_number':
      return `We don't hold a phone number for that method. Please choose another method, or ${PERSON}.`;
    case 'invalid_number':
      return 'That doesn\'t look like a UK mobile number. Please type it like 07700 900123. You can try again now, or talk to a person at the helpdesk.';
    case 'identity_not_proven':
      return 'Before I can check a new number, I need to confirm it is you with a code sent to a number we already hold. We can do that now.';
    case 'not_eligible':
      // One reply for guests and flagged accounts alike: nothing about the account is revealed.
      return "I can't send a code for that account, so I can't check it's you here. A person at the helpdesk will verify you instead.";
    case 'send_failed':
      return failure.failure.userMessage;
    case 'wrong_code':
      return `That code isn't right. You have ${failure.attemptsLeft} more ${failure.attemptsLeft === 1 ? 'try' : 'tries'}.`;
    case 'invalid_format':
      return 'Codes are 6 digits. Please type the 6-digit code from your text message or call.';
    case 'no_challenge':
      return 'I don\'t have a code waiting for you. I can send you one now.';
    case 'expired':
      return 'That code has expired. I can send you a new one now.';
    case 'already_used':
      return 'That code has already been used. I can send you a new one if you need to verify again.';
    default: {
      const unreachable: never = failure;
      return String(unreachable);
    }
  }
}
