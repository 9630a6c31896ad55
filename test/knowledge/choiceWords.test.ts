import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChoiceWords } from '../../src/knowledge/choiceWords';
import { KnowledgeBaseError } from '../../src/knowledge/knowledgeBase';

describe('content/choiceWords.json', () => {
  it('holds the everyday words for yes, no, a text, a call and each kind of phone', () => {
    const words = loadChoiceWords();
    expect(words.yes).toEqual(expect.arrayContaining(['yeah', 'yep', 'i do']));
    expect(words.no).toEqual(expect.arrayContaining(['nope', 'not really']));
    expect(words.channels.sms).toEqual(expect.arrayContaining(['text', 'sms']));
    expect(words.channels.voice).toEqual(expect.arrayContaining(['call', 'ring']));
    expect(words.places.officePhone).toContain('office phone');
    // Ordinals must stay out of the words, or "the second one" would stop picking the second choice.
    const all = [...words.yes, ...words.no, ...Object.values(words.channels).flat(), ...Object.values(words.places).flat()];
    expect(all.filter((w) => /\b(first|second|third|fourth|fifth)\b/.test(w))).toEqual([]);
  });

  it('refuses a malformed file, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'choice-words-'));
    try {
      const file = join(dir, 'choiceWords.json');
      writeFileSync(file, JSON.stringify({ ignore: ['the'], yes: ['yes'], no: [], channels: { sms: ['text'], voice: ['call'] }, places: { mobile: ['m'], alternateMobile: ['o'], officePhone: ['d'] } }));
      expect(() => loadChoiceWords(file)).toThrow(KnowledgeBaseError);
      expect(() => loadChoiceWords(file)).toThrow(/\[no\]/);
      writeFileSync(file, '{ not json');
      expect(() => loadChoiceWords(file)).toThrow(/not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
