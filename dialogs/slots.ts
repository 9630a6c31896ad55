import type { FoundChoice, PromptOptions } from 'botbuilder-dialogs';
import { choiceOptions } from './prompts';

/** A choice taken from what the person already said, passed to the next step in place of a prompt's answer. */
export function said(value: string): FoundChoice {
  return { value, index: 0, score: 1 };
}

/** The two answers to "Is that right?". */
export const CONFIRM = { yes: "Yes, that's right", no: "No, that's not right" } as const;

/**
 * "Is that right?" about something the first message said with a hedge ("I think I have another
 * method"): one short question in place of the flow's full one.
 * @param statement what the bot understood, as a sentence
 */
export function confirmOptions(statement: string): PromptOptions {
  return choiceOptions(`${statement} Is that right?`, [
    { title: CONFIRM.yes, synonyms: ['yes', 'yeah', 'right', 'correct', 'that is right', "that's right", 'yes it is'] },
    { title: CONFIRM.no, synonyms: ['no', 'nope', 'wrong', 'not right', "that's wrong", 'no it is not'] },
  ]);
}

/** The value after "Is that right?": the understood value when confirmed, its opposite when not. */
export function confirmedValue(answer: FoundChoice, understood: boolean): boolean {
  return answer.value === CONFIRM.yes ? understood : !understood;
}
