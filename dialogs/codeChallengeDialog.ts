import { ActionTypes, InputHints, type Activity } from 'botbuilder';
import {
  ChoicePrompt,
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type PromptOptions,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Clock } from '../src/clock';
import type { Directory, Person, PhoneMethod } from '../src/directory/directory';
import type { Channel, Purpose } from '../src/verification/types';
import type { LookupLimiter } from '../src/verification/lookupLimiter';
import { verificationMessage } from '../src/verification/messages';
import type { CodeAccepted, SendCodeRequest, SendCodeResult, VerificationService } from '../src/verification/verificationService';
import { normalise } from './interruptions';
import { choiceOptions } from './prompts';
import { say, toSpeech } from './reply';

/** Id of the send-and-check loop shared by the identity and new-number conversations. */
export const CODE_CHALLENGE_DIALOG = 'codeChallengeDialog';
const LOOP = 'codeChallengeDialog.loop';
const METHOD_PROMPT = 'codeChallengeDialog.methodPrompt';
const CODE_PROMPT = 'codeChallengeDialog.codePrompt';

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
    }
  | { readonly passed: false; readonly reason: ChallengeFailureReason; readonly message: string };

interface LoopOptions extends CodeChallengeOptions {
  readonly mode: 'send' | 'choose' | 'code';
  /** Index of the offer the last code went to. */
  readonly current?: number;
  /** Offers that failed and are not offered again. */
  readonly exclude?: readonly number[];
  /** Offer {@link PERSON_CHOICE} with the methods. */
  readonly offerPerson?: boolean;
  /** Reason recorded if the user then picks a person. */
  readonly failure?: ChallengeFailureReason;
}

const NO_PERSON_TEXT = 'A person at the helpdesk will verify you instead.';

/**
 * Matches text holding something that looks like a phone number: a `+` and 7 or more digits,
 * or a run of 10 or more digits with spaces, dots, dashes or brackets between. Six-digit
 * codes and staff ids of up to 9 digits do not match.
 */
export function looksLikePhoneNumber(text: string | undefined): boolean {
  const value = text ?? '';
  if (/\+\s*\d(?:[\s().-]*\d){6,}/.test(value)) return true;
  const runs = value.match(/\d[\d\s().-]*\d/g) ?? [];
  return runs.some((run) => run.replace(/\D/g, '').length >= 10);
}

/** What the user said at the code prompt. */
export type CodeReply = { readonly kind: 'resend' } | { readonly kind: 'switch'; readonly channel: Channel } | { readonly kind: 'code'; readonly code: string };

