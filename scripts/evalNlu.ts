/**
 * Scores the knowledge NLU on the held-out phrases in test/nlu/heldout.json, and the share of the
 * off-topic sentences in test/nlu/offtopic.json (none used for training) that are declined; prints a JSON report.
 * Usage: npm run eval:nlu [-- --threshold 0.6] [-- --quiet]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateNlu, loadEvalCases } from '../src/knowledge/evaluation';
import { KnowledgeNlu } from '../src/knowledge/knowledgeNlu';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--threshold');
  const threshold = at >= 0 ? Number(args[at + 1]) : undefined;
  const quiet = args.includes('--quiet');
  const nlu = await KnowledgeNlu.create({ threshold });
  const cases = loadEvalCases(join(__dirname, '..', 'test', 'nlu', 'heldout.json'));
  const report = await evaluateNlu(nlu, cases);
  const offTopic = (JSON.parse(readFileSync(join(__dirname, '..', 'test', 'nlu', 'offtopic.json'), 'utf8')) as { text: string }[]).map((o) => ({ text: o.text, expected: null }));
  const off = await evaluateNlu(nlu, offTopic);
  const output = {
    ...report,
    offTopicDecline: { rate: off.outOfScopeRejection, sentences: off.outOfScope, answered: quiet ? off.misses.length : off.misses },
    trainingMs: Math.round(nlu.trainingMs),
    misses: quiet ? report.misses.length : report.misses,
  };
  console.log(JSON.stringify(output, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
