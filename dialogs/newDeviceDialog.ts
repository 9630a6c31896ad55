import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { sureValue, type HelpdeskSlots } from '../src/knowledge/entities';
import type { KnowledgeSteps } from '../src/knowledge/types';
import type { EntryLookup } from './answerMessage';
import { SECURITY_INFO_URL } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import { TOPIC } from './menu';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions } from './prompts';
import { say } from './reply';
import { CONFIRM, confirmOptions, said } from './slots';
import { guidedStepsMessages, requireSteps, STEPS_DONE, STEPS_STUCK } from './steps';

/** Id of the new-device conversation. */
export const NEW_DEVICE_DIALOG = 'newDeviceDialog';
const STEPS = 'newDeviceDialog.steps';

const HAVE_OLD = { yes: 'Yes, I still have it', no: "No, it's lost or broken" } as const;
const SAME_NUMBER = { yes: 'Same number', no: 'New number' } as const;
const METHOD = { app: 'Authenticator app', sms: 'Text message', call: 'Phone call', unsure: "I'm not sure" } as const;
/** Knowledge entry whose steps move the Authenticator app to a new phone. */
export const NEW_PHONE_ENTRY = 'new_phone';

/** Begin options: what the first message already said. */
export interface NewDeviceOptions {
  readonly slots?: Pick<HelpdeskSlots, 'oldPhone' | 'sameNumber' | 'method' | 'device'>;
}

const METHOD_CHOICE = { app: METHOD.app, sms: METHOD.sms, call: METHOD.call } as const;
/** A method as said back in "It sounds like you use …". */
const METHOD_SAID = { app: 'the Authenticator app', sms: 'text messages', call: 'phone calls' } as const;

/** Where the Authenticator backup switch is, by platform. */
const BACKUP_NAME = { iphone: 'On an iPhone the switch is called **iCloud backup**.', android: 'On Android the switch is called **Cloud backup**.' } as const;

/** What the conversation learns, kept in the waterfall's values. */
interface NewDeviceValues {
  /** The method a hedged first message named, while "Is that right?" is asked. */
  confirmingMethod?: keyof typeof METHOD_CHOICE;
  sameNumber?: boolean;
  method?: string;
}

function valuesOf(step: WaterfallStepContext): NewDeviceValues {
  return step.values as NewDeviceValues;
}

/**
 * Moving MFA to a new phone. Same number with text or call: nothing to do. Authenticator:
 * the backup and recovery steps. A new number leads to changing the number; an old phone
 * that is gone leads to the lost-phone conversation.
 */
export class NewDeviceDialog extends HelpdeskDialog {
  private readonly recoverySteps: KnowledgeSteps;

