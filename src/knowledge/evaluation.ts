import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { KnowledgeClassification, KnowledgeNlu } from './knowledgeNlu';

/** One labelled evaluation phrase. */
export interface EvalCase {
  readonly text: string;
  /** An entry id, `smalltalk:<intent>`, or `null` for an off-topic question that must be rejected. */
  readonly expected: string | null;
}

/** A case the classifier got wrong. */
export interface EvalMiss {
  readonly text: string;
  readonly expected: string | null;
  readonly got: string;
}

/** Scores of an evaluation run. */
export interface EvalReport {
  /** Top-1 accuracy over in-scope cases (answer or small talk with the expected label). */
  readonly accuracy: number;
  /** Share of off-topic cases that were not answered (classified `unknown` or `out_of_scope`). */
  readonly outOfScopeRejection: number;
  /** Share of in-scope entry cases whose expected entry is the answer or among the suggestions. */
  readonly top3: number;
  readonly total: number;
  readonly inScope: number;
  readonly outOfScope: number;
  /** In-scope cases sent to the fallback instead of being answered. */
  readonly fallbacks: number;
  readonly threshold: number;
  readonly misses: readonly EvalMiss[];
}

const casesSchema = z.array(z.object({ text: z.string().min(1), expected: z.string().min(1).nullable() }).strict()).min(1);

/**
 * Reads a held-out file: a JSON array of `{ text, expected }`.
 * @param file path of the JSON file
 */
export function loadEvalCases(file: string): EvalCase[] {
  return casesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** A short label for a classification: entry id, `smalltalk:<intent>`, `unknown` or `out_of_scope`. */
export function labelOf(result: KnowledgeClassification): string {
  switch (result.kind) {
    case 'answer':
      return result.entry.id;
    case 'smalltalk':
      return `smalltalk:${result.intent}`;
    default:
      return result.kind;
  }
}

/**
 * Classifies every case and scores the results.
 * @param nlu a trained classifier
 * @param cases labelled phrases that were not used for training
 */
export async function evaluateNlu(nlu: KnowledgeNlu, cases: readonly EvalCase[]): Promise<EvalReport> {
  let inScope = 0;
  let correct = 0;
  let inTop3 = 0;
  let entryCases = 0;
  let fallbacks = 0;
  let outOfScope = 0;
  let rejected = 0;
  const misses: EvalMiss[] = [];
  for (const c of cases) {
    const result = await nlu.classify(c.text);
    const got = labelOf(result);
    if (c.expected === null) {
      outOfScope += 1;
      if (result.kind === 'unknown' || result.kind === 'out_of_scope') rejected += 1;
      else misses.push({ text: c.text, expected: null, got });
      continue;
    }
    inScope += 1;
    if (got === c.expected) correct += 1;
    else misses.push({ text: c.text, expected: c.expected, got });
    if (result.kind === 'unknown' || result.kind === 'out_of_scope') fallbacks += 1;
    if (!c.expected.startsWith('smalltalk:')) {
      entryCases += 1;
      const ids = result.kind === 'answer' ? [result.entry.id] : result.kind === 'smalltalk' ? [] : result.suggestions.map((e) => e.id);
      if (ids.includes(c.expected)) inTop3 += 1;
    }
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);
  return {
    accuracy: ratio(correct, inScope),
    outOfScopeRejection: ratio(rejected, outOfScope),
    top3: ratio(inTop3, entryCases),
    total: cases.length,
    inScope,
    outOfScope,
    fallbacks,
    threshold: nlu.threshold,
    misses,
  };
}
