import {
  TextPrompt,
  WaterfallDialog,
  type Dialog,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from "botbuilder-dialogs";
import { isEmailAddress } from "../src/knowledge/identifiers";
import { EXCEPTION_DURATIONS, type ExceptionForm } from "./escalateTicket";
import {
  CHOICE_PROMPT,
  choiceOptions,
  limitAttempts,
  textOptions,
} from "./prompts";
import { say } from "./reply";

/** Id of the exception request's form: how long, and the line manager's email. */
export const EXCEPTION_FORM = "escalateDialog.exceptionForm";
const MANAGER_PROMPT = "escalateDialog.managerEmail";

/** Other ways of saying each duration. */
const DURATION_SYNONYMS: Readonly<
  Record<(typeof EXCEPTION_DURATIONS)[number], readonly string[]>
> = {
  "1 month": ["one month", "a month", "four weeks"],
  "3 months": ["three months", "a quarter", "twelve weeks"],
  "6 months": ["six months", "half a year"],
  "12 months": ["twelve months", "a year", "1 year", "one year"],
};

async function durationStep(
  step: WaterfallStepContext,
): Promise<DialogTurnResult> {
  return step.prompt(
    CHOICE_PROMPT,
    choiceOptions(
      "How long do you need the exception for?",
      EXCEPTION_DURATIONS.map((title) => ({
        title,
        synonyms: DURATION_SYNONYMS[title],
      })),
    ),
  );
}

async function managerStep(
  step: WaterfallStepContext,
): Promise<DialogTurnResult> {
  (step.values as Partial<ExceptionForm>).duration = (
    step.result as FoundChoice
  ).value;
  return step.prompt(
    MANAGER_PROMPT,
    textOptions(
      "What is your line manager's email address? The local administrator may check with them.",
    ),
  );
}

async function managerEmailValidator(
  prompt: PromptValidatorContext<string>,
): Promise<boolean> {
  if (isEmailAddress(prompt.recognized.value)) return true;
  await prompt.context.sendActivity(
    say(
      "That doesn't look like an email address. Please type your line manager's email, for example jo.bloggs@example.nhs.net.",
    ),
  );
  return false;
}

async function formDoneStep(
  step: WaterfallStepContext,
): Promise<DialogTurnResult> {
  const duration =
    (step.values as Partial<ExceptionForm>).duration ?? EXCEPTION_DURATIONS[0];
  const form: ExceptionForm = {
    duration,
    lineManagerEmail: String(step.result).trim().toLowerCase(),
  };
  return step.endDialog(form);
}

/**
 * The dialogs of the exception form, to add to the dialog set that runs it (beside a
 * {@link CHOICE_PROMPT}). Begin {@link EXCEPTION_FORM}; it ends with an {@link ExceptionForm}.
 */
export function exceptionFormDialogs(): Dialog[] {
  return [
    new TextPrompt(MANAGER_PROMPT, limitAttempts(managerEmailValidator)),
    new WaterfallDialog(EXCEPTION_FORM, [
      durationStep,
      managerStep,
      formDoneStep,
    ]),
  ];
}