  /** @param lookup finds knowledge entries; the recovery steps come from the `new_phone` entry. */
  constructor(lookup: EntryLookup) {
    super(NEW_DEVICE_DIALOG);
    this.recoverySteps = requireSteps(lookup, NEW_PHONE_ENTRY);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.oldPhoneStep.bind(this),
        this.numberStep.bind(this),
        this.methodStep.bind(this),
        this.adviceStep.bind(this),
        this.helpedStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async oldPhoneStep(step: WaterfallStepContext<NewDeviceOptions>): Promise<DialogTurnResult> {
    const slots = step.options?.slots;
    const oldPhone = sureValue(slots?.oldPhone);
    const method = sureValue(slots?.method);
    // With the same number, texts and calls simply follow the SIM: the old phone does not matter.
    const followsSim = sureValue(slots?.sameNumber) === true && (method === 'sms' || method === 'call');
    if (oldPhone !== undefined || followsSim) return step.next(said(oldPhone === false ? HAVE_OLD.no : HAVE_OLD.yes));
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Do you still have your old phone?', [
        { title: HAVE_OLD.yes, synonyms: ['yes', 'yep', 'i do', 'still have it', 'i still have it'] },
        { title: HAVE_OLD.no, synonyms: ['no', 'lost', 'broken', 'gone', 'stolen', "it's lost"] },
      ]),
    );
  }

  private async numberStep(step: WaterfallStepContext<NewDeviceOptions>): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value === HAVE_OLD.no) {
      await step.context.sendActivity(say("As the old phone is gone, let's treat it as a lost phone first."));
      const outcome: TopicOutcome = { kind: 'redirect', topic: TOPIC.lostDevice };
      return step.endDialog(outcome);
    }
    const slots = step.options?.slots;
    const sameNumber = sureValue(slots?.sameNumber);
    // The Authenticator app moves with its backup, whatever the number.
    if (sameNumber !== undefined || sureValue(slots?.method) === 'app') return step.next(said(sameNumber === false ? SAME_NUMBER.no : SAME_NUMBER.yes));
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Are you keeping the same mobile number on the new phone?', [
        { title: SAME_NUMBER.yes, synonyms: ['same', 'yes', 'keeping it', 'the same'] },
        { title: SAME_NUMBER.no, synonyms: ['new', 'no', 'different', 'different number', 'changed'] },
      ]),
    );
  }

  private async methodStep(step: WaterfallStepContext<NewDeviceOptions>): Promise<DialogTurnResult> {
    const sameNumber = (step.result as FoundChoice).value === SAME_NUMBER.yes;
    const asked = step.options?.slots?.sameNumber !== undefined || sureValue(step.options?.slots?.method) !== 'app';
    if (asked) valuesOf(step).sameNumber = sameNumber;
    if (!sameNumber) {
      await step.context.sendActivity(
        say(
          `With a new number you need to update your MFA details: the number used for MFA is separate from the one in your NHSmail profile, and it must be a UK number. Let's change it now.`,
        ),
      );
      const outcome: TopicOutcome = { kind: 'redirect', topic: TOPIC.changeMethod, options: { change: 'phone_number' } };
      return step.endDialog(outcome);
    }
    const slot = step.options?.slots?.method;
    const method = sureValue(slot);
    if (method) return step.next(said(METHOD_CHOICE[method]));
    if (slot) {
      valuesOf(step).confirmingMethod = slot.value;
      return step.prompt(CHOICE_PROMPT, confirmOptions(`It sounds like you use ${METHOD_SAID[slot.value]}.`));
    }
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('How do you usually confirm it is you when you sign in?', [
        { title: METHOD.app, synonyms: ['app', 'authenticator', 'microsoft authenticator', 'notification', 'approve'] },
        { title: METHOD.sms, synonyms: ['sms', 'text', 'texts'] },
        { title: METHOD.call, synonyms: ['call', 'voice', 'phone'] },
        { title: METHOD.unsure, synonyms: ['not sure', "don't know", 'dunno', 'no idea'] },
      ]),
    );
  }

  private async adviceStep(step: WaterfallStepContext<NewDeviceOptions>): Promise<DialogTurnResult> {
    const answer = (step.result as FoundChoice).value;
    const confirming = valuesOf(step).confirmingMethod;
    // "No, that's not right" after "It sounds like you use …" is treated as not knowing: the page that shows it comes next.
    const method = confirming === undefined ? answer : answer === CONFIRM.yes ? METHOD_CHOICE[confirming] : METHOD.unsure;
    valuesOf(step).method = method;
    if (method === METHOD.sms || method === METHOD.call) {
      await step.context.sendActivity(
        say("Good news: with the same number and codes by text or phone call, there's nothing to do. Your new phone will get the texts or calls straight away."),
      );
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    if (method === METHOD.unsure) {
      await step.context.sendActivity(
        say(
          `You can see your default method on the Security info page: ${SECURITY_INFO_URL}. If it says text or phone call and your number is the same, there's nothing to do. If it's the Authenticator app, move it across like this:`,
        ),
      );
    }
    const device = sureValue(step.options?.slots?.device);
    if (device) await step.context.sendActivity(say(`Here's how to move the Authenticator app to your new phone. ${BACKUP_NAME[device]}`));
    for (const message of guidedStepsMessages(NEW_PHONE_ENTRY, this.recoverySteps, step.context.activity.channelId)) {
      await step.context.sendActivity(message);
    }
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Did that get you set up?', [
        { title: STEPS_DONE, synonyms: ['yes', 'done', 'worked', 'all sorted'] },
        { title: STEPS_STUCK, synonyms: ['no', 'stuck', 'it did not work', 'help'] },
      ]),
    );
  }

  private async helpedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value === STEPS_DONE) {
      await step.context.sendActivity(say("Great. Keep the old phone until the new one works, then you're done."));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    const v = valuesOf(step);
    const outcome: TopicOutcome = {
      kind: 'handoff',
      type: 'new_device',
      summary: 'Moving MFA to a new phone did not work with self-service',
      details: { sameNumber: v.sameNumber ?? null, method: v.method ?? null, selfServiceTried: true },
    };
    return step.endDialog(outcome);
  }
}
