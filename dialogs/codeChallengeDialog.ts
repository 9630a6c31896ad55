import { ActionTypes, ActivityTypes, InputHints, type Activity } from 'botbuilder';
import {
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
import type { Person } from '../src/directory/directory';
import { looksLikePhoneNumber } from '../src/knowledge/identifiers';
import type { Channel } from '../src/verification/types';
import { verificationMessage } from '../src/verification/messages';
import type { CodeAccepted, SendCodeResult } from '../src/verification/verificationService';
import {
  CODE_REPLIES,
  NO_PERSON_TEXT,
  PERSON_CHOICE,
  conversationIdOf,
  findBy,
  minutesLeft,
  offerChoice,
  parseCodeReply,
  requesterOfStep,
  refusalWith,
  sayMasked,
  withMaskedSpeech,
  type ChallengeFailureReason,
  type ChallengeOutcome,
  type CodeChallengeDeps,
  type CodeChallengeOptions,
} from './codeChallenge';
import { afterCheckFailure, afterSendFailure, callBackText, sendRequest, type NextMove } from './codeChallengeMoves';
import { HelpdeskChoicePrompt, choiceOptions, limitAttempts } from './prompts';

/** Id of the send-and-check loop shared by the identity and new-number conversations. */
export const CODE_CHALLENGE_DIALOG = 'codeChallengeDialog';
const LOOP = 'codeChallengeDialog.loop';
const METHOD_PROMPT = 'codeChallengeDialog.methodPrompt';
const CODE_PROMPT = 'codeChallengeDialog.codePrompt';

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
  /** A call-back was placed: the call has ended, and the answer comes from the call-back. */
  readonly awaitingCallback?: boolean;
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
    this.addDialog(new HelpdeskChoicePrompt(METHOD_PROMPT, this.methodValidator.bind(this)));
    this.addDialog(new TextPrompt(CODE_PROMPT, limitAttempts(this.codeValidator.bind(this))));
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
    if (o.mode === 'code') return step.prompt(CODE_PROMPT, o.awaitingCallback ? {} : this.codePrompt(step, o));
    const available = this.available(o);
    if (available.length === 0) {
      const message = `I've no other way to send you a code. ${NO_PERSON_TEXT}`;
      return this.fail(step, o.failure ?? 'send_failed', message);
    }
    const choices = [...available.map((i) => offerChoice(o.offers[i])), ...(o.offerPerson ? [PERSON_CHOICE] : [])];
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
    const request = sendRequest(conversationIdOf(step), o, offer, person.person, requesterOfStep(step));
    if (!request) return this.fail(step, 'send_failed', `Sorry, I can't send a code that way. ${NO_PERSON_TEXT}`);
    const result: SendCodeResult = await this.deps.verification.sendCode(request);
    const now = this.deps.clock.now();
    if (result.ok && offer.callback) {
      await step.context.sendActivities([sayMasked(callBackText(offer.place)), { type: ActivityTypes.EndOfConversation }]);
      return this.again(step, { mode: 'code', current: index, awaitingCallback: true });
    } else if (result.ok) {
      const what = result.resent ? 'a new' : 'a';
      const sent =
        result.channel === 'sms'
          ? `I've sent ${what} 6-digit code by text to your ${offer.place}. It works for ${minutesLeft(result.expiresAt, now)}.`
          : `I'm calling your ${offer.place} now with ${what} 6-digit code. It works for ${minutesLeft(result.expiresAt, now)}.`;
      const ask = step.context.activity.channelId === 'voice' ? 'Key it in when you have it.' : 'Type it here when it arrives.';
      return this.again(step, { mode: 'code', current: index, question: `${sent} ${ask}` });
    }
    return this.follow(step, afterSendFailure(result, { now, index, current: o.current, codePending }));
  }

  /** Carries out what a failed send or check calls for. */
  private follow(step: WaterfallStepContext<LoopOptions>, next: NextMove): Promise<DialogTurnResult> {
    switch (next.move) {
      case 'again':
        return this.again(step, next.changes);
      case 'another':
        return this.chooseAnother(step, next.failed, next.message, next.failure);
      default:
        return this.fail(step, next.reason, next.message);
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
    const result = await this.deps.verification.checkCode({ personId: o.personId, purpose: o.purpose, conversationId: conversationIdOf(step), code, requester: requesterOfStep(step) });
    if (result.ok) return this.pass(step, result);
    return this.follow(step, afterCheckFailure(result, this.deps.clock.now()));
  }

  private async pass(step: WaterfallStepContext<LoopOptions>, accepted: CodeAccepted): Promise<DialogTurnResult> {
    const outcome: ChallengeOutcome = {
      passed: true,
      channel: accepted.channel,
      destinationMasked: accepted.destination,
      at: accepted.verifiedAt,
      ...(accepted.provenNumber ? { provenNumber: accepted.provenNumber } : {}),
      ...(step.options.awaitingCallback ? { callback: true } : {}),
    };
    return step.endDialog(outcome);
  }

  private async fail(step: WaterfallStepContext<LoopOptions>, reason: ChallengeFailureReason, message: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(sayMasked(message));
    const outcome: ChallengeOutcome = { passed: false, reason, message };
    return step.endDialog(outcome);
  }

  private again(step: WaterfallStepContext<LoopOptions>, changes: Partial<LoopOptions>): Promise<DialogTurnResult> {
    const next: LoopOptions = { ...step.options, mode: 'code', awaitingCallback: undefined, ...changes };
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
}
