import { loadKnowledgeBase } from '../../src/knowledge';
import type { KnowledgeEntry } from '../../src/knowledge/types';

let entries: KnowledgeEntry[] | undefined;

/** Looks up entries of the real knowledge base (loaded once per test file). */
export function entryLookup(id: string): KnowledgeEntry | undefined {
  entries ??= loadKnowledgeBase();
  return entries.find((e) => e.id === id);
}
