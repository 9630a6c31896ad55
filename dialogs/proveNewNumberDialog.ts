import { ActivityTypes } from 'botbuilder';
import { DialogTurnStatus, WaterfallDialog, type DialogContext, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Clock } from '../src/clock';
import type { Directory } from '../src/directory/directory';
import { recognizeCommand } from '../src/knowledge/commands';
import { redactPhone } from '../src/logger';
import type { LookupLimiter } from '../src/verification/lookupLimiter';
import { verificationMessage } from '../src/verification/messages';
import { normaliseUkMobile } from '../src/verification/phoneNumbers';
import type { VerificationSessions } from '../src/verification/sessions';
import type { Channel } from '../src/verification/types';
import type { VerificationService } from '../src/verification/verificationService';
import { CODE_CHALLENGE_DIALOG, CodeChallengeDialog } from './codeChallengeDialog';
import {
  conversationIdOf,
  sayMasked,
  type ChallengeFailureReason,
  type ChallengeOutcome,
  type CodeChallengeOptions,
  type CodeOffer,
} from './codeChallenge';
import { HelpdeskDialog } from './helpdeskDialog';
import { say } from './reply';

/** Id of the conversation that proves the user holds a new phone number. */
export const PROVE_NEW_NUMBER_DIALOG = 'proveNewNumberDialog';
const STEPS = 'proveNewNumberDialog.steps';

/** Services the new-number check needs (the same as the identity check's). */
export interface ProveNewNumberDeps {
  readonly directory: Directory;
  readonly verification: VerificationService;
  readonly lookups: LookupLimiter;
  readonly sessions: VerificationSessions;
  readonly clock: Clock;
}

/** Begin options of {@link ProveNewNumberDialog}. */
export interface ProveNewNumberOptions {
  /** The new number in E.164, already checked as a UK number by the caller. */
  readonly newNumber: string;
}

/** Why possession of the new number was not proven. */
export type NotProvenReason = ChallengeFailureReason | 'cancelled' | 'person_requested';

/** How {@link ProveNewNumberDialog} ended. On failure the user has been told `message` already. */
export type ProveNewNumberResult =
  | {
      readonly proven: true;
      /** The proven number in E.164, for the caller to register. */
      readonly numberE164: string;
      readonly method: Channel;
      readonly destinationMasked: string;
      /** When the code was accepted (ISO 8601). */
      readonly at: string;
    }
  | { readonly proven: false; readonly reason: NotProvenReason; readonly message: string };

/** The ways of sending a code to the new number: a text first, a call on request. */
export function newNumberOffers(numberE164: string): CodeOffer[] {
  const masked = redactPhone(numberE164);
  const place = `new number ending ${masked.slice(3)}`;
  return [
    { channel: 'sms', masked, place, title: `Text to ${place}` },
    { channel: 'voice', masked, place, title: `Call to ${place}` },
  ];
}

/**
 * Proves that the user holds a new phone number by a code sent to it. It runs only after
 * `VerifyIdentityDialog` succeeded in the same conversation (the remembered proof), and the
 * verification service checks that again before it sends. The same limits apply as for
 * identity codes. Ends with a {@link ProveNewNumberResult}.
 */
export class ProveNewNumberDialog extends HelpdeskDialog {
  constructor(private readonly deps: ProveNewNumberDeps) {
    super(PROVE_NEW_NUMBER_DIALOG);
    this.addDialog(new CodeChallengeDialog(deps));
    this.addDialog(new WaterfallDialog(STEPS, [this.startStep.bind(this), this.finishStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /** Turns a "cancel" into a `cancelled` result. */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const activity = innerDc.context.activity;
    const cancelling = activity.type === ActivityTypes.Message && recognizeCommand(activity.text, ['anywhere']) === 'cancel';
    const result = await super.onContinueDialog(innerDc);
    if (cancelling && result.status === DialogTurnStatus.cancelled) {
      return { status: DialogTurnStatus.complete, result: notProven('cancelled', "You've stopped checking the new number.") };
    }
    return result;
  }

  /** Ends unproven with `person_requested`; the caller hands over to a person. */
  protected override async onTalkToPerson(innerDc: DialogContext): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    const message = "OK, I've stopped checking the new number. A person at the helpdesk will help you instead.";
    await innerDc.context.sendActivity(say(message));
    return { status: DialogTurnStatus.complete, result: notProven('person_requested', message) };
  }

  private async startStep(step: WaterfallStepContext<ProveNewNumberOptions>): Promise<DialogTurnResult> {
    const now = this.deps.clock.now();
    const identity = await this.deps.sessions.recall(conversationIdOf(step), step.context.activity.from?.id);
    if (!identity) return this.fail(step, 'identity_not_proven', verificationMessage({ ok: false, reason: 'identity_not_proven' }, { now }));
    const numberE164 = normaliseUkMobile(step.options?.newNumber ?? '');
    if (!numberE164) return this.fail(step, 'invalid_number', verificationMessage({ ok: false, reason: 'invalid_number' }, { now }));
    const challenge: CodeChallengeOptions = {
      purpose: 'new_number',
      who: { by: 'email', value: identity.email },
      personId: identity.personId,
      offers: newNumberOffers(numberE164),
      newNumber: numberE164,
      start: 0,
    };
    await step.context.sendActivity(sayMasked(`Next I'll check that the new number ending ${redactPhone(numberE164).slice(3)} is yours.`));
    return step.beginDialog(CODE_CHALLENGE_DIALOG, challenge);
  }

  private async finishStep(step: WaterfallStepContext<ProveNewNumberOptions>): Promise<DialogTurnResult> {
    const outcome = step.result as ChallengeOutcome;
    if (!outcome.passed) return step.endDialog(notProven(outcome.reason, outcome.message));
    const numberE164 = outcome.provenNumber ?? normaliseUkMobile(step.options?.newNumber ?? '') ?? '';
    const result: ProveNewNumberResult = {
      proven: true,
      numberE164,
      method: outcome.channel,
      destinationMasked: outcome.destinationMasked,
      at: new Date(outcome.at).toISOString(),
    };
    await step.context.sendActivity(sayMasked(`Thanks, that's the right code: the new number ending ${outcome.destinationMasked.slice(3)} is yours.`));
    return step.endDialog(result);
  }

  private async fail(step: WaterfallStepContext, reason: NotProvenReason, message: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(sayMasked(message));
    return step.endDialog(notProven(reason, message));
  }
}

function notProven(reason: NotProvenReason, message: string): ProveNewNumberResult {
  return { proven: false, reason, message };
}
