import { InputHints } from 'botbuilder';
import type { DialogInstance, PromptValidatorContext } from 'botbuilder-dialogs';
import type { Clock } from '../src/clock';
import { looksLikePhoneNumber, parseIdentifier } from '../src/knowledge/identifiers';
import { PHONE_METHODS, numbersOnRecord, phoneFor, type Directory, type Person, type PhoneMethod } from '../src/directory/directory';
import { redactPhone } from '../src/logger';
import type { LookupLimiter } from '../src/verification/lookupLimiter';
import { normaliseUkMobile } from '../src/verification/phoneNumbers';
import type { VerificationSessions, VerifiedIdentity } from '../src/verification/sessions';
import { PHONE_PLACES } from '../src/tickets/lostDevice';
import type { Channel } from '../src/verification/types';
import type { VerificationService } from '../src/verification/verificationService';
import { TYPED_NUMBER_REFUSAL, type ChallengeFailureReason, type CodeOffer } from './codeChallenge';
import { say } from './reply';

/** Unknown emails or staff ids accepted before a person is offered instead. */
export const MAX_UNKNOWN_LOOKUPS = 3;

/** Said when the bot cannot prove who the user is. */
export const PERSON_INSTEAD = 'A person at the helpdesk will verify you instead.';

/**
 * The one reply for every account that cannot get a code (guest, flagged as compromised, no phone
 * method, no other number): before proof nothing may tell what the directory knows about it.
 */
export const NO_CODE_FOR_ACCOUNT = `I can't send a code for that account, so I can't check it's you here. ${PERSON_INSTEAD}`;

/**
 * The one reply, before the last try, for every email or staff id that cannot get a code,
 * whether the directory knows it or not, followed by the question again.
 */
export const NO_CODE_TRY_AGAIN = "I can't send a code for that account. If you mistyped it, please check it and try again:";

/**
 * Why a person found in the directory cannot get a code here, if they cannot. With
 * `oneNumberLost`, one of their numbers is on a lost phone: a single number on record is that one.
 */
export function noCodeReason(person: Person, excluded: readonly PhoneMethod[], oneNumberLost = false): 'guest' | 'compromised' | 'no_phone_method' | undefined {
  if (person.guest) return 'guest';
  if (person.compromised) return 'compromised';
  if (oneNumberLost && numbersOnRecord(person).length < 2) return 'no_phone_method';
  return offersFor(person).some((o) => o.method === undefined || !excluded.includes(o.method)) ? undefined : 'no_phone_method';
}

export type { VerifiedIdentity } from '../src/verification/sessions';

/** Services the identity check needs. */
export interface VerifyIdentityDeps {
  readonly directory: Directory;
  readonly verification: VerificationService;
  readonly lookups: LookupLimiter;
  readonly sessions: VerificationSessions;
  readonly clock: Clock;
}

/** Begin options of {@link VerifyIdentityDialog}. */
export interface VerifyIdentityOptions {
  /** Why the check is needed, shown in the intro, e.g. "before I change your phone number". */
  readonly purpose?: string;
  /** Run on its own ("verify me"): ends with a confirmation of what the proof allows. */
  readonly standalone?: boolean;
  /** Numbers not to use. */
  readonly excludeMethods?: readonly PhoneMethod[];
  /**
   * A phone is lost: with more than one number on record, ask which one (offered masked), and
   * never send to it; a single number on record is taken to be the lost one.
   */
  readonly askLostPhone?: boolean;
}

/** Why identity was not proven. */
export type NotVerifiedReason =
  /** The person has no phone number registered for MFA. */
  | 'no_phone_method'
  /** The account is believed compromised; no self-service. */
  | 'compromised'
  /** A guest account, managed by its home organisation. */
  | 'guest'
  /** The person found earlier is no longer in the directory. */
  | 'unknown_person'
  /** Too many different or unknown emails and staff ids in this conversation. */
  | 'lookup_limit'
  /** Checks are paused after too many wrong codes (for the person, or for whoever typed them). */
  | 'locked_out'
  /** Five wrong codes: the code was cancelled. */
  | 'too_many_attempts'
  /** The person's or the number's send allowance is spent for now. */
  | 'send_limit'
  /** An hourly send budget is spent: the requester's or address's, an outsider channel's or the service's. */
  | 'budget'
  /** No code could be delivered by any offered way. */
  | 'send_failed'
  /** The user cancelled. */
  | 'cancelled'
  /** The user asked for a person. */
  | 'person_requested';

