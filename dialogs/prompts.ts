import { ActionTypes, InputHints, type Activity } from 'botbuilder';
import { ListStyle, type Choice, type PromptOptions } from 'botbuilder-dialogs';
import { toSpeech } from './reply';

/** Prompt ids shared by the conversations. */
export const CHOICE_PROMPT = 'choicePrompt';
export const TEXT_PROMPT = 'textPrompt';

/** A choice offered to the user, with extra words that also select it. */
export interface ChoiceSpec {
  readonly title: string;
  readonly synonyms?: readonly string[];
}

const COMMON_SYNONYMS: Record<string, string[]> = {
  yes: ['y', 'yeah', 'yep', 'yes please', 'sure', 'ok', 'okay', 'correct', 'i do', 'i have', 'please'],
  no: ['n', 'nope', 'no thanks', 'not really', "i don't", "i haven't", 'nah'],
};

function toChoice(spec: ChoiceSpec | string): Choice {
  const s = typeof spec === 'string' ? { title: spec } : spec;
  const extra = COMMON_SYNONYMS[s.title.toLowerCase()] ?? [];
  return { value: s.title, synonyms: [...extra, ...(s.synonyms ?? [])] };
}

/**
 * A question with numbered choices: the text, speech that says "press 1 or say …" for the
 * phone line, and the choices as suggested actions.
 */
export function choiceMessage(question: string, choices: readonly (ChoiceSpec | string)[]): Partial<Activity> {
  const titles = choices.map((c) => (typeof c === 'string' ? c : c.title));
  const spoken = titles.map((t, i) => `Press ${i + 1} or say ${t}.`).join(' ');
  return {
    type: 'message',
    text: question,
    speak: `${toSpeech(question)} ${spoken}`,
    inputHint: InputHints.ExpectingInput,
    suggestedActions: { actions: titles.map((t) => ({ type: ActionTypes.ImBack, title: t, value: t })), to: [] },
  };
}

/** Options for a `ChoicePrompt`: the question, a retry that repeats the choices, and the choices themselves. */
export function choiceOptions(question: string, choices: readonly (ChoiceSpec | string)[]): PromptOptions {
  const titles = choices.map((c) => (typeof c === 'string' ? c : c.title));
  return {
    prompt: choiceMessage(question, choices),
    retryPrompt: choiceMessage(`Sorry, I didn't catch that. ${question} Please choose one of: ${titles.join(', ')}.`, choices),
    choices: choices.map(toChoice),
    style: ListStyle.none,
  };
}

/** Options for a `TextPrompt` asking a free-text question. */
export function textOptions(question: string, speak?: string): PromptOptions {
  return {
    prompt: { type: 'message', text: question, speak: speak ?? toSpeech(question), inputHint: InputHints.ExpectingInput },
  };
}

/**
 * The text a card submission stands for when it answers a prompt: the steps card's buttons
 * answer "did that work?", and `{ verb: 'choice', value }` (the choices card)
 * picks a choice by its title. Returns `undefined` for anything else.
 */
export function submissionAsText(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as { verb?: unknown; outcome?: unknown; value?: unknown };
  if (v.verb === 'steps') return v.outcome === 'done' ? 'Done, that worked' : v.outcome === 'stuck' ? "I'm stuck" : undefined;
  if (v.verb === 'choice' && typeof v.value === 'string') return v.value;
  return undefined;
}
