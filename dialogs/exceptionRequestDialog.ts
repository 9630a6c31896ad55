import {
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions, limitAttempts, textOptions } from './prompts';
import { say } from './reply';

/** Id of the exception-request conversation. */
export const EXCEPTION_REQUEST_DIALOG = 'exceptionRequestDialog';
const STEPS = 'exceptionRequestDialog.steps';
const REASON_PROMPT = 'exceptionRequestDialog.reason';

/** The rules, said before anything is collected. */
export const EXCEPTION_RULES_TEXT = [
  'A few things to know first:',
  '- You cannot switch MFA off for your own account; only your local administrator can look at exceptions.',
  '- Accounts that have been compromised always have MFA enforced and cannot be exempted.',
  '- Shared mailboxes opened from within your own mailbox have no password, so they need no MFA.',
  "- Where phones aren't allowed, a FIDO2 security key can stand in once a core method is set up.",
].join('\n');

const CATEGORY = {
  noPhones: "Phones aren't allowed where I work",
  noSmartphone: "I don't have a smartphone",
  sharedMailbox: "It's for a shared mailbox",
  other: 'Something else',
} as const;
const CONTINUE = { yes: 'Yes, ask for an exception', no: "No, that's enough" } as const;

/** Justifications shorter than this are asked again. */
export const MIN_JUSTIFICATION_LENGTH = 15;

interface ExceptionValues {
  reasonCategory?: string;
}

function valuesOf(step: WaterfallStepContext): ExceptionValues {
  return step.values as ExceptionValues;
}

/**
 * Exception requests: explains the rules and the alternatives (FIDO2, text or call, shared
 * mailboxes), then collects the reason so a person can take it to the local administrator.
 */
export class ExceptionRequestDialog extends HelpdeskDialog {
  constructor() {
    super(EXCEPTION_REQUEST_DIALOG);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new TextPrompt(REASON_PROMPT, limitAttempts(this.reasonValidator.bind(this))));
    this.addDialog(
      new WaterfallDialog(STEPS, [this.categoryStep.bind(this), this.alternativeStep.bind(this), this.reasonStep.bind(this), this.finishStep.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  private async categoryStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await step.context.sendActivity(say(EXCEPTION_RULES_TEXT));
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions('Why do you need an exception?', [
        { title: CATEGORY.noPhones, synonyms: ['no phones', 'phones not allowed', 'no mobiles'] },
        { title: CATEGORY.noSmartphone, synonyms: ['no smartphone', 'basic phone', 'old phone'] },
        { title: CATEGORY.sharedMailbox, synonyms: ['shared mailbox', 'shared inbox', 'team mailbox'] },
        { title: CATEGORY.other, synonyms: ['other', 'something else'] },
      ]),
    );
  }

  private async alternativeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const category = (step.result as FoundChoice).value;
    valuesOf(step).reasonCategory = category;
    switch (category) {
      case CATEGORY.sharedMailbox:
        await step.context.sendActivity(
          say("Good news: a shared mailbox you open from inside your own mailbox doesn't need MFA, because it has no password of its own. No exception is needed."),
        );
        return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
      case CATEGORY.noPhones:
        await step.context.sendActivity(
          say('Your local administrator can arrange a FIDO2 security key instead. Once a core method is set up, the key lets you sign in without phone prompts.'),
        );
        break;
      case CATEGORY.noSmartphone:
        await step.context.sendActivity(
          say("You don't need a smartphone: MFA can text a code to a basic mobile, or call a UK mobile or landline, and neither needs the internet."),
        );
        break;
      default:
        return step.next();
    }
    return step.prompt(CHOICE_PROMPT, choiceOptions('Would you still like to ask for an exception?', [
        { title: CONTINUE.yes, synonyms: ['ask', 'go ahead', 'carry on', 'still want one'] },
        { title: CONTINUE.no, synonyms: ["that's enough", 'no need', "don't need one"] },
      ]));
  }

  private async reasonStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = (step.result as FoundChoice | undefined)?.value;
    if (choice === CONTINUE.no) {
      await step.context.sendActivity(say('OK. Your local administrator can help you set up the alternative.'));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    return step.prompt(REASON_PROMPT, textOptions('In a sentence or two, why do you need the exception? A person will read this.'));
  }

  private async reasonValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const text = (prompt.recognized.value ?? '').trim();
    if (text.length >= MIN_JUSTIFICATION_LENGTH && text.length <= 1000) return true;
    await prompt.context.sendActivity(
      say(text.length > 1000 ? 'That is a bit long. Please keep it under 1000 characters.' : 'Please give a little more detail, so the person reviewing it can decide.'),
    );
    return false;
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    return step.endDialog({
      kind: 'handoff',
      type: 'exception_request',
      summary: `MFA exception request: ${v.reasonCategory ?? 'unspecified'}`,
      details: { reasonCategory: v.reasonCategory ?? null, justification: String(step.result ?? '').trim(), needsLocalAdminApproval: true },
    } satisfies TopicOutcome);
  }
}
