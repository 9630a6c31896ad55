import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKnowledgeBase, loadSmallTalk } from '../../src/knowledge/knowledgeBase';
import { loadOutOfScope } from '../../src/knowledge/knowledgeNlu';

const sentences = JSON.parse(readFileSync(join(__dirname, 'offtopic.json'), 'utf8')) as { text: string; domain: string }[];
const key = (t: string): string => t.toLowerCase().replace(/[^a-z0-9' ]/g, ' ').split(/\s+/).filter(Boolean).sort().join(' ');

describe('off-topic evaluation set', () => {
  it('holds at least 1,000 different sentences from at least 10 domains', () => {
    expect(new Set(sentences.map((s) => key(s.text))).size).toBe(sentences.length);
    expect(sentences.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(sentences.map((s) => s.domain)).size).toBeGreaterThanOrEqual(10);
  });

  it('is never used for training', () => {
    const trained = new Set(
      [...loadKnowledgeBase().flatMap((e) => [e.topic, ...e.utterances]), ...loadSmallTalk().flatMap((t) => t.utterances), ...loadOutOfScope()].map(key),
    );
    expect(sentences.filter((s) => trained.has(key(s.text))).map((s) => s.text)).toEqual([]);
  });
});