const RESEND = /\b(re-?send|send (it |me |the code )?again|send (me )?(a |another |a new )(one|code)|new code|another code|didn'?t (get|receive|arrive)|not (arrived|received|come)|hasn'?t (arrived|come)|haven'?t (got|received))\b/;
const CALL = /\b(call|ring|phone) me\b|\bcall (me )?instead\b|\bvoice call\b|^call$/;
const TEXT = /\b(text|sms|message) me\b|\b(text|sms) (me )?instead\b|^(text|sms)$/;

/** Classifies a reply at the code prompt: a request for a new code, for the other channel, or a code. */
export function parseCodeReply(text: string | undefined): CodeReply {
  const t = normalise(text);
  if (RESEND.test(t)) return { kind: 'resend' };
  if (CALL.test(t)) return { kind: 'switch', channel: 'voice' };
  if (TEXT.test(t)) return { kind: 'switch', channel: 'sms' };
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

function minutesLeft(expiresAt: number, now: number): string {
  const minutes = Math.max(1, Math.round((expiresAt - now) / 60000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * Sends a one-time code and checks what the user types, within the limits of the
 * verification service: the user picks one of the offered ways, then types the code; "send a
 * new code", "call me instead" and "text me instead" work at the code prompt. Failures are
 * explained with the service's own messages, which say when trying again can work. It never
 * sends anywhere but the offered destinations, and never to another one without being asked.
 * The state it keeps holds neither the code nor a full phone number.
 */
export class CodeChallengeDialog extends ComponentDialog {
  constructor(private readonly deps: CodeChallengeDeps) {
    super(CODE_CHALLENGE_DIALOG);
    this.addDialog(new ChoicePrompt(METHOD_PROMPT, this.methodValidator.bind(this)));
    this.addDialog(new TextPrompt(CODE_PROMPT, this.codeValidator.bind(this)));
    this.addDialog(new WaterfallDialog(LOOP, [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = LOOP;
  }

  /** Starts in "send" mode when an offer is given, otherwise by asking how to send. */
  override async beginDialog(outerDc: DialogContext, options?: CodeChallengeOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('CodeChallengeDialog: options are required');
    const loop: LoopOptions = { ...options, mode: options.start === undefined ? 'choose' : 'send', current: options.start };
    return super.beginDialog(outerDc, loop);
  }

  private async askStep(step: WaterfallStepContext<LoopOptions>): Promise<DialogTurnResult> {
    const o = step.options;
    if (o.mode === 'send') return this.send(step, o.current ?? 0);
    if (o.mode === 'code') return step.prompt(CODE_PROMPT, this.codePrompt(step, o));
    const available = this.available(o);
    if (available.length === 0) {
      const message = `I've no other way to send you a code. ${NO_PERSON_TEXT}`;
      return this.fail(step, o.failure ?? 'send_failed', message);
    }
    const choices = [...available.map((i) => o.offers[i].title), ...(o.offerPerson ? [PERSON_CHOICE] : [])];
    const options = choiceOptions(o.question ?? 'How should I send your code?', choices);
    return step.prompt(METHOD_PROMPT, withMaskedSpeech(options));
  }

  private async answerStep(step: WaterfallStepContext<LoopOptions>): Promise<DialogTurnResult> {
    const o = step.options;
    if (o.mode === 'choose') {
      const picked = (step.result as FoundChoice).value;
      if (picked === PERSON_CHOICE) return this.fail(step, o.failure ?? 'send_failed', `OK. ${NO_PERSON_TEXT}`);
      const index = o.offers.findIndex((offer) => offer.title === picked);
      return index < 0 ? step.replaceDialog(LOOP, o) : this.send(step, index);
    }
    const reply = parseCodeReply(typeof step.result === 'string' ? step.result : '');
    if (reply.kind === 'resend') return this.send(step, o.current ?? 0);
    if (reply.kind === 'switch') {
      const index = this.switchTarget(o, reply.channel);
      if (index === undefined) {
        const how = reply.channel === 'voice' ? 'call' : 'text';
        return this.again(step, { question: `Sorry, I can't ${how} any number on your record. Please type the code you have, or choose **${CODE_REPLIES.resend}**.` });
      }
      return this.send(step, index);
    }
    return this.check(step, reply.code);
  }

  /** Refuses a typed phone number and asks again; lets everything else through to the step. */
  private async methodValidator(prompt: PromptValidatorContext<FoundChoice>): Promise<boolean> {
    if (looksLikePhoneNumber(prompt.context.activity.text)) {
      await prompt.context.sendActivity(refusalWith(prompt.options));
      return false;
    }
    return prompt.recognized.succeeded;
  }

  /** Refuses a typed phone number at the code prompt and asks for the code again. */
  private async codeValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (looksLikePhoneNumber(prompt.recognized.value)) {
      const ask = prompt.context.activity.channelId === 'voice' ? 'Please key in the 6-digit code I sent you.' : 'Please type the 6-digit code I sent you.';
      await prompt.context.sendActivity(refusalWith(prompt.options, ask));
      return false;
    }
    return prompt.recognized.succeeded;
  }

  private codePrompt(step: WaterfallStepContext<LoopOptions>, o: LoopOptions): PromptOptions {
    const keypad = step.context.activity.channelId === 'voice';
    const question = o.question ?? (keypad ? 'Please key in the 6-digit code.' : 'Please type the 6-digit code.');
    const current = o.current === undefined ? undefined : o.offers[o.current];
    const replies: string[] = [CODE_REPLIES.resend];
    if (current?.channel === 'sms' && this.switchTarget(o, 'voice') !== undefined) replies.push(CODE_REPLIES.call);
    if (current?.channel === 'voice' && this.switchTarget(o, 'sms') !== undefined) replies.push(CODE_REPLIES.text);
    const prompt: Partial<Activity> = {
      ...sayMasked(question, InputHints.ExpectingInput),
      suggestedActions: { actions: replies.map((r) => ({ type: ActionTypes.ImBack, title: r, value: r })), to: [] },
    };
    return { prompt };
  }

  private available(o: LoopOptions): number[] {
    return o.offers.map((_offer, i) => i).filter((i) => !(o.exclude ?? []).includes(i));
  }

  /** The offer to use for "call me instead" / "text me instead": the same number if possible. */
  private switchTarget(o: LoopOptions, channel: Channel): number | undefined {
    const current = o.current === undefined ? undefined : o.offers[o.current];
    const candidates = this.available(o).filter((i) => o.offers[i].channel === channel);
    const same = candidates.find((i) => current !== undefined && o.offers[i].method === current.method);
    return same ?? candidates[0];
  }

  private async send(step: WaterfallStepContext<LoopOptions>, index: number): Promise<DialogTurnResult> {
    const o = step.options;
    const offer = o.offers[index];
    const codePending = o.mode === 'code';
    const person = await this.findPerson(step, o);
    if (!person.ok) return this.fail(step, person.reason, person.message);
    const request = this.request(step, o, offer, person.person);
    if (!request) return this.fail(step, 'send_failed', `Sorry, I can't send a code that way. ${NO_PERSON_TEXT}`);
    const result: SendCodeResult = await this.deps.verification.sendCode(request);
    const now = this.deps.clock.now();
    if (result.ok) {
      const what = result.resent ? 'a new' : 'a';
      const sent =
        result.channel === 'sms'
          ? `I've sent ${what} 6-digit code by text to your ${offer.place}. It works for ${minutesLeft(result.expiresAt, now)}.`
          : `I'm calling your ${offer.place} now with ${what} 6-digit code. It works for ${minutesLeft(result.expiresAt, now)}.`;
      const ask = step.context.activity.channelId === 'voice' ? 'Key it in when you have it.' : 'Type it here when it arrives.';
      return this.again(step, { mode: 'code', current: index, question: `${sent} ${ask}` });
    }
    const message = verificationMessage(result, { now });
    switch (result.reason) {
      case 'cooldown':
        return this.again(step, { mode: 'code', current: o.current ?? index, question: `${message} Please type the code you already have.` });
      case 'too_many_attempts':
      case 'locked_out':
        return this.fail(step, result.reason, message);
      case 'person_15min_limit':
      case 'person_daily_limit':
      case 'global_budget': {
        const reason = result.reason === 'global_budget' ? 'budget' : 'send_limit';
        if (codePending) return this.again(step, { mode: 'code', question: `${message} Meanwhile, the code I sent before still works until it expires.` });
        return this.fail(step, reason, message);
      }
      case 'not_eligible':
        return this.fail(step, result.detail ?? 'compromised', message);
      case 'identity_not_proven':
      case 'invalid_number':
        return this.fail(step, result.reason, message);
      case 'send_failed':
        if (result.failure.delivered === 'unknown') {
          return this.again(step, { mode: 'code', current: index, question: message });
        }
        return this.chooseAnother(step, index, `${message}`, 'send_failed');
      case 'destination_limit':
      case 'no_number':
        return this.chooseAnother(step, index, message, 'send_failed');
      default: {
        const unreachable: never = result;
        return this.fail(step, 'send_failed', String(unreachable));
      }
    }
  }

  private async chooseAnother(step: WaterfallStepContext<LoopOptions>, failed: number, message: string, failure: ChallengeFailureReason): Promise<DialogTurnResult> {
    const o = step.options;
    const exclude = [...(o.exclude ?? []), failed];
    if (this.available({ ...o, exclude }).length === 0) return this.fail(step, failure, `${message} ${NO_PERSON_TEXT}`);
    return this.again(step, { mode: 'choose', current: undefined, exclude, offerPerson: true, failure, question: `${message} Would you like me to try another way?` });
  }

  private async check(step: WaterfallStepContext<LoopOptions>, code: string): Promise<DialogTurnResult> {
    const o = step.options;
    const result = await this.deps.verification.checkCode({ personId: o.personId, purpose: o.purpose, conversationId: conversationIdOf(step), code });
    if (result.ok) return this.pass(step, result);
    const message = verificationMessage(result, { now: this.deps.clock.now() });
    switch (result.reason) {
      case 'wrong_code':
        return this.again(step, { question: `${message} Please type the code again.` });
      case 'invalid_format':
        return this.again(step, { question: message });
      case 'expired':
        return this.again(step, { question: `That code has expired. Choose **${CODE_REPLIES.resend}** and I'll send you another one, or talk to a person.` });
      case 'too_many_attempts':
      case 'locked_out':
        return this.fail(step, result.reason, message);
      case 'no_challenge':
      case 'already_used':
        return this.again(step, { mode: 'choose', current: undefined, question: `${message} How should I send it?` });
      default: {
        const unreachable: never = result;
        return this.fail(step, 'send_failed', String(unreachable));
      }
    }
  }

  private async pass(step: WaterfallStepContext<LoopOptions>, accepted: CodeAccepted): Promise<DialogTurnResult> {
    const outcome: ChallengeOutcome = {
      passed: true,
      channel: accepted.channel,
      destinationMasked: accepted.destination,
      at: accepted.verifiedAt,
      ...(accepted.provenNumber ? { provenNumber: accepted.provenNumber } : {}),
    };
    return step.endDialog(outcome);
  }

  private async fail(step: WaterfallStepContext<LoopOptions>, reason: ChallengeFailureReason, message: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(sayMasked(message));
    const outcome: ChallengeOutcome = { passed: false, reason, message };
    return step.endDialog(outcome);
  }

  private again(step: WaterfallStepContext<LoopOptions>, changes: Partial<LoopOptions>): Promise<DialogTurnResult> {
    const next: LoopOptions = { ...step.options, mode: 'code', ...changes };
    return step.replaceDialog(LOOP, next);
  }

  /** Finds the person again for a send, counting the lookup like any other (a repeat is free). */
  private async findPerson(
    step: WaterfallStepContext<LoopOptions>,
    o: LoopOptions,
  ): Promise<{ ok: true; person: Person } | { ok: false; reason: 'lookup_limit' | 'unknown_person'; message: string }> {
    const allowed = await this.deps.lookups.check(conversationIdOf(step), o.who.value);
    if (!allowed.ok) return { ok: false, reason: 'lookup_limit', message: verificationMessage(allowed, { now: this.deps.clock.now() }) };
    const person = await findBy(this.deps.directory, o.who);
    if (!person || person.id !== o.personId) {
      return { ok: false, reason: 'unknown_person', message: `Sorry, I can no longer find your account in the directory. ${NO_PERSON_TEXT}` };
    }
    return { ok: true, person };
  }

  private request(step: WaterfallStepContext<LoopOptions>, o: LoopOptions, offer: CodeOffer, person: Person): SendCodeRequest | undefined {
    const base = { person, conversationId: conversationIdOf(step), channel: offer.channel };
    if (o.purpose === 'identity') return offer.method ? { ...base, purpose: 'identity', method: offer.method } : undefined;
    return o.newNumber ? { ...base, purpose: 'new_number', newNumber: o.newNumber } : undefined;
  }
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

/** The prompt again (with `question` for its text when given), led by the refusal of a typed number. */
function refusalWith(options: PromptOptions, question?: string): Partial<Activity> {
  const prompt = options.prompt;
  const base: Partial<Activity> = typeof prompt === 'string' ? say(prompt, undefined, InputHints.ExpectingInput) : { ...(prompt ?? {}) };
  const text = `${TYPED_NUMBER_REFUSAL} ${question ?? base.text ?? ''}`.trim();
  return { ...base, type: 'message', text, speak: speakMasked(text) };
}

function withMaskedSpeech(options: PromptOptions): PromptOptions {
  const fix = (p: PromptOptions['prompt']): PromptOptions['prompt'] =>
    p && typeof p !== 'string' && p.speak ? { ...p, speak: p.speak.replace(/\bending (\d{3})\b/g, (_m, d: string) => `ending ${d.split('').join(' ')}`) } : p;
  return { ...options, prompt: fix(options.prompt), retryPrompt: fix(options.retryPrompt) };
}
