import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { extractEntities, type HelpdeskSlots } from './entities';
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
  /** Share of off-topic cases that were not given an MFA answer (see {@link isDeclined}). */
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

/** Rounds a share to three decimals; 1 when there is nothing to count. */
const ratio = (a: number, b: number): number => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

const casesSchema = z.array(z.object({ text: z.string().min(1), expected: z.string().min(1).nullable() }).strict()).min(1);

/**
 * Reads a held-out file: a JSON array of `{ text, expected }`.
 * @param file path of the JSON file
 */
export function loadEvalCases(file: string): EvalCase[] {
  return casesSchema.parse(readJson(file));
}

/** A short label: entry id, `smalltalk:<intent>`, `near:<intent>`, `unknown` or `out_of_scope`. */
export function labelOf(result: KnowledgeClassification): string {
  switch (result.kind) {
    case 'answer':
      return result.entry.id;
    case 'smalltalk':
      return `smalltalk:${result.intent}`;
    case 'near_domain':
      return `near:${result.intent}`;
    default:
      return result.kind;
  }
}

/**
 * Whether a question was kept away from MFA content: not answered with an entry or small talk
 * (so declined, unclear with suggestions, or told it is not MFA with who can help).
 */
export function isDeclined(result: KnowledgeClassification): boolean {
  return result.kind === 'unknown' || result.kind === 'out_of_scope' || result.kind === 'near_domain';
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
      if (isDeclined(result)) rejected += 1;
      else misses.push({ text: c.text, expected: null, got });
      continue;
    }
    inScope += 1;
    if (got === c.expected) correct += 1;
    else misses.push({ text: c.text, expected: c.expected, got });
    if (isDeclined(result)) fallbacks += 1;
    if (!c.expected.startsWith('smalltalk:')) {
      entryCases += 1;
      const ids = result.kind === 'answer' ? [result.entry.id] : result.kind === 'unknown' || result.kind === 'out_of_scope' ? result.suggestions.map((e) => e.id) : [];
      if (ids.includes(c.expected)) inTop3 += 1;
    }
  }
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

/** Score of a held-out set: the share right, how many cases, and the ones missed. */
export interface SetScore<M> {
  readonly rate: number;
  readonly cases: number;
  readonly misses: readonly M[];
}

/** A near-domain question (not MFA) and the near-domain topic it is about. */
export interface NearDomainCase {
  readonly text: string;
  readonly expected: string;
}

/**
 * Reads the near-domain set: a JSON array of `{ text, expected }` where `expected` is a topic of
 * `content/neardomain.json`.
 */
export function loadNearDomainCases(file: string): NearDomainCase[] {
  return z.array(z.object({ text: z.string().min(1), expected: z.string().min(1) }).strict()).min(1).parse(readJson(file));
}

/**
 * Near-domain handling: the share of questions that get the "not MFA, ask them" reply (rate), and
 * of those with the expected topic (`rightTopic`). An MFA answer, small talk or a flow is a miss.
 */
export async function evaluateNearDomain(nlu: KnowledgeNlu, cases: readonly NearDomainCase[]): Promise<SetScore<EvalMiss> & { readonly rightTopic: number }> {
  let handled = 0;
  let right = 0;
  const misses: EvalMiss[] = [];
  for (const c of cases) {
    const result = await nlu.classify(c.text);
    if (result.kind === 'near_domain') {
      handled += 1;
      if (result.intent === c.expected) right += 1;
    } else misses.push({ text: c.text, expected: `near:${c.expected}`, got: labelOf(result) });
  }
  return { rate: ratio(handled, cases.length), rightTopic: ratio(right, cases.length), cases: cases.length, misses };
}

const slotValue = z.union([z.boolean(), z.number(), z.enum(['app', 'sms', 'call', 'iphone', 'android'])]);

/** A first message and every slot it carries, with `sure: false` when the person hedges. */
export interface SlotCase {
  readonly text: string;
  readonly slots: Readonly<Partial<Record<keyof HelpdeskSlots, string | number | boolean>>>;
  /** Whether the slots are said plainly (true) or hedged, so that a flow must confirm them (false). */
  readonly sure: boolean;
}

const SLOT_KEYS = ['method', 'sameNumber', 'device', 'oldPhone', 'stolen', 'otherMethod', 'approved', 'promptCount'] as const;

/** Reads the slot set: `{ text, slots, sure }` per first message. */
export function loadSlotCases(file: string): SlotCase[] {
  return z
    .array(z.object({ text: z.string().min(1), slots: z.record(z.enum(SLOT_KEYS), slotValue), sure: z.boolean().default(true) }).strict())
    .min(1)
    .parse(readJson(file));
}

/** A slot case got wrong: what was expected and what was extracted. */
export interface SlotMiss {
  readonly text: string;
  readonly expected: string;
  readonly got: string;
}

