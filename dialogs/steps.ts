import { InputHints, type Activity } from 'botbuilder';
import { toSpeech } from './reply';

/** A numbered list of steps (numbered from `startAt`) as a message: Markdown list in `text`, the steps in `speak`. */
export function stepsMessage(title: string, steps: readonly string[], footer?: string, startAt = 1): Partial<Activity> {
  const list = steps.map((s, i) => `${i + startAt}. ${s}`).join('\n');
  const spoken = steps.map((s, i) => `Step ${i + startAt}: ${toSpeech(s)}`).join(' ');
  return {
    type: 'message',
    text: `**${title}**\n\n${list}${footer ? `\n\n${footer}` : ''}`,
    speak: `${title}. ${spoken}`,
    inputHint: InputHints.AcceptingInput,
  };
}

/** Splits steps into spoken chunks of at most `size`, for the phone line. */
export function chunkSteps(steps: readonly string[], size: number): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < steps.length; i += size) chunks.push(steps.slice(i, i + size));
  return chunks;
}
