import { ActionTypes, type Activity } from 'botbuilder';
import { createAnswerCard, createFeedbackCard, type CardFollowUp } from '../cards';
import type { KnowledgeClassification } from '../src/knowledge/knowledgeNlu';
import type { KnowledgeDialog, KnowledgeEntry } from '../src/knowledge/types';
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
 * An entry as a message: `text` is the Markdown answer, `speak` the entry's phone version, the
 * answer card carries links, related-question buttons and, when the entry has a guided flow, a
 * button that starts it; the follow-up topics are also offered as suggested actions (their titles,
 * which {@link KnowledgeNlu.classify} maps back to the entries).
 * @param entry the entry to answer with
 * @param lookup resolves follow-up ids, e.g. `(id) => nlu.lookupEntry(id)`
 */
export function answerMessage(entry: KnowledgeEntry, lookup: EntryLookup): Partial<Activity> {
  const followUps = followUpsOf(entry, lookup);
  const buttons: CardFollowUp[] = followUps.map((e) => ({ id: e.id, title: e.topic }));
  const card = createAnswerCard({
    entryId: entry.id,
    title: entry.topic,
    text: entry.answer,
    source: ANSWER_SOURCE,
    links: entry.links ?? [],
    followUps: buttons,
    dialog: entry.dialog,
    dialogTitle: entry.dialog ? DIALOG_BUTTON_TITLES[entry.dialog] : undefined,
    fallbackText: `${entry.topic}\n\n${toPlainText(entry.answer)}`,
    speak: entry.speech,
  });
  return cardMessage({
    text: entry.answer,
    speak: entry.speech,
    card,
    suggestions: followUps.map((e) => e.topic),
  });
}

/**
 * The "did this help?" question about an entry, with Yes and No as buttons and suggested actions.
 * @param entryId the entry the feedback is about
 */
export function feedbackMessage(entryId: string): Partial<Activity> {
  const question = 'Did this answer help?';
  return cardMessage({
    text: question,
    speak: `${question} Say yes or no.`,
    card: createFeedbackCard({ entryId, question, speak: `${question} Say yes or no.` }),
    suggestions: ['Yes', 'No'],
  });
}

/**
 * A reply for a classification that is not an answer: small talk, a "did you mean" list, or the
 * out-of-scope notice. Answers go through {@link answerMessage}.
 * @param result a `smalltalk`, `unknown` or `out_of_scope` classification
 */
export function fallbackMessage(result: Exclude<KnowledgeClassification, { kind: 'answer' }>): Partial<Activity> {
  if (result.kind === 'smalltalk') return say(result.reply, result.speech);
  const titles = result.suggestions.map((e) => e.topic);
  const intro =
    result.kind === 'out_of_scope'
      ? 'Sorry, I can only help with questions about multi-factor authentication (MFA) for NHSmail.'
      : "Sorry, I'm not sure what you mean.";
  const ask = 'Is your question about one of these?';
  const spokenList = titles.map((t, i) => `press ${i + 1} or say ${t}`).join('; ');
  const activity = say(`${intro} ${ask}\n\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}`, `${intro} ${ask} ${spokenList}.`);
  return {
    ...activity,
    suggestedActions: { actions: titles.map((t) => ({ type: ActionTypes.ImBack, title: t, value: t })), to: [] },
  };
}