/** An identity check that did not succeed. The user has been told `message` already. */
export interface NotVerified {
  readonly verified: false;
  readonly reason: NotVerifiedReason;
  readonly personId?: string;
  readonly email?: string;
  /** The email or staff id the person typed, when they typed one; it proves nothing. */
  readonly claimed?: string;
  /** The phone the person said is lost (`askLostPhone`), when they said. */
  readonly lostMethod?: PhoneMethod;
  readonly message: string;
}

/** How {@link VerifyIdentityDialog} ended, for the ticket layer to record as evidence; with `askLostPhone`, which phone is lost. */
export type VerifyIdentityResult = (VerifiedIdentity & { readonly lostMethod?: PhoneMethod }) | NotVerified;

/** Type guard for results of {@link VerifyIdentityDialog}. */
export function isVerifyIdentityResult(value: unknown): value is VerifyIdentityResult {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { verified?: unknown; personId?: unknown; reason?: unknown };
  return (v.verified === true && typeof v.personId === 'string') || (v.verified === false && typeof v.reason === 'string');
}


/**
 * The ways of sending a code to the person's registered numbers, masked: a text to each
 * mobile number and a call to every number. On the phone line (`callBacks`), a call-back to
 * each number follows: the bot hangs up and calls it, and # proves it. Nothing else is ever
 * offered.
 */
export function offersFor(person: Person, callBacks = false): CodeOffer[] {
  const offers: CodeOffer[] = [];
  const callBackOffers: CodeOffer[] = [];
  for (const method of PHONE_METHODS) {
    const number = phoneFor(person, method);
    if (!number) continue;
    const masked = redactPhone(number);
    const place = `${PHONE_PLACES[method]} ending ${masked.slice(3)}`;
    const channels: Channel[] = normaliseUkMobile(number) ? ['sms', 'voice'] : ['voice'];
    for (const channel of channels) offers.push({ channel, method, masked, place, title: `${channel === 'sms' ? 'Text' : 'Call'} to ${place}` });
    if (callBacks) callBackOffers.push({ channel: 'voice', method, masked, place, title: `Call me back on ${place}`, callback: true });
  }
  return [...offers, ...callBackOffers];
}

/** The question for an email address or staff id, keyed in on the phone line. */
export function whoQuestion(channelId: string | undefined): string {
  return channelId === 'voice'
    ? 'Please key in your staff ID on your keypad, then press hash.'
    : "What's your NHSmail email address? You can type your staff ID instead.";
}

/** A {@link NotVerified} result with what is known of the person. */
export function notVerified(
  reason: NotVerifiedReason,
  message: string,
  known: KnownPerson,
): NotVerified {
  return {
    verified: false,
    reason,
    message,
    ...(known.personId ? { personId: known.personId } : {}),
    ...(known.email ? { email: known.email } : {}),
    ...(known.claimed ? { claimed: known.claimed } : {}),
    ...(known.lostMethod ? { lostMethod: known.lostMethod } : {}),
  };
}

/** Refuses a typed phone number and anything that is neither an email address nor a staff id. */
export async function identifierValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
  const text = prompt.recognized.value;
  const question = whoQuestion(prompt.context.activity.channelId);
  if (looksLikePhoneNumber(text)) {
    await prompt.context.sendActivity(say(`${TYPED_NUMBER_REFUSAL} ${question}`, undefined, InputHints.ExpectingInput));
    return false;
  }
  if (!parseIdentifier(text)) {
    await prompt.context.sendActivity(say(`That doesn't look like an email address or a staff ID. ${question}`, undefined, InputHints.ExpectingInput));
    return false;
  }
  return true;
}

/** The identity-check reason for a code-challenge failure. */
export function fromChallenge(reason: ChallengeFailureReason): NotVerifiedReason {
  switch (reason) {
    case 'identity_not_proven':
    case 'invalid_number':
      return 'send_failed';
    default:
      return reason;
  }
}

/** What is known of the person from an identity check still on the stack. */
export interface KnownPerson {
  readonly personId?: string;
  readonly email?: string;
  readonly claimed?: string;
  readonly lostMethod?: PhoneMethod;
}

/** The person found so far in this conversation, from the dialog values (or a flagged lookup) on the stack. */
export function knownPerson(stack: readonly DialogInstance[]): KnownPerson {
  for (const instance of stack) {
    const values: unknown = instance.state?.values;
    if (values && typeof values === 'object') {
      const v = values as KnownPerson;
      if (v.personId) return { personId: v.personId, email: v.email, claimed: v.claimed, lostMethod: v.lostMethod };
    }
    const options: unknown = instance.state?.options;
    if (options && typeof options === 'object' && 'flagged' in options) {
      const flagged = (options as { flagged?: KnownPerson }).flagged;
      if (flagged) return { personId: flagged.personId, email: flagged.email, claimed: flagged.claimed };
    }
  }
  return {};
}
