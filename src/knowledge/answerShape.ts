import type { HelpdeskSlots } from './entities';
import type { KnowledgeCase, KnowledgeEntry } from './types';

/**
 * The case of an entry that a question names: every condition of the case (method, device) is
 * what the question says.
 */
export function caseOf(entry: KnowledgeEntry, slots: HelpdeskSlots): KnowledgeCase | undefined {
  return (entry.cases ?? []).find(
    (c) => (c.method === undefined || c.method === slots.method?.value) && (c.device === undefined || c.device === slots.device?.value),
  );
}

/**
 * An entry's answer for a question: when the entry covers several cases and the question names
 * one of them (a method such as the phone call, a device such as the iPhone), the answer leads
 * with that case and then gives the rest.
 * @param entry the entry being answered
 * @param slots what the question says (see `extractEntities`)
 */
export function shapeAnswer(entry: KnowledgeEntry, slots: HelpdeskSlots): { readonly text: string; readonly speech: string } {
  const match = caseOf(entry, slots);
  if (!match) return { text: entry.answer, speech: entry.speech };
  return { text: `${match.answer}\n\n${entry.answer}`, speech: `${match.speech} ${entry.speech}` };
}
