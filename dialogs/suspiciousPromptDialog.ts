import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { sureValue, type HelpdeskSlots } from '../src/knowledge/entities';
import { HELPDESK_PHONE } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions } from './prompts';
import { say } from './reply';
import { confirmedValue, confirmOptions, said } from './slots';

/** Id of the suspicious-prompts conversation. */
export const SUSPICIOUS_PROMPT_DIALOG = 'suspiciousPromptDialog';
const STEPS = 'suspiciousPromptDialog.steps';

/** Said first, before any question: the one thing that matters most. */
export const NEVER_APPROVE_TEXT =
  "**Don't approve any sign-in request you didn't start yourself.** Requests you didn't ask for mean someone else is trying to get into your account with your password.";

const APPROVED = { yes: 'Yes, I approved one', no: 'No, none', unsure: "I'm not sure" } as const;
const COUNT = { one: 'Just one', few: '2 to 5', many: 'More than 5' } as const;

/** The lower bound of each answer to "roughly how many requests?". */
export const PROMPT_COUNT_LOWER_BOUND: Readonly<Record<string, number>> = { [COUNT.one]: 1, [COUNT.few]: 2, [COUNT.many]: 6 };

/** Begin options: what the first message already said. */
export interface SuspiciousPromptOptions {
  readonly slots?: Pick<HelpdeskSlots, 'approved' | 'promptCount'>;
}

/** The count answer that a rough number of prompts falls in. */
function countChoice(count: number): string {
  return count <= 1 ? COUNT.one : count <= 5 ? COUNT.few : COUNT.many;
}
const RESET = { yes: 'Yes, already done', no: 'Not yet' } as const;
const ALERT = { yes: 'Yes, alert them', no: 'No thanks' } as const;

interface SuspiciousValues {
  /** What a hedged first message said about approving, while "Is that right?" is asked. */
  confirming?: boolean;
  anyApproved?: 'yes' | 'no' | 'unsure';
  promptCount?: string;
  passwordReset?: boolean;
}

function valuesOf(step: WaterfallStepContext): SuspiciousValues {
  return step.values as SuspiciousValues;
}

/**
 * Approval prompts the person did not start: never approve, find out whether any was
 * approved, get the password reset, and offer to alert the security team.
 */
export class SuspiciousPromptDialog extends HelpdeskDialog {
  constructor() {
    super(SUSPICIOUS_PROMPT_DIALOG);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.approvedStep.bind(this),
        this.countStep.bind(this),
        this.resetStep.bind(this),
        this.alertStep.bind(this),
        this.finishStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async approvedStep(step: WaterfallStepContext<SuspiciousPromptOptions>): Promise<DialogTurnResult> {
    await step.context.sendActivity(say(NEVER_APPROVE_TEXT));
    const slot = step.options?.slots?.approved;
    const approved = sureValue(slot);
    if (approved !== undefined) return step.next(said(approved ? APPROVED.yes : APPROVED.no));
    if (slot) {
      valuesOf(step).confirming = slot.value;
      return step.prompt(CHOICE_PROMPT, confirmOptions(slot.value ? 'It sounds like you may have approved one of them.' : "It sounds like you didn't approve any of them."));
    }
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Did you approve any of them?', [
        { title: APPROVED.yes, synonyms: ['yes', 'i did', 'approved'] },
        { title: APPROVED.no, synonyms: ['no', 'none', 'no i did not'] },
        { title: APPROVED.unsure, synonyms: ['not sure', "don't know", 'maybe'] },
      ]),
    );
  }

  private async countStep(step: WaterfallStepContext<SuspiciousPromptOptions>): Promise<DialogTurnResult> {
    const choice = (step.result as FoundChoice).value;
    const v = valuesOf(step);
    if (v.confirming !== undefined) v.anyApproved = confirmedValue(step.result as FoundChoice, v.confirming) ? 'yes' : 'no';
    else v.anyApproved = choice === APPROVED.yes ? 'yes' : choice === APPROVED.no ? 'no' : 'unsure';
    if (v.anyApproved !== 'no') {
      await step.context.sendActivity(
        say('That may have let someone in, so please act now: change your NHSmail password straight away, then let me raise the alarm.'),
      );
    }
    const count = sureValue(step.options?.slots?.promptCount);
    if (count !== undefined) return step.next(said(countChoice(count)));
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Roughly how many requests did you get?', [
        { title: COUNT.one, synonyms: ['one', '1 only', 'a single one'] },
        { title: COUNT.few, synonyms: ['a few', 'some', 'several'] },
        { title: COUNT.many, synonyms: ['lots', 'loads', 'many', 'dozens'] },
      ]),
    );
  }

  private async resetStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    valuesOf(step).promptCount = (step.result as FoundChoice).value;
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Have you reset your password since the requests started?', [
        { title: RESET.yes, synonyms: ['yes', 'done', 'already'] },
        { title: RESET.no, synonyms: ['no', 'not yet'] },
      ]),
    );
  }

  private async alertStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    v.passwordReset = (step.result as FoundChoice).value === RESET.yes;
    if (!v.passwordReset) {
      await step.context.sendActivity(say('Please reset or change your password as soon as we finish: it stops whoever has it from trying again.'));
    }
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Shall I alert the security team so they can check your account?', [
        { title: ALERT.yes, synonyms: ['yes', 'alert', 'please'] },
        { title: ALERT.no, synonyms: ['no'] },
      ]),
    );
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    if ((step.result as FoundChoice).value === ALERT.no) {
      await step.context.sendActivity(
        say(`OK. Please still let your local administrator or cyber security team know, or call the helpdesk on ${HELPDESK_PHONE}: your account may be under attack.`),
      );
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    return step.endDialog({
      kind: 'handoff',
      type: 'suspicious_prompt',
      summary: v.anyApproved === 'no' ? 'MFA prompts the person did not start; none approved' : 'MFA prompts the person did not start; one may have been approved',
      details: {
        anyApproved: v.anyApproved === 'yes',
        approvalUnsure: v.anyApproved === 'unsure',
        promptCount: v.promptCount ?? null,
        passwordReset: v.passwordReset ?? false,
      },
    } satisfies TopicOutcome);
  }
}
