import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { sureValue, type HelpdeskSlots } from '../src/knowledge/entities';
import { HELPDESK_PHONE } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions } from './prompts';
import { say } from './reply';
import { confirmedValue, confirmOptions, said } from './slots';

/** Id of the lost-phone conversation. */
export const LOST_DEVICE_DIALOG = 'lostDeviceDialog';
const STEPS = 'lostDeviceDialog.steps';

const OTHER = { yes: 'Yes', no: 'No', unsure: "I'm not sure" } as const;
const STOLEN = { yes: 'It may have been stolen', no: 'Just lost or broken' } as const;
const WORK = { yes: 'Yes, I can still work', no: "No, I can't work" } as const;
const HELP = { yes: 'Yes, please', no: "No, I'm fine" } as const;

function helpChoices() {
  return [
    { title: HELP.yes, synonyms: ['yes', 'please', 'yes please'] },
    { title: HELP.no, synonyms: ['no', 'no thanks', "i'm fine"] },
  ];
}

/** Begin options: what the first message already said. */
export interface LostDeviceOptions {
  readonly slots?: Pick<HelpdeskSlots, 'otherMethod' | 'stolen'>;
}

interface LostValues {
  /** What a hedged first message said about another method, while "Is that right?" is asked. */
  confirming?: boolean;
  otherMethod?: 'yes' | 'no' | 'unsure';
  mayBeStolen?: boolean;
  canWork?: boolean;
}

function valuesOf(step: WaterfallStepContext): LostValues {
  return step.values as LostValues;
}

/**
 * A lost or broken phone: another registered method gets them in ("Sign in another way"),
 * the local admin must be told, a possibly stolen phone means a password reset, and a person
 * can remove the lost phone from the account.
 */
export class LostDeviceDialog extends HelpdeskDialog {
  constructor() {
    super(LOST_DEVICE_DIALOG);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.otherMethodStep.bind(this),
        this.stolenStep.bind(this),
        this.adviceStep.bind(this),
        this.canWorkStep.bind(this),
        this.finishStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async otherMethodStep(step: WaterfallStepContext<LostDeviceOptions>): Promise<DialogTurnResult> {
    await step.context.sendActivity(say("Sorry to hear that. Let's get you back in safely."));
    const slot = step.options?.slots?.otherMethod;
    const other = sureValue(slot);
    if (other !== undefined) return step.next(said(other ? OTHER.yes : OTHER.no));
    if (slot) {
      valuesOf(step).confirming = slot.value;
      const statement = slot.value ? 'It sounds like you have another sign-in method registered.' : "It sounds like you don't have another sign-in method registered.";
      return step.prompt(CHOICE_PROMPT, confirmOptions(statement));
    }
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions(
        'Do you have another sign-in method registered, such as a second mobile number, an office phone, or the Authenticator app on another device?',
        [OTHER.yes, OTHER.no, { title: OTHER.unsure, synonyms: ['not sure', "don't know", 'maybe'] }],
      ),
    );
  }

  private async stolenStep(step: WaterfallStepContext<LostDeviceOptions>): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const choice = (step.result as FoundChoice).value;
    if (v.confirming !== undefined) v.otherMethod = confirmedValue(step.result as FoundChoice, v.confirming) ? 'yes' : 'no';
    else v.otherMethod = choice === OTHER.yes ? 'yes' : choice === OTHER.no ? 'no' : 'unsure';
    const stolen = sureValue(step.options?.slots?.stolen);
    if (stolen !== undefined) return step.next(said(stolen ? STOLEN.yes : STOLEN.no));
    return step.prompt(CHOICE_PROMPT, choiceOptions('Could the phone have been stolen?', [{ title: STOLEN.yes, synonyms: ['stolen', 'yes'] }, { title: STOLEN.no, synonyms: ['lost', 'broken', 'no'] }]));
  }

  private async adviceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    v.mayBeStolen = (step.result as FoundChoice).value === STOLEN.yes;
    const lines: string[] = [];
    if (v.otherMethod !== 'no') {
      lines.push(
        'At the MFA prompt, choose **Sign in another way** and pick your other method. That gets you in without the lost phone.',
      );
    }
    if (v.mayBeStolen) {
      lines.push('As the phone may have been stolen, **reset your NHSmail password now**, so nobody who has it can use your account.');
    }
    lines.push('Please **tell your local administrator** that the phone is missing.');
    lines.push('Once you are back in, register a second method (another number, or the Authenticator app on another device) so this never locks you out.');
    await step.context.sendActivity(say(lines.join('\n\n')));
    if (v.otherMethod === 'yes') {
      return step.prompt(CHOICE_PROMPT, choiceOptions('Would you like the helpdesk to remove the lost phone from your account?', helpChoices()));
    }
    await step.context.sendActivity(
      say(`Without another method, a person has to reset your MFA: your local administrator, or the helpdesk on ${HELPDESK_PHONE}.`),
    );
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Can you still do your work in the meantime?', [
        { title: WORK.yes, synonyms: ['yes', 'i can', 'still work'] },
        { title: WORK.no, synonyms: ['no', "i can't", 'cannot work', "can't work"] },
      ]),
    );
  }

  private async canWorkStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const choice = (step.result as FoundChoice).value;
    if (v.otherMethod === 'yes') return this.finishStep(step);
    v.canWork = choice === WORK.yes;
    return step.prompt(CHOICE_PROMPT, choiceOptions('Shall I ask the helpdesk to take it from here?', helpChoices()));
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    if ((step.result as FoundChoice).value === HELP.no) {
      await step.context.sendActivity(say(`OK. If you change your mind, just say "talk to a person", or call the helpdesk on ${HELPDESK_PHONE}.`));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    const otherMethodAvailable = v.otherMethod === 'yes';
    return step.endDialog({
      kind: 'handoff',
      type: 'lost_device',
      summary: otherMethodAvailable ? 'Lost phone; another method is registered' : 'Lost phone; no other method registered',
      details: {
        otherMethodAvailable,
        otherMethodUnsure: v.otherMethod === 'unsure',
        mayBeStolen: v.mayBeStolen ?? false,
        canWork: v.canWork ?? true,
      },
    } satisfies TopicOutcome);
  }
}
