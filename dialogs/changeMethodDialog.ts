import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { checkUkNumber, type UkNumberCheck } from '../src/directory/phoneNumbers';
import type { KnowledgeSteps } from '../src/knowledge/types';
import type { EntryLookup } from './answerMessage';
import { SECURITY_INFO_URL } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions, limitAttempts, textOptions } from './prompts';
import { say } from './reply';
import { guidedStepsMessages, requireSteps, STEPS_DONE, STEPS_STUCK } from './steps';

/** Id of the change-method conversation. */
export const CHANGE_METHOD_DIALOG = 'changeMethodDialog';
const STEPS = 'changeMethodDialog.steps';
const NUMBER_PROMPT = 'changeMethodDialog.numberPrompt';

/** How many unreadable numbers are accepted before a person is offered. */
export const MAX_NUMBER_TRIES = 3;

const WHAT = { defaultMethod: 'My default sign-in method', number: 'My phone number' } as const;
/** Knowledge entry whose steps change the default method. */
export const CHANGE_DEFAULT_ENTRY = 'change_default_method';
const LANDLINE = { yes: 'Yes, calls only', no: 'No, another number' } as const;
const NEXT = { self: "I'll do it myself", help: 'Ask the helpdesk to do it' } as const;
const GIVE_UP = { person: 'Yes, please', stop: 'No thanks' } as const;

/** Begin options: skip the first question when it is already known what is to change. */
export interface ChangeMethodOptions {
  readonly change?: 'default_method' | 'phone_number';
}

interface ChangeValues {
  change?: 'default_method' | 'phone_number';
  newNumber?: UkNumberCheck;
}

function valuesOf(step: WaterfallStepContext): ChangeValues {
  return step.values as ChangeValues;
}

function updateChoice() {
  return choiceOptions('How would you like to update it?', [
    { title: NEXT.self, synonyms: ['myself', 'me', 'self', 'i will', 'by myself'] },
    { title: NEXT.help, synonyms: ['helpdesk', 'help', 'do it for me', 'you do it', 'the helpdesk'] },
  ]);
}

/** The message for a number that cannot be used, ending with the question asked again. */
export function numberProblemMessage(check: UkNumberCheck): string {
  if (check.ok) return '';
  switch (check.reason) {
    case 'empty':
      return "I didn't get a number. Please type your new UK mobile number, for example 07700 900123.";
    case 'not_uk':
      return `${check.national ?? 'That number'} is not a UK number. Only UK phone numbers can be used for MFA on NHSmail; numbers registered outside the UK aren't allowed. Please type a UK number.`;
    case 'unsupported_type':
      return `${check.national ?? 'That number'} can't be used for MFA: it isn't a personal mobile or landline. Please type a UK mobile number.`;
    default:
      return "That doesn't look like a phone number. Please type a UK mobile number using digits only, for example 07700 900123.";
  }
}

/**
 * Changing MFA: either the default sign-in method (the four steps on the Security info page)
 * or the phone number, which must be a UK number; a landline works for calls only.
 */
export class ChangeMethodDialog extends HelpdeskDialog {
  private readonly defaultMethodSteps: KnowledgeSteps;