/**
 * Slot accuracy: the share of messages whose extracted slots are exactly the expected ones (no
 * slot missing, none extra, every value right), with the right sureness.
 */
export function evaluateSlots(cases: readonly SlotCase[]): SetScore<SlotMiss> {
  let right = 0;
  const misses: SlotMiss[] = [];
  const sureScore = 0.8;
  for (const c of cases) {
    const entities = extractEntities(c.text);
    const got: Record<string, string | number | boolean> = {};
    let sure = true;
    for (const key of SLOT_KEYS) {
      const slot = entities[key];
      if (!slot) continue;
      got[key] = slot.value;
      if (slot.score < sureScore) sure = false;
    }
    const canon = (o: Readonly<Record<string, unknown>>): string => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));
    const hasSlots = Object.keys(c.slots).length > 0;
    if (canon(got) === canon(c.slots) && (!hasSlots || sure === c.sure)) right += 1;
    else misses.push({ text: c.text, expected: `${canon(c.slots)}${c.sure ? '' : ' unsure'}`, got: `${canon(got)}${sure ? '' : ' unsure'}` });
  }
  return { rate: ratio(right, cases.length), cases: cases.length, misses };
}

/** A question written for one fact of the FAQ, with words that fact's reply must contain. */
export interface FactCase {
  readonly text: string;
  /** The entry that holds the fact. */
  readonly expected: string;
  /** Words of the fact that must be in the first reply (case-insensitive, Markdown emphasis ignored). */
  readonly fact: string;
}

/** Reads the one-question-per-fact set. */
export function loadFactCases(file: string): FactCase[] {
  return z.array(z.object({ text: z.string().min(1), expected: z.string().min(1), fact: z.string().min(1) }).strict()).min(1).parse(readJson(file));
}

/** Text without Markdown emphasis, lower case, for fact checks. */
const plain = (markdown: string): string => markdown.replace(/(\*\*|__)/g, '').toLowerCase();

/**
 * One-question-per-fact accuracy: the share of questions whose first reply (the answer the
 * recognizer picks, shaped for the question) contains the fact.
 */
export async function evaluateFacts(nlu: KnowledgeNlu, cases: readonly FactCase[]): Promise<SetScore<EvalMiss>> {
  let right = 0;
  const misses: EvalMiss[] = [];
  for (const c of cases) {
    const result = await nlu.classify(c.text);
    const reply = result.kind === 'answer' ? nlu.answerFor(result.entry, c.text).text : '';
    if (plain(reply).includes(plain(c.fact))) right += 1;
    else misses.push({ text: c.text, expected: `${c.expected}: ${c.fact}`, got: labelOf(result) });
  }
  return { rate: ratio(right, cases.length), cases: cases.length, misses };
}

/** Reads the held-out off-topic sentences, `{ text, domain }` each, as cases that must be declined. */
export function loadOffTopicCases(file: string): EvalCase[] {
  return z
    .array(z.object({ text: z.string().min(1), domain: z.string().min(1) }).strict())
    .min(1)
    .parse(readJson(file))
    .map((o) => ({ text: o.text, expected: null }));
}

/** A two-turn exchange: a question, then a short follow-up that only makes sense after it. */
export interface FollowUpCase {
  readonly first: string;
  readonly then: string;
  /** The entry the follow-up must be answered with. */
  readonly expected: string;
  /** Words the first paragraph of the follow-up's answer must contain (the case asked about). */
  readonly lead?: string;
}

/** Reads the follow-up set. */
export function loadFollowUpCases(file: string): FollowUpCase[] {
  return z
    .array(z.object({ first: z.string().min(1), then: z.string().min(1), expected: z.string().min(1), lead: z.string().min(1).optional() }).strict())
    .min(1)
    .parse(readJson(file));
}

/**
 * Follow-up accuracy: the first question is classified, the entry it got becomes the context, and
 * the follow-up must then get the expected entry, leading with the case asked about when one is given.
 */
export async function evaluateFollowUps(nlu: KnowledgeNlu, cases: readonly FollowUpCase[]): Promise<SetScore<EvalMiss>> {
  let right = 0;
  const misses: EvalMiss[] = [];
  for (const c of cases) {
    const first = await nlu.classify(c.first);
    const context = first.kind === 'answer' ? { entryId: first.entry.id } : {};
    const result = await nlu.classify(c.then, context);
    const lead = result.kind === 'answer' ? plain(nlu.answerFor(result.entry, c.then).text.split('\n\n')[0]) : '';
    if (result.kind === 'answer' && result.entry.id === c.expected && (c.lead === undefined || lead.includes(plain(c.lead)))) right += 1;
    else misses.push({ text: `${c.first} / ${c.then}`, expected: `${c.expected}${c.lead ? `: ${c.lead}` : ''}`, got: `${labelOf(first)} / ${labelOf(result)}` });
  }
  return { rate: ratio(right, cases.length), cases: cases.length, misses };
}
