import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateFacts,
  evaluateFollowUps,
  evaluateNearDomain,
  evaluateNlu,
  evaluateSlots,
  loadEvalCases,
  loadFactCases,
  loadFollowUpCases,
  loadNearDomainCases,
  loadOffTopicCases,
  loadSlotCases,
} from '../../src/knowledge/evaluation';
import { findContentFile, loadKnowledgeBase, loadSmallTalk } from '../../src/knowledge/knowledgeBase';
import { KnowledgeNlu, loadOutOfScope } from '../../src/knowledge/knowledgeNlu';

/** The held-out sets: none of their sentences (nor the same words in another order) is trained on. */
const file = (name: string): string => join(__dirname, name);
const paraphrases = loadEvalCases(file('heldout.json'));
const offTopic = loadOffTopicCases(file('offtopic.json'));
const nearDomain = loadNearDomainCases(file('neardomain.json'));
const slots = loadSlotCases(file('slots.json'));
const followUps = loadFollowUpCases(file('followups.json'));
const facts = loadFactCases(file('facts.json'));

const key = (t: string): string => t.toLowerCase().replace(/[^a-z0-9' ]/g, ' ').split(/\s+/).filter(Boolean).sort().join(' ');

let nlu: KnowledgeNlu;
beforeAll(async () => {
  nlu = await KnowledgeNlu.create();
});

describe('held-out sets', () => {
  const ids = new Set(loadKnowledgeBase().map((e) => e.id));
  const near = new Set(loadSmallTalk(findContentFile('neardomain.json')).map((n) => n.intent));

  it('are as large as the evaluation needs', () => {
    expect(paraphrases.filter((c) => c.expected !== null).length).toBeGreaterThanOrEqual(120);
    expect(offTopic.length).toBeGreaterThanOrEqual(500);
    expect(nearDomain.length).toBeGreaterThanOrEqual(30);
    expect(new Set(nearDomain.map((c) => c.expected)).size).toBeGreaterThanOrEqual(5);
    expect(slots.length).toBeGreaterThanOrEqual(60);
    expect(followUps.length).toBeGreaterThanOrEqual(30);
    expect(facts.length).toBeGreaterThanOrEqual(60);
  });

  it('name only entries and near-domain topics that exist', () => {
    expect(nearDomain.filter((c) => !near.has(c.expected))).toEqual([]);
    expect(facts.filter((c) => !ids.has(c.expected))).toEqual([]);
    expect(followUps.filter((c) => !ids.has(c.expected))).toEqual([]);
  });

  it('give every fact words that the entry holding it really says', () => {
    const answer = (id: string): string => (loadKnowledgeBase().find((e) => e.id === id)?.answer ?? '').replace(/\*\*/g, '').toLowerCase();
    expect(facts.filter((c) => !answer(c.expected).includes(c.fact.toLowerCase())).map((c) => c.text)).toEqual([]);
  });

  it("are never trained on (the first turn of a follow-up is only its context)", () => {
    const trained = new Set(
      [
        ...loadKnowledgeBase().flatMap((e) => [e.topic, ...e.utterances]),
        ...loadSmallTalk().flatMap((t) => t.utterances),
        ...loadSmallTalk(findContentFile('neardomain.json')).flatMap((t) => t.utterances),
        ...loadOutOfScope(),
      ].map(key),
    );
    const heldOut = [
      ...paraphrases.map((c) => c.text),
      ...offTopic.map((c) => c.text),
      ...nearDomain.map((c) => c.text),
      ...slots.map((c) => c.text),
      ...followUps.map((c) => c.then),
      ...facts.map((c) => c.text),
    ];
    expect(heldOut.filter((t) => trained.has(key(t)))).toEqual([]);
  });

  it('hold at least 1,000 off-topic sentences from at least 10 domains across the training and held-out parts', () => {
    const all = [...loadOutOfScope(), ...offTopic.map((c) => c.text)];
    expect(new Set(all.map(key)).size).toBeGreaterThanOrEqual(1000);
    const domains = (JSON.parse(readFileSync(file('offtopic.json'), 'utf8')) as { domain: string }[]).map((o) => o.domain);
    expect(new Set(domains).size).toBeGreaterThanOrEqual(10);
  });
});

describe('evaluation thresholds', () => {
  it('answers held-out paraphrases with the right entry (top-1 at least 0.93)', async () => {
    const report = await evaluateNlu(nlu, paraphrases);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(report.outOfScopeRejection).toBeGreaterThanOrEqual(0.95);
  });

  it('declines at least 0.95 of the held-out off-topic sentences', async () => {
    expect((await evaluateNlu(nlu, offTopic)).outOfScopeRejection).toBeGreaterThanOrEqual(0.95);
  });

  it('gives at least 0.85 of near-domain questions the "not MFA, ask them" reply', async () => {
    expect((await evaluateNearDomain(nlu, nearDomain)).rate).toBeGreaterThanOrEqual(0.85);
  });

  it('extracts the slots of at least 0.90 of the held-out first messages', () => {
    expect(evaluateSlots(slots).rate).toBeGreaterThanOrEqual(0.9);
  });

  it('answers at least 0.85 of the held-out follow-ups from the entry just given', async () => {
    expect((await evaluateFollowUps(nlu, followUps)).rate).toBeGreaterThanOrEqual(0.85);
  });

  it('puts the fact in the first reply for at least 0.93 of the one-question-per-fact set', async () => {
    expect((await evaluateFacts(nlu, facts)).rate).toBeGreaterThanOrEqual(0.93);
  });
});
