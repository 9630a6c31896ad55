import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KnowledgeBaseError,
  loadKnowledgeBase,
  loadSmallTalk,
  lookupEntry,
  MIN_UTTERANCES,
  URL_PATTERN,
  WRITTEN_PHONE_NUMBER,
} from '../../src/knowledge/knowledgeBase';
import { loadOutOfScope } from '../../src/knowledge/knowledgeNlu';
import type { KnowledgeEntry } from '../../src/knowledge/types';

const HELPDESK_WRITTEN = '0333 200 1133';
const HELPDESK_SPOKEN = 'oh three three three, two oh oh, one one three three';

describe('knowledge base content', () => {
  const entries = loadKnowledgeBase();
  const ids = entries.map((e) => e.id);

  it('loads a knowledge base that covers the FAQ', () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
  });

  it('has unique ids', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(entries.map((e) => [e.id, e] as const))('%s has enough distinct utterances', (_id, entry) => {
    expect(entry.utterances.length).toBeGreaterThanOrEqual(MIN_UTTERANCES);
    const lowered = entry.utterances.map((u) => u.trim().toLowerCase());
    expect(new Set(lowered).size).toBe(lowered.length);
  });

  it('never trains the same utterance for two entries', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const e of entries) {
      for (const u of e.utterances) {
        const key = u.trim().toLowerCase();
        const seen = owner.get(key);
        if (seen && seen !== e.id) clashes.push(`${key} (${seen}, ${e.id})`);
        owner.set(key, e.id);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('resolves every follow-up', () => {
    for (const e of entries) for (const f of e.followUps ?? []) expect(ids).toContain(f);
  });

  it.each(entries.map((e) => [e.id, e] as const))('%s speech reads well on the phone', (_id, entry) => {
    expect(entry.speech).not.toMatch(URL_PATTERN);
    expect(entry.speech).not.toMatch(WRITTEN_PHONE_NUMBER);
    expect(entry.speech).not.toMatch(/[*_#`[\]]/);
    if (entry.answer.includes(HELPDESK_WRITTEN)) expect(entry.speech).toContain(HELPDESK_SPOKEN);
  });

  it('writes the helpdesk number the same way in every answer', () => {
    for (const e of entries) {
      const numbers = e.answer.match(/\b0\d{3}[\s\d]{6,}\d\b/g) ?? [];
      for (const n of numbers) expect(n).toBe(HELPDESK_WRITTEN);
    }
  });

  it('repeats every step of an entry in its answer', () => {
    const withSteps = entries.filter((e): e is KnowledgeEntry & { steps: NonNullable<KnowledgeEntry['steps']> } => !!e.steps);
    expect(withSteps.map((e) => e.id).sort()).toEqual(['change_default_method', 'new_phone']);
    for (const e of withSteps) for (const item of e.steps.items) expect(e.answer).toContain(item);
  });

  it('offers the guided flows the dialogs need', () => {
    const byDialog = (d: string) => entries.filter((e) => e.dialog === d).map((e) => e.id);
    expect(byDialog('lost_device')).toEqual(['lost_phone']);
    expect(byDialog('new_device')).toEqual(['new_phone']);
    expect(byDialog('suspicious_prompt')).toEqual(['suspicious_prompt']);
    expect(byDialog('exception_request')).toEqual(['exception_request']);
    expect(byDialog('verify_identity')).toEqual(['verify_identity']);
    expect(byDialog('person')).toEqual(['talk_to_person']);
    expect(byDialog('change_method').sort()).toEqual(['change_default_method', 'new_number', 'remove_method']);
  });

  it('uses only absolute https, mailto or tel links', () => {
    for (const e of entries) for (const l of e.links ?? []) expect(l.url).toMatch(/^(https:\/\/|mailto:|tel:)/);
  });

  it('looks entries up by id', () => {
    expect(lookupEntry('lost_phone')?.topic).toBe('Lost or stolen phone');
    expect(lookupEntry('no_such_entry')).toBeUndefined();
    expect(lookupEntry('grace_period', entries)?.id).toBe('grace_period');
  });

  it('returns frozen data', () => {
    expect(Object.isFrozen(entries[0])).toBe(true);
    expect(Object.isFrozen(entries[0].utterances)).toBe(true);
  });

  it('loads small talk and off-topic examples', () => {
    const talk = loadSmallTalk();
    expect(talk.map((t) => t.intent).sort()).toEqual(['goodbye', 'greeting', 'thanks', 'who_are_you']);
    for (const t of talk) {
      expect(t.utterances.length).toBeGreaterThanOrEqual(MIN_UTTERANCES);
      expect(t.speech).not.toMatch(URL_PATTERN);
    }
    expect(loadOutOfScope().length).toBeGreaterThanOrEqual(40);
  });
});

describe('knowledge base validation', () => {
  let dir: string;
  const valid = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    topic: `Topic ${id}`,
    utterances: Array.from({ length: 8 }, (_, i) => `question ${i} about ${id}`),
    answer: 'An answer.',
    speech: 'An answer.',
    ...extra,
  });
  const write = (name: string, content: unknown) =>
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  const errorOf = (): KnowledgeBaseError => {
    try {
      loadKnowledgeBase(dir);
    } catch (err) {
      if (err instanceof KnowledgeBaseError) return err;
      throw err;
    }
    throw new Error('expected a KnowledgeBaseError');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a single entry or an array per file', () => {
    write('a.json', valid('one'));
    write('b.json', [valid('two'), valid('three', { followUps: ['one'] })]);
    expect(loadKnowledgeBase(dir).map((e) => e.id)).toEqual(['one', 'two', 'three']);
  });

  it('names the file, entry and field when there are too few utterances', () => {
    write('good.json', [valid('fine')]);
    write('bad.json', [valid('ok'), valid('short', { utterances: ['only one'] })]);
    const err = errorOf();
    expect(err.file).toBe('bad.json');
    expect(err.message).toContain('bad.json');
    expect(err.message).toContain('[1] (id "short").utterances');
    expect(err.message).toContain('at least 8');
  });

  it('reports a missing field', () => {
    const { answer: _answer, ...noAnswer } = valid('x');
    write('x.json', [noAnswer]);
    expect(errorOf().message).toMatch(/x\.json: \[0\] \(id "x"\)\.answer: Required/);
  });

  it('reports an unknown field, e.g. a typo', () => {
    write('x.json', [valid('x', { folowUps: [] })]);
    expect(errorOf().message).toContain('unknown field(s) folowUps');
  });

  it('rejects a URL or a written phone number in speech', () => {
    write('x.json', [valid('x', { speech: 'Go to https://aka.ms/mysecurityinfo now.' })]);
    expect(errorOf().message).toMatch(/speech: must not contain a URL/);
    write('x.json', [valid('x', { speech: 'Call 0333 200 1133.' })]);
    expect(errorOf().message).toMatch(/speech: must speak numbers in digit groups/);
  });

  it('rejects an unknown dialog', () => {
    write('x.json', [valid('x', { dialog: 'reset_password' })]);
    expect(errorOf().message).toContain('(id "x").dialog');
  });

  it('rejects duplicate ids across files', () => {
    write('a.json', [valid('same')]);
    write('b.json', [valid('same')]);
    expect(errorOf().message).toBe('Invalid knowledge content in b.json: id "same" is already used in a.json');
  });

  it('rejects a follow-up that does not exist', () => {
    write('a.json', [valid('a', { followUps: ['ghost'] })]);
    expect(errorOf().message).toContain('(id "a").followUps: unknown entry id "ghost"');
  });

  it('rejects broken JSON and an empty directory', () => {
    expect(errorOf().message).toContain('no *.json files');
    write('a.json', '{ not json');
    expect(errorOf().message).toMatch(/a\.json: is not valid JSON/);
  });
});
