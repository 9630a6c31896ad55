import { HELPDESK_PHONE_SPOKEN } from './facts';
import { ActionTypes, InputHints, MessageFactory, type Activity, type Attachment, type CardAction } from 'botbuilder';

/**
 * Turns chat Markdown into text fit for speech: links become their label (or a short spoken
 * form), the helpdesk number is read in digit groups, emphasis and list markers are dropped,
 * and line breaks become pauses.
 */
export function toSpeech(markdown: string): string {
  const known = spoken.get(markdown);
  if (known !== undefined) return known;
  const speech = speechOf(markdown);
  if (spoken.size >= SPOKEN_MAX) spoken.clear();
  spoken.set(markdown, speech);
  return speech;
}

/**
 * Speech already made, by text: most messages are the same few texts (questions, thanks,
 * apologies), and each pass is ten regular expressions. At most {@link SPOKEN_MAX} are kept.
 */
const spoken = new Map<string, string>();
const SPOKEN_MAX = 512;

function speechOf(markdown: string): string {
  return markdown
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/https?:\/\/aka\.ms\/mysecurityinfo/gi, 'aka dot M S slash my security info')
    .replace(/https?:\/\/\S+/g, 'the web page linked in the chat')
    .replace(/0333 200 1133/g, HELPDESK_PHONE_SPOKEN)
    .replace(/helpdesk@nhs\.net/gi, 'helpdesk at N H S dot net')
    .replace(/[*_`#>]/g, '')
    .replace(/^\s*[-•]\s+/gm, '')
    .replace(/\s*\n+\s*/g, '. ')
    .replace(/\.\s*\./g, '.')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** A plain message that sets both `text` and `speak` (derived from the text when not given). */
export function say(text: string, speak?: string, inputHint: InputHints = InputHints.AcceptingInput): Partial<Activity> {
  return MessageFactory.text(text, speak ?? toSpeech(text), inputHint);
}

/** Options for {@link cardMessage}. */
export interface CardMessageOptions {
  /** Text shown above the card; with the card's own `fallbackText` it carries the whole message. */
  readonly text: string;
  readonly speak: string;
  readonly card: Attachment;
  /** Buttons shown as suggested actions, so the choice also works without the card. */
  readonly suggestions?: readonly string[];
  readonly inputHint?: InputHints;
}

/** A message carrying an Adaptive Card with its text fallback, speech and suggested actions. */
export function cardMessage(options: CardMessageOptions): Partial<Activity> {
  const activity: Partial<Activity> = {
    type: 'message',
    text: options.text,
    speak: options.speak,
    inputHint: options.inputHint ?? InputHints.ExpectingInput,
    attachments: [options.card],
  };
  if (options.suggestions && options.suggestions.length > 0) {
    const actions: CardAction[] = options.suggestions.map((title) => ({ type: ActionTypes.ImBack, title, value: title }));
    activity.suggestedActions = { actions, to: [] };
  }
  return activity;
}
