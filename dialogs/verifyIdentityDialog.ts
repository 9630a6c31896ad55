import { ActivityTypes } from 'botbuilder';
import {
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { recognizeCommand } from '../src/knowledge/commands';
import { parseIdentifier } from '../src/knowledge/identifiers';
import { verificationMessage } from '../src/verification/messages';
import { laneOf } from '../src/verification/requester';
import { sameNumberMethods, type Person, type PhoneMethod } from '../src/directory/directory';
import type { VerifiedIdentity } from '../src/verification/sessions';
import { CODE_CHALLENGE_DIALOG, CodeChallengeDialog } from './codeChallengeDialog';
import { conversationIdOf, findBy, requesterOfStep, sayMasked, type ChallengeOutcome, type CodeChallengeOptions, type CodeOffer, type PersonKey } from './codeChallenge';
import { HelpdeskDialog } from './helpdeskDialog';
import { lostPhoneChoices, lostPhoneOptions, type LostPhoneChoice } from './lostPhoneQuestion';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, limitAttempts, textOptions } from './prompts';
import { say } from './reply';
import {
  MAX_UNKNOWN_LOOKUPS,
  NO_CODE_FOR_ACCOUNT,
  NO_CODE_TRY_AGAIN,
  PERSON_INSTEAD,
  fromChallenge,
  identifierValidator,
  knownPerson,
  noCodeReason,
  notVerified,
  offersFor,
  whoQuestion,
  type NotVerified,
  type NotVerifiedReason,
  type VerifyIdentityDeps,
  type VerifyIdentityOptions,
} from './verifyIdentity';

/** Id of the identity check conversation. */
export const VERIFY_IDENTITY_DIALOG = 'verifyIdentityDialog';
const STEPS = 'verifyIdentityDialog.steps';
const WHO = 'verifyIdentityDialog.who';
const WHO_PROMPT = 'verifyIdentityDialog.whoPrompt';

interface WhoOptions {
  readonly tries?: number;
  readonly question?: string;
  /** Numbers not to use (from the check's options). */
  readonly excludeMethods?: readonly PhoneMethod[];
  /** One of the numbers is on a lost phone (from the check's options). */
  readonly askLostPhone?: boolean;
  /** The last identifier typed, lower case: typing it again ends the check. */
  readonly last?: string;
  /** An account found earlier that cannot get a code, for the result (never shown). */
  readonly flagged?: { readonly reason: 'guest' | 'compromised' | 'no_phone_method'; readonly personId: string; readonly email: string; readonly claimed: string };
}

/** The person found and how, returned by the lookup loop within the same turn (never stored). */
type Found = { readonly found: true; readonly who: PersonKey; readonly person: Person };

interface VerifyValues {
  standalone?: boolean;
  personId?: string;
  email?: string;
  displayName?: string;
  staffId?: string;
  /** What the person typed to be found (not set for a Teams account). */
  claimed?: string;
  /** How the person was found and their Entra object id, while "which phone is lost?" is asked. */
  who?: PersonKey;
  objectId?: string;
  /** The numbers offered as the lost phone, while the question is asked. */
  lostChoices?: LostPhoneChoice[];
  /** The phone the person lost (`askLostPhone`): never a destination. */
  lostMethod?: PhoneMethod;
}

function valuesOf(step: WaterfallStepContext): VerifyValues {
  return step.values as VerifyValues;
}

/**
 * Proves who the user is with a one-time code sent to a number the directory already holds.
 * In Teams the person is found from their Entra object id; elsewhere from their NHSmail
 * address or staff id (keyed in on the phone line), within the conversation's lookup limit.
 * Only the person's registered phone methods are offered, masked; a number typed in the
 * conversation is refused. A success is remembered for the conversation for 15 minutes and
 * reused without a new code. Ends with a {@link VerifyIdentityResult}.
 */
