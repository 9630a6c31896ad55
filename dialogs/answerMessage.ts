import type { Activity, Attachment } from 'botbuilder';
import { createAnswerCard, type CardFollowUp } from '../cards';
import type { KnowledgeClassification } from '../src/knowledge/knowledgeNlu';
import type { KnowledgeDialog, KnowledgeEntry } from '../src/knowledge/types';
import { choiceMessage } from './prompts';
import { cardMessage, say } from './reply';

/** Small print under every answer: where the facts come from. */
export const ANSWER_SOURCE = 'Source: NHSmail MFA FAQ (last reviewed 23 October 2024).';

/** Titles of the button that starts an entry's guided flow. */
export const DIALOG_BUTTON_TITLES: Readonly<Record<KnowledgeDialog, string>> = {
  lost_device: 'Help me with my lost phone',
  change_method: 'Help me change my method',
  new_device: 'Help me move to my new phone',
  suspicious_prompt: 'Report a suspicious prompt',
  exception_request: 'Ask for an exception',
  verify_identity: 'Verify me now',
  person: 'Connect me to a person',
};

/** Finds an entry by id, e.g. `(id) => nlu.lookupEntry(id)`. */
export type EntryLookup = (id: string) => KnowledgeEntry | undefined;

/** Chat Markdown reduced to plain text for card fallbacks: emphasis dropped, links as "label (url)". */
export function toPlainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1$2')
    .replace(/`/g, '');
}

/** Follow-up entries of an entry that the lookup can resolve, in order. */
function followUpsOf(entry: KnowledgeEntry, lookup: EntryLookup): KnowledgeEntry[] {
  const out: KnowledgeEntry[] = [];
  for (const id of entry.followUps ?? []) {
    const target = lookup(id);
    if (target) out.push(target);
  }
  return out;
}

/**
 * An entry as a message: `text` is the Markdown answer, `speak` the entry's phone version, and
 * the answer card carries the title, the source, links, related-question buttons and, when the
 * entry has a guided flow, a button that starts it. The follow-ups are on the card only.
 * @param entry the entry to answer with
 * @param lookup resolves follow-up ids, e.g. `(id) => nlu.lookupEntry(id)`
 * @param shaped the answer as it reads for the question (see `KnowledgeNlu.answerFor`); the entry's own by default
 */
export function answerMessage(
  entry: KnowledgeEntry,
  lookup: EntryLookup,
  shaped: { readonly text: string; readonly speech: string } = { text: entry.answer, speech: entry.speech },
): Partial<Activity> {
  const { text, speech } = shaped;
  return cardMessage({ text, speak: speech, card: answerCard(entry, lookup, text, speech) });
}

/** How many answer texts (the entry's own and its cases) are remembered per entry. */
const SHAPES_PER_ENTRY = 16;

/**
 * Answer cards already made, as JSON, per lookup, entry and answer (text and speech): an
 * entry's card is the same every time it is given that way, so it is built once and then only
 * copied, which spares each answer the card data, the plain-text fallback and the card's key.
 */
const answerCards = new WeakMap<EntryLookup, WeakMap<KnowledgeEntry, Map<string, string>>>();

/** The answer card of an entry, as a new object each time. */
function answerCard(entry: KnowledgeEntry, lookup: EntryLookup, text: string, speech: string): Attachment {
  let byEntry = answerCards.get(lookup);
  if (byEntry === undefined) {
    byEntry = new WeakMap();
    answerCards.set(lookup, byEntry);
  }
  let shapes = byEntry.get(entry);
  if (shapes === undefined) {
    shapes = new Map();
    byEntry.set(entry, shapes);
  }
  const key = `${text}\u0000${speech}`;
  const known = shapes.get(key);
  if (known !== undefined) return JSON.parse(known) as Attachment;
  const card = buildAnswerCard(entry, lookup, text, speech);
  if (shapes.size >= SHAPES_PER_ENTRY) shapes.delete(shapes.keys().next().value as string);
  shapes.set(key, JSON.stringify(card));
  return card;
}

function buildAnswerCard(entry: KnowledgeEntry, lookup: EntryLookup, text: string, speech: string): Attachment {
  const followUps = followUpsOf(entry, lookup);
  const buttons: CardFollowUp[] = followUps.map((e) => ({ id: e.id, title: e.topic }));
  return createAnswerCard({
    entryId: entry.id,
    title: entry.topic,
    text,
    source: ANSWER_SOURCE,
    links: entry.links ?? [],
    followUps: buttons,
    dialog: entry.dialog,
    dialogTitle: entry.dialog ? DIALOG_BUTTON_TITLES[entry.dialog] : undefined,
    fallbackText: `${entry.topic}\n\n${toPlainText(text)}`,
    speak: speech,
  });
}

/** The feedback question asked after an answer. */
export const FEEDBACK_QUESTION = 'Did this answer help?';

/** The choices of {@link FEEDBACK_QUESTION}, in the order they are numbered. */
export const FEEDBACK_CHOICES = ['Yes', 'No'] as const;

/**
 * The "did this help?" question, once: the text with Yes and No as its choices (suggested
 * actions, or buttons where a client shows none), and "say yes or no" on the phone line.
 */
export function feedbackMessage(): Partial<Activity> {
  return choiceMessage(FEEDBACK_QUESTION, FEEDBACK_CHOICES);
}

/**
 * A reply for a classification that is not an answer: small talk, the "not MFA, ask them" reply of a
 * near-domain question, a "did you mean" list, or the out-of-scope notice. Answers go through {@link answerMessage}.
 * @param result a `smalltalk`, `near_domain`, `unknown` or `out_of_scope` classification
 */
export function fallbackMessage(result: Exclude<KnowledgeClassification, { kind: 'answer' }>): Partial<Activity> {
  if (result.kind === 'smalltalk' || result.kind === 'near_domain') return say(result.reply, result.speech);
  const intro =
    result.kind === 'out_of_scope'
      ? 'Sorry, I can only help with questions about multi-factor authentication (MFA) for NHSmail.'
      : "Sorry, I'm not sure what you mean.";
  // The topics are the choices (suggested actions or buttons), so the text does not list them again.
  return choiceMessage(`${intro} Is your question about one of these?`, result.suggestions.map((e) => e.topic));
}
