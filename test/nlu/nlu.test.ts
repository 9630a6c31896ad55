import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KnowledgeNlu } from '../../src/knowledge/knowledgeNlu';

describe('knowledge NLU', () => {
  let nlu: KnowledgeNlu;
  const consoleCalls: unknown[][] = [];

  beforeAll(async () => {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const spies = methods.map((m) => jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void consoleCalls.push(args)));
    nlu = await KnowledgeNlu.create();
    for (const s of spies) s.mockRestore();
  });

  // Training time is reported by `npm run bench` and the start-up log, not asserted here: a shared machine is noisy.
  it('trains in memory, silently, without writing a model file', () => {
    expect(nlu.trainingMs).toBeGreaterThan(0);
    expect(consoleCalls).toEqual([]);
    expect(existsSync(join(process.cwd(), 'model.nlp'))).toBe(false);
  });

  describe('classify', () => {
    it.each([
      ['lost phone!!', 'lost_phone'],
      ['I LOST MY PHONE', 'lost_phone'],
      ['helpdesk number?', 'contact_helpdesk'],
      ['grace period', 'grace_period'],
      ['how do I chnage my deafult mfa method', 'change_default_method'],
      ['someone keeps sending me approval requests', 'suspicious_prompt'],
    ])('answers %p with %s', async (text, id) => {
      const result = await nlu.classify(text);
      expect(result.kind).toBe('answer');
      if (result.kind === 'answer') {
        expect(result.entry.id).toBe(id);
        expect(result.score).toBeGreaterThanOrEqual(nlu.threshold);
      }
    });

    it('maps every topic title (used on follow-up buttons) back to its entry', async () => {
      for (const entry of nlu.entries) {
        const result = await nlu.classify(entry.topic);
        expect(result).toMatchObject({ kind: 'answer', entry: { id: entry.id } });
      }
    });

    it.each(['phone', 'code', 'mfa'])('treats the lone, vague word %p as unclear and suggests topics', async (text) => {
      const result = await nlu.classify(text);
      expect(result.kind).toBe('unknown');
      if (result.kind === 'unknown') expect(result.suggestions).toHaveLength(3);
    });

    it('answers a lone word that points to one topic', async () => {
      expect(await nlu.classify('FIDO2?')).toMatchObject({ kind: 'answer', entry: { id: 'fido2_tokens' } });
    });

    it('recognises small talk and returns its reply', async () => {
      const result = await nlu.classify('hiya, good morning');
      expect(result).toMatchObject({ kind: 'smalltalk', intent: 'greeting' });
      if (result.kind === 'smalltalk') {
        expect(result.reply.length).toBeGreaterThan(0);
        expect(result.speech.length).toBeGreaterThan(0);
      }
    });

    it.each(['how do I book a train ticket to york', 'the photocopier on floor 2 is broken', 'what is the score in the cricket'])(
      'rejects the off-topic %p with three suggestions',
      async (text) => {
        const result = await nlu.classify(text);
        expect(['out_of_scope', 'unknown']).toContain(result.kind);
        if (result.kind === 'out_of_scope' || result.kind === 'unknown') expect(result.suggestions).toHaveLength(3);
      },
    );

    it('falls back to three suggestions for empty or unintelligible input', async () => {
      for (const text of ['', '   ', '???', 'asdfgh qwerty']) {
        const result = await nlu.classify(text);
        expect(['unknown', 'out_of_scope']).toContain(result.kind);
        if (result.kind === 'unknown' || result.kind === 'out_of_scope') {
          expect(result.suggestions).toHaveLength(3);
          expect(new Set(result.suggestions.map((e) => e.id)).size).toBe(3);
        }
      }
    });

    it('gives the closest entries as suggestions when unsure', async () => {
      const result = await nlu.classify('my phone went missing on the bus');
      expect(result.kind).toBe('unknown');
      if (result.kind === 'unknown') expect(result.suggestions.map((e) => e.id)).toContain('lost_phone');
    });

    it('rejects thresholds outside 0..1', async () => {
      await expect(KnowledgeNlu.create({ threshold: 1.5 })).rejects.toThrow(RangeError);
    });

    it.each([
      ['why is my account blocked', 'account_locked'],
      ['i forgot my password', 'password_reset'],
      ['my smartcard reader is not detecting the card', 'smartcard_reader'],
    ])('tells %p that it is not MFA, and who can help', async (text, intent) => {
      const result = await nlu.classify(text);
      expect(result).toMatchObject({ kind: 'near_domain', intent });
      if (result.kind === 'near_domain') {
        expect(result.reply).toMatch(/local (IT team or )?(administrator|Registration Authority)/);
        expect(result.reply).toContain('0333 200 1133');
        expect(result.speech).toContain('oh three three three');
      }
    });

    it('never answers "i lost my credit card" with the lost-phone entry', async () => {
      expect(['out_of_scope', 'unknown', 'near_domain']).toContain((await nlu.classify('i lost my credit card')).kind);
    });

    it('looks entries up by id', () => {
      expect(nlu.lookupEntry('uk_numbers')?.topic).toBe('UK numbers only');
      expect(nlu.lookupEntry('missing')).toBeUndefined();
    });
  });
});
