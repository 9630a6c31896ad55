import { InputHints, type Activity, type TurnContext } from 'botbuilder';
import type { PromptOptions } from 'botbuilder-dialogs';
import type { Clock } from '../src/clock';
import { choiceWords } from '../src/knowledge/choiceWords';
import { recognizeCommand } from '../src/knowledge/commands';
import type { Directory, Person, PhoneMethod } from '../src/directory/directory';
import type { LookupLimiter } from '../src/verification/lookupLimiter';
import { requesterOf, type CodeRequester } from '../src/verification/requester';
import { CLIENT_ADDRESS_TURN_KEY } from '../src/tickets/ticketFloodGuard';
import type { Channel, Purpose } from '../src/verification/types';
import type { VerificationService } from '../src/verification/verificationService';
import type { ChoiceSpec } from './prompts';
import { say, toSpeech } from './reply';

/** Said when the user types a phone number: codes only go to numbers the directory holds. */
export const TYPED_NUMBER_REFUSAL = "I can only send codes to a number already on your record, so I can't use a number typed here.";

/** Choice that ends the loop so a person can verify the user. It avoids the words of the "talk to a person" interruption. */
export const PERSON_CHOICE = 'Get help from a person';

/** Suggested replies at the code prompt. */
export const CODE_REPLIES = { resend: 'Send a new code', call: 'Call me instead', text: 'Text me instead' } as const;

/** Services the loop needs. */
export interface CodeChallengeDeps {
  readonly directory: Directory;
  readonly verification: VerificationService;
  readonly lookups: LookupLimiter;
  readonly clock: Clock;
}

/** How the person was found in the directory, so the loop can find them again when it sends. */
export interface PersonKey {
  readonly by: 'email' | 'staffId' | 'objectId';
  readonly value: string;
}

/** One way of sending a code. Holds no phone number, only its last 3 digits. */
export interface CodeOffer {
  readonly channel: Channel;
  /** The directory method to send to; absent for the new number of a `new_number` challenge. */
  readonly method?: PhoneMethod;
  /** The destination masked to its last 3 digits, e.g. `***101`. */
  readonly masked: string;
  /** Where the code goes, e.g. "mobile ending 101". */
  readonly place: string;
  /** The choice shown, e.g. "Text to mobile ending 101". */
  readonly title: string;
  /** A call-back (phone line only): the bot hangs up and calls this number; pressing # there proves it. */
  readonly callback?: boolean;
}

/**
 * The choice for an offer, with the everyday words for it from `content/choiceWords.json`:
 * "text", "sms", "ring", and with the phone, "text my mobile", "ring me on my office phone".
 */
export function offerChoice(offer: CodeOffer): ChoiceSpec {
  const words = choiceWords();
  const places = offer.method ? words.places[offer.method] : [];
  return { title: offer.title, synonyms: words.channels[offer.channel].flatMap((c) => [c, ...places.map((p) => `${c} ${p}`)]) };
}

/** Begin options of {@link CodeChallengeDialog}. */
export interface CodeChallengeOptions {
  readonly purpose: Purpose;
  readonly who: PersonKey;
  readonly personId: string;
  readonly offers: readonly CodeOffer[];
  /** The new number in E.164, for `new_number` challenges. */
  readonly newNumber?: string;
  /** Send with this offer at once instead of asking. */
  readonly start?: number;
  /** The question asked with the offers. */
  readonly question?: string;
}

/** Why the loop ended without a right code. */
export type ChallengeFailureReason =
  | 'guest'
  | 'compromised'
  | 'unknown_person'
  | 'lookup_limit'
  | 'locked_out'
  | 'too_many_attempts'
  | 'send_limit'
  | 'budget'
  | 'send_failed'
  | 'identity_not_proven'
  | 'invalid_number';

