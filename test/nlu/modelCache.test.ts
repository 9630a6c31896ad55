import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnowledgeNlu } from '../../src/knowledge/knowledgeNlu';
import { loadKnowledgeBase } from '../../src/knowledge/knowledgeBase';
import { defaultModelCacheDir, modelFingerprint } from '../../src/knowledge/modelCache';

/** Questions of every kind: answers, small talk, near-domain, off-topic, typos, a follow-up. */
const QUESTIONS = [
  'I lost my phone',
  'helpdesk number?',
  'how do I chnage my deafult mfa method',
  'someone keeps sending me approval requests',
  'hello',
  'thanks',
  'I forgot my password',
  'what is the weather today',
  'can I use a fido2 key',
  'and by phone call?',
];

/** A few entries and no other content: trains in a fraction of the time of the whole knowledge base. */
function smallContent(): { entries: ReturnType<typeof loadKnowledgeBase>; smallTalk: []; nearDomain: []; outOfScope: string[] } {
  return { entries: loadKnowledgeBase().slice(0, 4), smallTalk: [], nearDomain: [], outOfScope: ['what is the weather', 'book a meeting room'] };
}

async function answers(nlu: KnowledgeNlu): Promise<unknown[]> {
  return Promise.all(QUESTIONS.map(async (q) => nlu.classify(q, { entryId: 'core_methods' })));
}

describe('trained model cache', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nlu-cache-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains once, then reads the same models back: every answer is the same', async () => {
    const trained = await KnowledgeNlu.create({ modelCacheDir: dir });
    expect(trained.modelSource).toBe('trained');
    // One file per model (the intent model and the domain model), named by its fingerprint.
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).toMatch(/^[0-9a-f]{64}\.json$/);

    const cached = await KnowledgeNlu.create({ modelCacheDir: dir });
    expect(cached.modelSource).toBe('cached');
    expect(readdirSync(dir).sort()).toEqual(files);
    const [fresh, read] = await Promise.all([answers(trained), answers(cached)]);
    expect(read).toEqual(fresh);
    expect(fresh.some((a) => (a as { kind: string }).kind === 'answer')).toBe(true);
    expect(fresh.some((a) => (a as { kind: string }).kind === 'out_of_scope')).toBe(true);
  });

  it('trains again over a damaged cache file, and replaces it', async () => {
    const content = smallContent();
    const original = await KnowledgeNlu.create({ ...content, modelCacheDir: dir });
    const [first, second] = readdirSync(dir).sort();
    const intact = readFileSync(join(dir, second), 'utf8');
    writeFileSync(join(dir, first), '{"nluManager": {"trunc');
    writeFileSync(join(dir, second), '');
    const nlu = await KnowledgeNlu.create({ ...content, modelCacheDir: dir });
    expect(nlu.modelSource).toBe('trained');
    // Training is deterministic: the replacement is the same model, byte for byte.
    expect(readFileSync(join(dir, second), 'utf8')).toBe(intact);
    expect(() => JSON.parse(readFileSync(join(dir, first), 'utf8')) as unknown).not.toThrow();
    const question = content.entries[0].utterances[0];
    expect(await nlu.classify(question)).toEqual(await original.classify(question));
    expect((await KnowledgeNlu.create({ ...content, modelCacheDir: dir })).modelSource).toBe('cached');
  });

  it('trains afresh when the content changes: the fingerprint covers every document', async () => {
    const content = smallContent();
    await KnowledgeNlu.create({ ...content, modelCacheDir: dir });
    const entries = content.entries.map((e, i) => (i === 0 ? { ...e, utterances: [...e.utterances, 'a brand new way to ask it'] } : e));
    const nlu = await KnowledgeNlu.create({ ...content, entries, modelCacheDir: dir });
    expect(nlu.modelSource).toBe('trained');
    // The domain and intent models both changed; the old files are left for an older build.
    expect(readdirSync(dir)).toHaveLength(4);
  });

  it('tells documents, their order and the settings apart', () => {
    const base = { settings: { a: 1 }, documents: [['lost phone', 'lost_phone'], ['hello', 'greeting']] as const };
    const fingerprint = modelFingerprint(base);
    expect(modelFingerprint({ ...base })).toBe(fingerprint);
    expect(modelFingerprint({ ...base, settings: { a: 2 } })).not.toBe(fingerprint);
    expect(modelFingerprint({ ...base, documents: [...base.documents].reverse() })).not.toBe(fingerprint);
    expect(modelFingerprint({ ...base, documents: [['lost phone', 'greeting'], ['hello', 'lost_phone']] })).not.toBe(fingerprint);
  });

  it('without a cache folder, trains and writes nothing', async () => {
    const nlu = await KnowledgeNlu.create(smallContent());
    expect(nlu.modelSource).toBe('trained');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the product cache under node_modules/.cache, which git and npm ci ignore', () => {
    expect(defaultModelCacheDir()).toBe(join(process.cwd(), 'node_modules', '.cache', 'mfa-helpdesk-nlu'));
  });
});
