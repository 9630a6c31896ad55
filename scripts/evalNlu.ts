/**
 * Scores the recognizer on the held-out sets under test/nlu (none used for training) and prints a
 * JSON report: in-scope top-1 accuracy on the paraphrases, the off-topic decline rate, the
 * near-domain handling rate, slot accuracy on first messages, follow-up accuracy on two-turn
 * exchanges and the one-question-per-fact accuracy.
 * Usage: npm run eval:nlu [-- --threshold 0.6] [-- --quiet]
 */
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
} from '../src/knowledge/evaluation';
import { KnowledgeNlu } from '../src/knowledge/knowledgeNlu';

const HELD_OUT = join(__dirname, '..', 'test', 'nlu');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--threshold');
  const threshold = at >= 0 ? Number(args[at + 1]) : undefined;
  const quiet = args.includes('--quiet');
  const nlu = await KnowledgeNlu.create({ threshold });
  const file = (name: string): string => join(HELD_OUT, name);
  const paraphrases = await evaluateNlu(nlu, loadEvalCases(file('heldout.json')));
  const offTopic = await evaluateNlu(nlu, loadOffTopicCases(file('offtopic.json')));
  const nearDomain = await evaluateNearDomain(nlu, loadNearDomainCases(file('neardomain.json')));
  const slots = evaluateSlots(loadSlotCases(file('slots.json')));
  const followUps = await evaluateFollowUps(nlu, loadFollowUpCases(file('followups.json')));
  const facts = await evaluateFacts(nlu, loadFactCases(file('facts.json')));
  const misses = <T>(list: readonly T[]): number | readonly T[] => (quiet ? list.length : list);
  const output = {
    measured: new Date().toISOString().slice(0, 10),
    inScopeAccuracy: { rate: paraphrases.accuracy, cases: paraphrases.inScope, top3: paraphrases.top3, misses: misses(paraphrases.misses.filter((m) => m.expected !== null)) },
    offTopicDecline: {
      rate: offTopic.outOfScopeRejection,
      sentences: offTopic.outOfScope,
      withParaphraseSet: paraphrases.outOfScopeRejection,
      answered: misses(offTopic.misses),
    },
    nearDomainHandling: { rate: nearDomain.rate, rightTopic: nearDomain.rightTopic, cases: nearDomain.cases, misses: misses(nearDomain.misses) },
    slotAccuracy: { rate: slots.rate, cases: slots.cases, misses: misses(slots.misses) },
    followUpAccuracy: { rate: followUps.rate, cases: followUps.cases, misses: misses(followUps.misses) },
    oneQuestionPerFact: { rate: facts.rate, cases: facts.cases, misses: misses(facts.misses) },
    threshold: nlu.threshold,
    trainingMs: Math.round(nlu.trainingMs),
  };
  console.log(JSON.stringify(output, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