/** How {@link CodeChallengeDialog} ended. The user has already been told. */
export type ChallengeOutcome =
  | {
      readonly passed: true;
      readonly channel: Channel;
      readonly destinationMasked: string;
      /** Epoch ms when the code was accepted. */
      readonly at: number;
      /** For `new_number`: the proven number in E.164. */
      readonly provenNumber?: string;
      /** The proof was # pressed on a call-back to the number, not a code keyed in. */
      readonly callback?: boolean;
    }
  | { readonly passed: false; readonly reason: ChallengeFailureReason; readonly message: string };


/** Said when no code can be sent: a person verifies the user instead. */
export const NO_PERSON_TEXT = 'A person at the helpdesk will verify you instead.';

/** What the user said at the code prompt. */
export type CodeReply = { readonly kind: 'resend' } | { readonly kind: 'switch'; readonly channel: Channel } | { readonly kind: 'code'; readonly code: string };

/** Classifies a reply at the code prompt: a request for a new code, for the other channel, or a code. */
export function parseCodeReply(text: string | undefined): CodeReply {
  switch (recognizeCommand(text, ['codePrompt'])) {
    case 'resendCode':
      return { kind: 'resend' };
    case 'callInstead':
      return { kind: 'switch', channel: 'voice' };
    case 'textInstead':
      return { kind: 'switch', channel: 'sms' };
    default:
      break;
  }
  return { kind: 'code', code: (text ?? '').trim() };
}

/** Speech for text holding masked numbers: "ending 101" is read digit by digit. */
export function speakMasked(text: string): string {
  return toSpeech(text).replace(/\bending (\d{3})\b/g, (_m, digits: string) => `ending ${digits.split('').join(' ')}`);
}

/** A message whose speech reads masked numbers digit by digit. */
export function sayMasked(text: string, inputHint: InputHints = InputHints.AcceptingInput): Partial<Activity> {
  return say(text, speakMasked(text), inputHint);
}

/** "5 minutes" until `expiresAt`, at least 1 minute. */
export function minutesLeft(expiresAt: number, now: number): string {
  const minutes = Math.max(1, Math.round((expiresAt - now) / 60000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Looks a person up in the directory by the key they were found with. */
export function findBy(directory: Directory, key: PersonKey): Promise<Person | undefined> {
  switch (key.by) {
    case 'email':
      return directory.findByEmail(key.value);
    case 'staffId':
      return directory.findByStaffId(key.value);
    default:
      return directory.findByObjectId(key.value);
  }
}

/** The conversation id of the turn, which binds codes, limits and proofs. */
export function conversationIdOf(step: { context: { activity: Partial<Activity> } }): string {
  return step.context.activity.conversation?.id ?? '';
}

/** Who is asking in this turn (channel, sender, client address), for the verification service's counters. */
export function requesterOfStep(step: { context: TurnContext }): CodeRequester {
  return requesterOf(step.context.activity, step.context.turnState.get(CLIENT_ADDRESS_TURN_KEY));
}

/** The prompt again (with `question` for its text when given), led by the refusal of a typed number. */
export function refusalWith(options: PromptOptions, question?: string): Partial<Activity> {
  const prompt = options.prompt;
  const base: Partial<Activity> = typeof prompt === 'string' ? say(prompt, undefined, InputHints.ExpectingInput) : { ...(prompt ?? {}) };
  const text = `${TYPED_NUMBER_REFUSAL} ${question ?? base.text ?? ''}`.trim();
  return { ...base, type: 'message', text, speak: speakMasked(text) };
}

/** Prompt options whose speech reads masked numbers digit by digit. */
export function withMaskedSpeech(options: PromptOptions): PromptOptions {
  const fix = (p: PromptOptions['prompt']): PromptOptions['prompt'] =>
    p && typeof p !== 'string' && p.speak ? { ...p, speak: p.speak.replace(/\bending (\d{3})\b/g, (_m, d: string) => `ending ${d.split('').join(' ')}`) } : p;
  return { ...options, prompt: fix(options.prompt), retryPrompt: fix(options.retryPrompt) };
}