export class VerifyIdentityDialog extends HelpdeskDialog {
  constructor(private readonly deps: VerifyIdentityDeps) {
    super(VERIFY_IDENTITY_DIALOG);
    this.addDialog(new TextPrompt(WHO_PROMPT, limitAttempts(identifierValidator)));
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new CodeChallengeDialog(deps));
    this.addDialog(
      new WaterfallDialog(STEPS, [this.startStep.bind(this), this.personStep.bind(this), this.lostPhoneStep.bind(this), this.finishStep.bind(this)]),
    );
    this.addDialog(new WaterfallDialog(WHO, [this.askWhoStep.bind(this), this.lookupStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Turns a "cancel" into a `cancelled` result, so the caller learns why the check ended. */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const activity = innerDc.context.activity;
    const cancelling = activity.type === ActivityTypes.Message && recognizeCommand(activity.text, ['anywhere']) === 'cancel';
    const known = knownPerson(innerDc.stack);
    const result = await super.onContinueDialog(innerDc);
    if (cancelling && result.status === DialogTurnStatus.cancelled) {
      return { status: DialogTurnStatus.complete, result: notVerified('cancelled', "You've stopped the identity check.", known) };
    }
    return result;
  }

  /** Ends unverified with `person_requested`; the caller hands over to a person. */
  protected override async onTalkToPerson(innerDc: DialogContext): Promise<DialogTurnResult> {
    const known = knownPerson(innerDc.stack);
    await innerDc.cancelAllDialogs();
    const message = `OK, I've stopped the identity check. ${PERSON_INSTEAD}`;
    await innerDc.context.sendActivity(say(message));
    return { status: DialogTurnStatus.complete, result: notVerified('person_requested', message, known) };
  }

  private async startStep(step: WaterfallStepContext<VerifyIdentityOptions>): Promise<DialogTurnResult> {
    const options = step.options ?? {};
    valuesOf(step).standalone = options.standalone === true;
    const activity = step.context.activity;
    // A recent proof is reused, unless some numbers are ruled out (a lost phone): it may have been made with one of them.
    const recalled = options.excludeMethods?.length || options.askLostPhone ? undefined : await this.deps.sessions.recall(conversationIdOf(step), activity.from?.id);
    if (recalled) {
      await step.context.sendActivity(say("You're already verified in this conversation, so I don't need to send you another code."));
      return step.endDialog(recalled);
    }
    await step.context.sendActivity(
      say(`I need to check it's you${options.purpose ? ` ${options.purpose}` : ''}. I'll send a code to a phone number that's already on your record.`),
    );
    const objectId = activity.channelId === 'msteams' ? activity.from?.aadObjectId : undefined;
    const rules: WhoOptions = { excludeMethods: options.excludeMethods, askLostPhone: options.askLostPhone };
    if (objectId) {
      const who: PersonKey = { by: 'objectId', value: objectId };
      const allowed = await this.deps.lookups.check(conversationIdOf(step), objectId);
      if (!allowed.ok) return this.fail(step, 'lookup_limit', verificationMessage(allowed, { now: this.deps.clock.now() }));
      const person = await findBy(this.deps.directory, who);
      if (person) return step.next({ found: true, who, person } satisfies Found);
      const question = "I couldn't match your Teams account to our directory. What's your NHSmail email address? You can type your staff ID instead.";
      return step.beginDialog(WHO, { ...rules, question } satisfies WhoOptions);
    }
    return step.beginDialog(WHO, rules);
  }

  private async personStep(step: WaterfallStepContext<VerifyIdentityOptions>): Promise<DialogTurnResult> {
    const found = step.result as Found | NotVerified | undefined;
    if (!found || !('found' in found)) return step.endDialog(found);
    const { person, who } = found;
    const v = Object.assign(valuesOf(step), { personId: person.id, email: person.email, displayName: person.displayName, staffId: person.staffId });
    if (who.by !== 'objectId') v.claimed = who.value;
    // Guest and compromised accounts get the reply that every other account without a code gets.
    const options = step.options ?? {};
    const offers = offersFor(person, step.context.activity.channelId === 'voice');
    if (options.askLostPhone && !person.guest && !person.compromised) {
      const choices = lostPhoneChoices(person, offers);
      if (choices.length > 1) {
        Object.assign(v, { who, objectId: person.objectId, lostChoices: choices });
        return step.prompt(CHOICE_PROMPT, lostPhoneOptions(choices));
      }
      v.lostMethod = choices[0]?.method; // the only number on record is on the lost phone
    }
    const excluded = [...(options.excludeMethods ?? []), ...(v.lostMethod ? sameNumberMethods(person, v.lostMethod) : [])];
    const noCode = noCodeReason(person, excluded);
    if (noCode) return this.fail(step, noCode, NO_CODE_FOR_ACCOUNT);
    return this.challenge(step, who, person, offers.filter((o) => o.method === undefined || !excluded.includes(o.method)));
  }

  /** The answer to "which phone is lost?": the code goes to any other number. Passes a challenge's outcome on. */
  private async lostPhoneStep(step: WaterfallStepContext<VerifyIdentityOptions>): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    if (!v.lostChoices || !v.who) return step.next(step.result);
    const chosen = v.lostChoices[(step.result as FoundChoice).index] ?? v.lostChoices[0];
    Object.assign(v, { lostMethod: chosen.method, lostChoices: undefined });
    return this.challenge(step, v.who, { id: v.personId ?? '', objectId: v.objectId }, [...chosen.offers]);
  }

  /** Sends the code with the person's offers, unless too many wrong codes locked them out. */
  private async challenge(step: WaterfallStepContext, who: PersonKey, person: Pick<Person, 'id' | 'objectId'>, offers: CodeOffer[]): Promise<DialogTurnResult> {
    const requester = requesterOfStep(step);
    const lockedUntil = await this.deps.verification.lockedOutUntil(person.id, laneOf(person, requester), requester);
    if (lockedUntil !== undefined) {
      return this.fail(step, 'locked_out', verificationMessage({ ok: false, reason: 'locked_out', retryAt: lockedUntil }, { now: this.deps.clock.now() }));
    }
    const challenge: CodeChallengeOptions = { purpose: 'identity', who, personId: person.id, offers, question: 'How should I send your code?' };
    return step.beginDialog(CODE_CHALLENGE_DIALOG, challenge);
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const outcome = step.result as ChallengeOutcome;
    const v = valuesOf(step);
    if (!outcome.passed) return step.endDialog(notVerified(fromChallenge(outcome.reason), outcome.message, v));
    const identity: VerifiedIdentity = {
      verified: true,
      personId: v.personId ?? '',
      email: v.email ?? '',
      displayName: v.displayName ?? '',
      staffId: v.staffId ?? '',
      method: outcome.callback ? 'callback' : outcome.channel,
      destinationMasked: outcome.destinationMasked,
      at: new Date(outcome.at).toISOString(),
    };
    await this.deps.sessions.remember(conversationIdOf(step), identity, step.context.activity.from?.id);
    const thanks = outcome.callback
      ? `Thanks, ${identity.displayName}: you pressed hash on the number on your record, so you've confirmed it's you.`
      : `Thanks, ${identity.displayName}, that's the right code: you've confirmed it's you.`;
    const more = v.standalone ? " You'll stay verified in this conversation for 15 minutes, so I won't need another code if you ask me to change something." : '';
    await step.context.sendActivity(say(`${thanks}${more}`));
    return step.endDialog(v.lostMethod ? { ...identity, lostMethod: v.lostMethod } : identity);
  }

  private async askWhoStep(step: WaterfallStepContext<WhoOptions>): Promise<DialogTurnResult> {
    return step.prompt(WHO_PROMPT, textOptions(step.options?.question ?? whoQuestion(step.context.activity.channelId)));
  }

  private async lookupStep(step: WaterfallStepContext<WhoOptions>): Promise<DialogTurnResult> {
    const who = parseIdentifier(typeof step.result === 'string' ? step.result : undefined);
    if (!who) return step.replaceDialog(WHO, step.options);
    const allowed = await this.deps.lookups.check(conversationIdOf(step), who.value);
    if (!allowed.ok) return this.fail(step, 'lookup_limit', verificationMessage(allowed, { now: this.deps.clock.now() }));
    const person = await findBy(this.deps.directory, who);
    const o = step.options ?? {};
    const reason = person ? noCodeReason(person, o.excludeMethods ?? [], o.askLostPhone) : undefined;
    if (person && !reason) return step.endDialog({ found: true, who, person } satisfies Found);
    // From here on, an unknown account and one that cannot get a code (guest, compromised, no
    // phone) get the same replies and the same number of tries: nothing tells them apart.
    const typed = who.value.toLowerCase();
    const flagged = person && reason ? { reason, personId: person.id, email: person.email, claimed: who.value } : o.flagged;
    const tries = (o.tries ?? 0) + 1;
    if (tries >= MAX_UNKNOWN_LOOKUPS || typed === o.last) {
      await step.context.sendActivity(sayMasked(NO_CODE_FOR_ACCOUNT));
      return step.endDialog(notVerified(flagged?.reason ?? 'lookup_limit', NO_CODE_FOR_ACCOUNT, flagged ?? { claimed: who.value }));
    }
    const question = `${NO_CODE_TRY_AGAIN} ${whoQuestion(step.context.activity.channelId)}`;
    return step.replaceDialog(WHO, { ...o, tries, question, last: typed, flagged } satisfies WhoOptions);
  }

  private async fail(step: WaterfallStepContext, reason: NotVerifiedReason, message: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(sayMasked(message));
    return step.endDialog(notVerified(reason, message, valuesOf(step)));
  }
}
