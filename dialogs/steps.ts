import { InputHints, type Activity } from 'botbuilder';
import { createStepsCard } from '../cards';
import type { KnowledgeEntry, KnowledgeSteps } from '../src/knowledge/types';
import { toPlainText } from './answerMessage';
import { cardMessage, toSpeech } from './reply';

/** Titles of the two answers to a set of steps, as buttons, suggested actions and prompt choices. */
export const STEPS_DONE = 'Done, that worked';
export const STEPS_STUCK = "I'm stuck";

/** Finds an entry's steps, failing loudly at start-up when the content lacks them. */
export function requireSteps(lookup: (id: string) => KnowledgeEntry | undefined, entryId: string): KnowledgeSteps {
  const steps = lookup(entryId)?.steps;
  if (!steps) throw new Error(`Knowledge entry "${entryId}" must have steps`);
  return steps;
}

/**
 * Numbered steps inside a guided conversation: the steps card (its buttons answer the prompt
 * that follows), a Markdown list as text, and the steps as speech. On the phone line the
 * steps are read in short chunks, one message each, numbered on from the previous chunk.
 */
export function guidedStepsMessages(entryId: string, steps: KnowledgeSteps, channelId: string, chunkSize = 4): Partial<Activity>[] {
  const numbered = steps.items.map((item, i) => `${i + 1}. ${item}`);
  const spokenStep = (item: string, i: number): string => `Step ${i + 1}: ${toSpeech(item)}`;
  if (channelId === 'voice') {
    const messages: Partial<Activity>[] = [];
    for (let start = 0; start < steps.items.length; start += chunkSize) {
      const chunk = steps.items.slice(start, start + chunkSize);
      const heading = start === 0 ? `${steps.title}.` : 'Next.';
      const speak = `${heading} ${chunk.map((item, i) => spokenStep(item, start + i)).join(' ')}`;
      messages.push({ type: 'message', text: numbered.slice(start, start + chunkSize).join('\n'), speak, inputHint: InputHints.AcceptingInput });
    }
    return messages;
  }
  const speak = `${steps.title}. ${steps.items.map(spokenStep).join(' ')}`;
  return [
    cardMessage({
      // The steps are on the card (and in its fallback text), so the message text does not repeat them.
      text: `Here's how, step by step: **${steps.title}**`,
      speak,
      card: createStepsCard({
        entryId,
        title: steps.title,
        steps: steps.items,
        doneTitle: STEPS_DONE,
        stuckTitle: STEPS_STUCK,
        fallbackText: `${steps.title}\n${toPlainText(numbered.join('\n'))}`,
        speak,
      }),
      inputHint: InputHints.AcceptingInput,
    }),
  ];
}