  /** @param lookup finds knowledge entries; the four steps come from the `change_default_method` entry. */
  constructor(lookup: EntryLookup) {
    super(CHANGE_METHOD_DIALOG);
    this.defaultMethodSteps = requireSteps(lookup, CHANGE_DEFAULT_ENTRY);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new TextPrompt(NUMBER_PROMPT, limitAttempts(this.numberValidator.bind(this))));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.whatStep.bind(this),
        this.branchStep.bind(this),
        this.numberCheckedStep.bind(this),
        this.nextStep.bind(this),
        this.finishStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private async whatStep(step: WaterfallStepContext<ChangeMethodOptions>): Promise<DialogTurnResult> {
    const preset = step.options?.change;
    if (preset) {
      const skip: FoundChoice = preset === 'phone_number' ? { value: WHAT.number, index: 1, score: 1 } : { value: WHAT.defaultMethod, index: 0, score: 1 };
      return step.next(skip);
    }
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('What would you like to change?', [
        { title: WHAT.defaultMethod, synonyms: ['default', 'method', 'default method', 'preferred method', 'sign-in method'] },
        { title: WHAT.number, synonyms: ['number', 'phone number', 'mobile number', 'new number'] },
      ]),
    );
  }

  private async branchStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as FoundChoice).value === WHAT.defaultMethod) {
      valuesOf(step).change = 'default_method';
      for (const message of guidedStepsMessages(CHANGE_DEFAULT_ENTRY, this.defaultMethodSteps, step.context.activity.channelId)) {
        await step.context.sendActivity(message);
      }
      await step.context.sendActivity(
        say('Before you remove a method, make sure another one (such as text or phone call) is set up, or you could lock yourself out.'),
      );
      return step.prompt(
        CHOICE_PROMPT,
        choiceOptions('Did that work?', [
          { title: STEPS_DONE, synonyms: ['yes', 'done', 'worked'] },
          { title: STEPS_STUCK, synonyms: ['no', 'stuck', 'help'] },
        ]),
      );
    }
    valuesOf(step).change = 'phone_number';
    return step.prompt(NUMBER_PROMPT, textOptions('What is your new mobile number? It must be a UK number.'));
  }

  /** Accepts a usable UK number; explains the problem otherwise, and lets the step decide after the last try. */
  private async numberValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const check = checkUkNumber(prompt.recognized.value);
    if (check.ok) return true;
    if (prompt.attemptCount >= MAX_NUMBER_TRIES) return true;
    await prompt.context.sendActivity(say(numberProblemMessage(check)));
    return false;
  }

  private async numberCheckedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    if (v.change === 'default_method') {
      if ((step.result as FoundChoice).value === STEPS_DONE) {
        await step.context.sendActivity(say('Great, your new default method is in place.'));
        return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
      }
      return step.endDialog({
        kind: 'handoff',
        type: 'change_method',
        summary: 'Could not change the default MFA method with self-service',
        details: { change: 'default_method', selfServiceTried: true },
      } satisfies TopicOutcome);
    }
    const check = checkUkNumber(typeof step.result === 'string' ? step.result : undefined);
    if (!check.ok) {
      await step.context.sendActivity(say(`I still couldn't use that number after ${MAX_NUMBER_TRIES} tries.`));
      return step.prompt(
        CHOICE_PROMPT,
        choiceOptions('Would you like a person from the helpdesk to help?', [
          { title: GIVE_UP.person, synonyms: ['yes', 'person', 'human', 'helpdesk'] },
          { title: GIVE_UP.stop, synonyms: ['no', 'no thanks'] },
        ]),
      );
    }
    v.newNumber = check;
    if (check.kind === 'landline') {
      return step.prompt(
        CHOICE_PROMPT,
        choiceOptions(`${check.national} is a landline. It can take MFA phone calls but not text messages. Use it for calls only?`, [
          { title: LANDLINE.yes, synonyms: ['yes', 'calls only', 'ok'] },
          { title: LANDLINE.no, synonyms: ['no', 'another', 'another number', 'different number'] },
        ]),
      );
    }
    await step.context.sendActivity(say(`Thanks, I've got **${check.national}**, a UK mobile.`));
    return step.prompt(CHOICE_PROMPT, updateChoice());
  }

  private async nextStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = (step.result as FoundChoice).value;
    if (choice === GIVE_UP.person) {
      return step.endDialog({
        kind: 'handoff',
        type: 'change_method',
        summary: 'Wants to change the MFA phone number; the new number could not be read',
        details: { change: 'phone_number', numberTries: MAX_NUMBER_TRIES },
      } satisfies TopicOutcome);
    }
    if (choice === GIVE_UP.stop) {
      await step.context.sendActivity(say(`No problem. You can change it yourself any time on the Security info page: ${SECURITY_INFO_URL}`));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    if (choice === LANDLINE.no) {
      return step.replaceDialog(STEPS, { change: 'phone_number' } satisfies ChangeMethodOptions);
    }
    if (choice === LANDLINE.yes) {
      await step.context.sendActivity(say("OK, that number will be for phone calls only. Choose **Phone call** as its method when you add it."));
      return step.prompt(CHOICE_PROMPT, updateChoice());
    }
    return this.finishStep(step);
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const number = v.newNumber?.ok ? v.newNumber : undefined;
    if ((step.result as FoundChoice).value === NEXT.self || !number) {
      await step.context.sendActivity(
        say(
          `Go to ${SECURITY_INFO_URL}, choose **Change** next to your phone method and enter ${number?.national ?? 'the new number'}. This number is separate from the mobile number in your NHSmail profile, so changing one doesn't change the other.`,
        ),
      );
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    return step.endDialog({
      kind: 'handoff',
      type: 'change_method',
      summary: `Change the MFA phone number to a UK ${number.kind}`,
      details: { change: 'phone_number', newNumberE164: number.e164, newNumberKind: number.kind },
    } satisfies TopicOutcome);
  }
}
