import { ActionTypes, EventFactory, InputHints, type Activity, type TurnContext } from 'botbuilder';
import {
  ChoicePrompt,
  defaultTokenizer,
  ListStyle,
  type Choice,
  type FindChoicesOptions,
  type FoundChoice,
  type PromptOptions,
  type PromptValidator,
  type PromptValidatorContext,
  type Token,
} from 'botbuilder-dialogs';
import { choiceWords } from '../src/knowledge/choiceWords';
import { say, toSpeech } from './reply';

/** Prompt ids shared by the conversations. */
export const CHOICE_PROMPT = 'choicePrompt';
export const TEXT_PROMPT = 'textPrompt';

/** Answers a prompt takes: the question, two re-prompts, and on the third miss a person is offered. */
export const MAX_PROMPT_ATTEMPTS = 3;

/** Said on the third answer a prompt could not use, before a person is offered. */
export const GAVE_UP_TEXT = "Sorry, I still can't make that out.";

/** A choice offered to the user, with extra words that also select it. */
export interface ChoiceSpec {
  readonly title: string;
  readonly synonyms?: readonly string[];
}

function toChoice(spec: ChoiceSpec | string): Choice {
  const s = typeof spec === 'string' ? { title: spec } : spec;
  // "Yes", "Yes, please", "No thanks" …: yes and no as people say them pick these too.
  const first = /^[a-z]+/i.exec(s.title)?.[0].toLowerCase();
  const words = choiceWords();
  const extra = first === 'yes' ? words.yes : first === 'no' ? words.no : [];
  const choice = { value: s.title, synonyms: [...extra, ...(s.synonyms ?? [])] };
  if (choiceTexts.size >= MAX_TOKENIZED) choiceTexts.clear();
  for (const text of [choice.value, ...choice.synonyms]) choiceTexts.add(text.trim());
  return choice;
}

/** The default tokenizer without the filler words of `content/choiceWords.json`, so "I" or "the" alone never picks a choice. */
function choiceTokenizer(text: string, locale?: string): Token[] {
  const known = tokenized.get(text);
  if (known) return known;
  ignored ??= new Set(choiceWords().ignore);
  const ignore = ignored;
  const tokens = defaultTokenizer(text, locale).filter((t) => !ignore.has(t.normalized));
  // The same titles and synonyms are compared on every turn: keep their tokens (a bounded cache), never those of what people type.
  if (!choiceTexts.has(text)) return tokens;
  if (tokenized.size >= MAX_TOKENIZED) tokenized.clear();
  tokenized.set(text, tokens);
  return tokens;
}
let ignored: ReadonlySet<string> | undefined;
const tokenized = new Map<string, Token[]>();
const MAX_TOKENIZED = 2000;
/** Titles and synonyms of the choices offered, whose tokens may be kept. */
const choiceTexts = new Set<string>();

/**
 * How every choice prompt recognises a reply, with botbuilder's own choice recognition: a
 * title or synonym found anywhere in the reply, also in part ("text" for "Text to mobile
 * ending 101"), then an ordinal ("the second one"), then a number ("2").
 */
export function choiceRecognizerOptions(): FindChoicesOptions {
  return { allowPartialMatches: true, recognizeOrdinals: true, recognizeNumbers: true, maxTokenDistance: 2, tokenizer: choiceTokenizer };
}

const GAVE_UP = Symbol('promptGaveUp');

/**
 * Wraps a prompt validator so that a prompt asks at most twice again: on the third answer it
 * cannot use (by the prompt's own `attemptCount`) it says {@link GAVE_UP_TEXT} and marks the
 * turn, and the conversation around it offers a person (see `HelpdeskDialog`). On the phone
 * line it also raises a Bot Framework hand-off event, and the call is put through to the
 * helpdesk as when the caller presses 0.
 * @param validator the prompt's own check; without one, whatever the prompt recognised is used
 */
export function limitAttempts<T>(validator?: PromptValidator<T>): PromptValidator<T> {
  return async (prompt: PromptValidatorContext<T>) => {
    const ok = validator ? await validator(prompt) : prompt.recognized.succeeded;
    if (ok || prompt.attemptCount < MAX_PROMPT_ATTEMPTS) return ok;
    const question = promptText(prompt.options);
    prompt.context.turnState.set(GAVE_UP, question);
    await prompt.context.sendActivity(say(GAVE_UP_TEXT));
    if (prompt.context.activity.channelId === 'voice') {
      const handoff = EventFactory.createHandoffInitiation(prompt.context, { reason: 'no_usable_answer', question, attempts: prompt.attemptCount });
      await prompt.context.sendActivity(handoff);
    }
    return false;
  };
}

/**
 * Whether a prompt gave up in this turn ({@link limitAttempts}); the mark is taken, so only
 * the innermost conversation acts on it.
 */
export function takeGaveUp(context: TurnContext): boolean {
  const gaveUp = context.turnState.get(GAVE_UP) !== undefined;
  context.turnState.delete(GAVE_UP);
  return gaveUp;
}

function promptText(options: PromptOptions): string {
  const p = options.prompt;
  return (typeof p === 'string' ? p : p?.text) ?? '';
}

/**
 * The choice prompt of every conversation: botbuilder's `ChoicePrompt` with partial matches,
 * synonyms, ordinals and numbers ({@link choiceRecognizerOptions}), and at most two re-prompts
 * ({@link limitAttempts}).
 */
export class HelpdeskChoicePrompt extends ChoicePrompt {
  /**
   * @param dialogId the prompt's id
   * @param validator an extra check of the recognised choice, e.g. refusing a typed phone number
   */
  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>) {
    super(dialogId, limitAttempts(validator));
    this.recognizerOptions = choiceRecognizerOptions();
  }
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
