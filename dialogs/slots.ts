import type { FoundChoice } from 'botbuilder-dialogs';

/** A choice taken from what the person already said, passed to the next step in place of a prompt's answer. */
export function said(value: string): FoundChoice {
  return { value, index: 0, score: 1 };
}
