import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en';
import { Nlp, type NlpClassification } from '@nlpjs/nlp';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CommandRecognizer } from './commands';
import { caseOf, shapeAnswer } from './answerShape';
import { extractEntities } from './entities';
import { COMMAND_PREFIX, NEAR_DOMAIN_PREFIX, NONE_INTENT, SMALLTALK_PREFIX, type HelpdeskRecognition } from './recognizer';
import { defaultSmallTalkFile, findContentFile, KnowledgeBaseError, loadKnowledgeBase, loadSmallTalk } from './knowledgeBase';
import { DomainRelevance } from './domainRelevance';
import { trainOrLoad, type ModelSource } from './modelCache';
import { canonicalize, SpellCorrector, words } from './textNormalizer';
import type { KnowledgeEntry, SmallTalkIntent } from './types';


/** Default minimum score for an answer or small-talk reply. */
export const DEFAULT_THRESHOLD = 0.5;

/** Default minimum share of a question's content words that must be in-domain. */
export const DEFAULT_MIN_RELEVANCE = 0.4;

/** Entries suggested when the classifier has no better idea. */
export const DEFAULT_SUGGESTION_IDS: readonly string[] = ['core_methods', 'lost_phone', 'contact_helpdesk'];

/** Result of {@link KnowledgeNlu.classify}. */
export type KnowledgeClassification =
  /** A knowledge entry matched with enough confidence. */
  | { readonly kind: 'answer'; readonly entry: KnowledgeEntry; readonly score: number }
  /** Small talk (greeting, thanks, goodbye, who are you) with its canned reply. */
  | {
      readonly kind: 'smalltalk';
      readonly intent: string;
      readonly reply: string;
      readonly speech: string;
      readonly score: number;
    }
  /** Near the domain but not MFA (passwords, locked accounts, Wi-Fi...): an honest "not MFA" and who can help. */
  | {
      readonly kind: 'near_domain';
      readonly intent: string;
      readonly reply: string;
      readonly speech: string;
      readonly score: number;
    }
  /** About MFA, but not clear enough to answer: offer the closest entries. */
  | { readonly kind: 'unknown'; readonly suggestions: readonly KnowledgeEntry[] }
  /** Not about MFA at all (pay, weather, printers...): never answered with an MFA entry. */
  | { readonly kind: 'out_of_scope'; readonly suggestions: readonly KnowledgeEntry[] };

/** Options of {@link KnowledgeNlu.create}. Everything defaults to the files under `content/`. */
export interface KnowledgeNluOptions {
  readonly entries?: readonly KnowledgeEntry[];
  readonly smallTalk?: readonly SmallTalkIntent[];
  /** Off-topic example sentences, trained as the `None` intent. */
  readonly outOfScope?: readonly string[];
  /** Near-domain IT topics that are not MFA, each with its "not MFA, ask them" reply. */
  readonly nearDomain?: readonly SmallTalkIntent[];
  /** Minimum score (0..1) for an answer or small-talk reply; default {@link DEFAULT_THRESHOLD}. */
  readonly threshold?: number;
  /**
   * Minimum share (0..1) of the question's content words that must occur in in-domain training,
   * unless it names a core term such as "mfa"; below it the question is out of scope.
   * Default {@link DEFAULT_MIN_RELEVANCE}.
   */
  readonly minRelevance?: number;
  /** Entry ids offered when there are no closer suggestions; default {@link DEFAULT_SUGGESTION_IDS}. */
  readonly defaultSuggestions?: readonly string[];
  /**
   * Folder where trained models are kept by a fingerprint of their training data, so a start
   * with unchanged content reads them instead of training (see {@link trainOrLoad}). Without it
   * the models are always trained, and nothing is written.
   */
  readonly modelCacheDir?: string;
}

/**
 * Loads the off-topic example sentences.
 * @param file a JSON array of strings; defaults to `content/outofscope.json`
 * @throws KnowledgeBaseError when the file is missing or malformed
 */
export function loadOutOfScope(file: string = findContentFile('outofscope.json')): string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new KnowledgeBaseError(file, `cannot be read as JSON (${(err as Error).message})`);
  }
  const parsed = z.array(z.string().trim().min(1)).min(1).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KnowledgeBaseError(file, `[${issue.path.join('.')}]: ${issue.message}`);
  }
  return parsed.data;
}

/** An NLP.js logger that drops everything: this layer never writes to the console. */
const silentLogger = {
  trace: (): void => undefined,
  debug: (): void => undefined,
  info: (): void => undefined,
  log: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
  fatal: (): void => undefined,
};

/** What the conversation has just been about, kept in conversation state between turns. */
export interface ConversationContext {
  /** The entry just answered, or the entry of the guided flow just finished. */
  readonly entryId?: string;
}

/** Words that open a follow-up ("and the call option?", "what about on iPhone?"). */
const FOLLOW_UP_LEAD = /^(?:and|or|also|but|then|so|what about|how about|what if|and if|and what about)\b\s*/;

/**
 * Whether a message reads as a follow-up: it opens with {@link FOLLOW_UP_LEAD} or "why", is at
 * most four words long, or is a short question pointing back ("who can help with that?").
 */
function isFollowUp(canonical: string): boolean {
  const count = words(canonical).length;
  return FOLLOW_UP_LEAD.test(canonical) || /^(?:why|how come)\b/.test(canonical) || count <= 4 || (count <= 7 && POINTS_BACK.test(canonical));
}

/** A follow-up asking for a variant of the answer just given ("what about on iPhone?"). */
const ASKS_FOR_VARIANT = /^(?:and |or |but )?(?:what|how) about\b/;

/** Fewest words of a follow-up, without its opening ("and", "why"...), that can be a question of its own. */
const STANDALONE_WORDS = 4;

/** Longest message that is still read as a follow-up because it names a case of the entry just answered. */
const CASE_FOLLOW_UP_WORDS = 8;

/**
 * Whether a short message names one of the cases of the entry just answered ("how does the call
 * one work?" after the list of methods): it is then a follow-up, however it is worded.
 */
function namesCaseOf(previous: KnowledgeEntry, text: string): boolean {
  return words(canonicalize(text)).length <= CASE_FOLLOW_UP_WORDS && caseOf(previous, extractEntities(text)) !== undefined;
}

/** Words that point back to what was just said. */
const POINTS_BACK = /\b(?:it|that|this|them|those|they|their)\b/;

/** An intent this sure, of a question whose words are all in-domain, is not overruled by the domain model. */
const SURE_ALONE = 0.8;

/** Lowest intent-model score of a near-domain topic that the domain model takes for off-topic (`None`). */
const NEAR_AGAINST_NONE = 0.6;

/** Settings of both NLP.js models (part of their cache fingerprint). */
const NLP_SETTINGS = {
  languages: ['en'],
  autoSave: false,
  autoLoad: false,
  threshold: 0,
  calculateSentiment: false,
  forceNER: false,
  nlu: { log: false, useNoneFeature: true },
} as const;

/** A fresh NLP.js pipeline for English that trains in memory and never logs. */
function newNlp(): Nlp {
  const container = containerBootstrap();
  container.use(LangEn);
  container.register('logger', silentLogger, true);
  return new Nlp({ ...NLP_SETTINGS, languages: [...NLP_SETTINGS.languages], nlu: { ...NLP_SETTINGS.nlu } }, container);
}

/**
 * Understands staff questions about MFA: an NLP.js neural classifier trained in memory from the
 * knowledge entries, small talk and off-topic examples, behind a typo-tolerant normaliser.
 * Create it once at start-up with {@link KnowledgeNlu.create}; it is then read-only and safe to share.
 */
export class KnowledgeNlu {
  private readonly byId: ReadonlyMap<string, KnowledgeEntry>;
  private readonly smallTalkByIntent: ReadonlyMap<string, SmallTalkIntent>;
  private readonly byTopic: ReadonlyMap<string, KnowledgeEntry>;
  /** The text normalised last, with its normal form (see {@link KnowledgeNlu.normalize}). */
  private lastNormalized: { readonly text: string; readonly normalized: string } | undefined;

  private constructor(
    /** Entries, small talk and near-domain topics. */
    private readonly intentModel: Nlp,
    /** The same intents against many off-topic sentences (`None`): tells whether a question is ours at all. */
    private readonly domainModel: Nlp,
    private readonly nearByIntent: ReadonlyMap<string, SmallTalkIntent>,
    private readonly speller: SpellCorrector,
    private readonly relevance: DomainRelevance,
    /** Minimum in-domain share of a question's content words. */
    readonly minRelevance: number,
    /** The knowledge entries the model was trained on. */
    readonly entries: readonly KnowledgeEntry[],
    smallTalk: readonly SmallTalkIntent[],
    /** Minimum score for an answer or small-talk reply. */
    readonly threshold: number,
    private readonly defaultSuggestionIds: readonly string[],
    /** How long loading the content and training took, in milliseconds. */
    readonly trainingMs: number,
    /** Whether the models were trained at creation or read from the model cache. */
    readonly modelSource: ModelSource,
    private readonly commands: CommandRecognizer,
  ) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    this.byTopic = new Map(entries.map((e) => [e.topic.trim().toLowerCase(), e]));
    this.smallTalkByIntent = new Map(smallTalk.map((s) => [s.intent, s]));
  }

  /**
   * Loads the content (unless given) and trains the classifier in memory, or reads the models
   * trained from the same content from `options.modelCacheDir` when one is given.
   * @param options content and tuning; defaults to the files under `content/`
   */
  static async create(options: KnowledgeNluOptions = {}): Promise<KnowledgeNlu> {
    const started = performance.now();
    const entries = options.entries ?? loadKnowledgeBase();
    const smallTalk = options.smallTalk ?? loadSmallTalk(defaultSmallTalkFile());
    const outOfScope = options.outOfScope ?? loadOutOfScope();
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    const minRelevance = options.minRelevance ?? DEFAULT_MIN_RELEVANCE;
    for (const [name, value] of [['threshold', threshold], ['minRelevance', minRelevance]] as const) {
      if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${value}`);
    }

    const nearDomain = options.nearDomain ?? loadSmallTalk(findContentFile('neardomain.json'));

    const corpus: string[] = [];
    const inDomain: { text: string; intent: string }[] = [];
    const intentModel = newNlp();
    const domainModel = newNlp();
    const intentDocuments: [string, string][] = [];
    const domainDocuments: [string, string][] = [];
    const add = (utterance: string, intent: string): void => {
      const text = canonicalize(utterance);
      if (text.length === 0) return;
      corpus.push(text);
      domainDocuments.push([text, intent]);
      domainModel.addDocument('en', text, intent);
      if (intent === NONE_INTENT) return;
      if (!intent.startsWith(NEAR_DOMAIN_PREFIX)) inDomain.push({ text, intent });
      intentDocuments.push([text, intent]);
      intentModel.addDocument('en', text, intent);
    };
    for (const entry of entries) {
      add(entry.topic, entry.id);
      for (const u of entry.utterances) add(u, entry.id);
    }
    for (const s of smallTalk) for (const u of s.utterances) add(u, SMALLTALK_PREFIX + s.intent);
    for (const s of nearDomain) for (const u of s.utterances) add(u, NEAR_DOMAIN_PREFIX + s.intent);
    for (const u of outOfScope) add(u, NONE_INTENT);
    const sources = await Promise.all([
      trainOrLoad(intentModel, { settings: NLP_SETTINGS, documents: intentDocuments }, options.modelCacheDir),
      trainOrLoad(domainModel, { settings: NLP_SETTINGS, documents: domainDocuments }, options.modelCacheDir),
    ]);

    const relevance = new DomainRelevance(inDomain);
    const speller = new SpellCorrector(corpus, { stem: (w) => relevance.stemWord(w) });
    const defaults = options.defaultSuggestions ?? DEFAULT_SUGGESTION_IDS;
    const trainingMs = performance.now() - started;
    return new KnowledgeNlu(
      intentModel,
      domainModel,
      new Map(nearDomain.map((n) => [n.intent, n])),
      speller,
      relevance,
      minRelevance,
      entries,
      smallTalk,
      threshold,
      defaults,
      trainingMs,
      sources.every((source) => source === 'cached') ? 'cached' : 'trained',
      new CommandRecognizer(),
    );
  }

  /**
   * An entry's answer as it reads for this question: when the question names one of the cases the
   * entry covers (a method, a device), that case comes first.
   * @param entry the entry being answered
   * @param question what the person asked
   */
  answerFor(entry: KnowledgeEntry, question: string): { readonly text: string; readonly speech: string } {
    return shapeAnswer(entry, extractEntities(question));
  }

  /** Finds an entry by id. */
  lookupEntry(id: string): KnowledgeEntry | undefined {
    return this.byId.get(id);
  }

  /**
   * Share of the question's content words that are in-domain (see {@link KnowledgeNluOptions.minRelevance}),
   * or `undefined` when it has none.
   */
  relevanceOf(text: string): number | undefined {
    const { share, anchored } = this.relevance.score(this.normalize(text));
    return anchored ? 1 : share;
  }

  /** The text as the classifier sees it: canonical words with misspellings corrected. */
  normalize(text: string): string {
    // One message is normalised twice as it is recognised (to classify it, and for the result).
    if (this.lastNormalized?.text === text) return this.lastNormalized.normalized;
    const normalized = this.speller.correct(canonicalize(text));
    this.lastNormalized = { text, normalized };
    return normalized;
  }

  /**
   * Classifies one message.
   * @param text what the user typed or said
   */
  async classify(text: string, context: ConversationContext = {}): Promise<KnowledgeClassification> {
    return (await this.classifyInContext(text, context)).classification;
  }

  /** {@link KnowledgeNlu.classify}, saying whether the message was read as a follow-up of the context's entry. */
  private async classifyInContext(text: string, context: ConversationContext): Promise<{ readonly classification: KnowledgeClassification; readonly followUpOf?: string }> {
    const previous = context.entryId === undefined ? undefined : this.byId.get(context.entryId);
    if (previous && (isFollowUp(canonicalize(text)) || namesCaseOf(previous, text))) {
      const followUp = await this.followUp(text, previous);
      if (followUp) return { classification: followUp, followUpOf: previous.id };
    }
    return { classification: await this.classifyAlone(text) };
  }

  /**
   * A short follow-up ("and the phone call option?", "what about on iPhone?", "why?") read
   * against the entry just answered: the same entry when it names one of the entry's cases, the
   * entry the follow-up names when it is clear on its own ("and guest accounts?"), else the
   * follow-up together with the entry's topic ("who can help with that?").
   */
  private async followUp(text: string, previous: KnowledgeEntry): Promise<KnowledgeClassification | undefined> {
    const slots = extractEntities(text);
    if (caseOf(previous, slots)) return { kind: 'answer', entry: previous, score: 1 };
    const canonical = canonicalize(text);
    const together = async (): Promise<KnowledgeClassification> => this.classifyAlone(`${text} ${previous.topic}`);
    // "what happens after that?", "can I turn it off?": about the entry just answered.
    if (POINTS_BACK.test(canonical)) {
      const result = await together();
      if (result.kind === 'answer') return result;
    }
    const rest = canonical.replace(FOLLOW_UP_LEAD, '');
    const alone = await this.classifyAlone(rest);
    if (alone.kind === 'answer' && alone.entry.id !== previous.id) return alone;
    // "why is my account blocked" after an answer is still a question about something else: an
    // IT question that is not MFA, or one whose words are plainly off-topic, stands on its own,
    // unless it asks for a variant of the last answer ("what about in outlook on my desktop?").
    const question = words(rest).length >= STANDALONE_WORDS;
    const standsAlone = question && (alone.kind === 'near_domain' || (alone.kind === 'out_of_scope' && (this.relevanceOf(rest) ?? 1) < this.minRelevance));
    if (standsAlone && !ASKS_FOR_VARIANT.test(canonical)) return alone;
    // A short message not worded as a follow-up ("who invented the internet") stands on its own:
    // read together with the last topic, it would take that topic's words and repeat its answer.
    if (!FOLLOW_UP_LEAD.test(canonical) && !/^(?:why|how come)\b/.test(canonical)) return undefined;
    const combined = await together();
    if (combined.kind === 'answer') return combined;
    return alone.kind === 'answer' ? alone : undefined;
  }

  /** Classifies one message on its own, without the conversation. */
  private async classifyAlone(text: string): Promise<KnowledgeClassification> {
    const trimmed = text.trim();
    const byTopic = this.byTopic.get(trimmed.toLowerCase());
    if (byTopic) return { kind: 'answer', entry: byTopic, score: 1 };
    const normalized = this.normalize(trimmed);
    if (normalized.length === 0) return { kind: 'unknown', suggestions: this.suggestions([]) };

    const single = words(normalized);
    if (single.length === 1) {
      // One word that many topics use ("phone", "code", "mfa") is too vague to answer.
      const { intents, dominant } = this.relevance.intentsOfWord(single[0]);
      if (intents.length > 0 && !dominant) {
        return { kind: 'unknown', suggestions: this.suggestions(intents.map((intent) => ({ intent, score: 1 }))) };
      }
    }

    const [result, domain] = await Promise.all([this.intentModel.process('en', normalized), this.domainModel.process('en', normalized)]);
    const ranked = [...(result.classifications ?? [])].sort((a, b) => b.score - a.score);
    const top = ranked[0];
    const domainTop = [...(domain.classifications ?? [])].sort((a, b) => b.score - a.score)[0];
    // Near-domain when either model says so; against the domain model's None, only when the intent model is fairly sure.
    const nearBar = domainTop?.intent === NONE_INTENT ? Math.max(this.threshold, NEAR_AGAINST_NONE) : this.threshold;
    const near = [top, domainTop].find((c) => c?.intent.startsWith(NEAR_DOMAIN_PREFIX) && c.score >= nearBar);
    const nearTopic = near && this.nearByIntent.get(near.intent.slice(NEAR_DOMAIN_PREFIX.length));
    if (near && nearTopic) {
      return { kind: 'near_domain', intent: nearTopic.intent, reply: nearTopic.reply, speech: nearTopic.speech, score: near.score };
    }
    const { share, anchored } = this.relevance.score(normalized);
    const offTopicWords = !anchored && share !== undefined && share < this.minRelevance;
    // The domain model says "not ours", unless every content word is in-domain and the intent
    // model is both clear and surer of its intent than the domain model is of None.
    const notOurs = domainTop?.intent === NONE_INTENT && !(share === 1 && top !== undefined && top.score >= SURE_ALONE && top.score > domainTop.score);
    if (!top || offTopicWords || notOurs || top.intent === NONE_INTENT || top.score <= 0 || top.intent.startsWith(NEAR_DOMAIN_PREFIX)) {
      // A question that names a core term (MFA, phone, code...) is unclear rather than off-topic.
      return { kind: anchored ? 'unknown' : 'out_of_scope', suggestions: this.suggestions(ranked) };
    }
    if (top.score >= this.threshold) {
      if (top.intent.startsWith(SMALLTALK_PREFIX)) {
        const intent = top.intent.slice(SMALLTALK_PREFIX.length);
        const talk = this.smallTalkByIntent.get(intent);
        if (talk) return { kind: 'smalltalk', intent, reply: talk.reply, speech: talk.speech, score: top.score };
      }
      const entry = this.byId.get(top.intent);
      if (entry) return { kind: 'answer', entry, score: top.score };
    }
    return { kind: 'unknown', suggestions: this.suggestions(ranked) };
  }

  /**
   * Recognises one message in the Bot Framework `RecognizerResult` shape: the command it is
   * (help, cancel, start over, talk to a person, verify me, my tickets, a menu topic), else the
   * knowledge entry, small talk or `None`, with the entities the guided flows ask about.
   * @param text what the user typed or said
   */
  async recognize(text: string, context: ConversationContext = {}): Promise<HelpdeskRecognition> {
    const command = this.commands.recognize(text, ['anywhere', 'top']);
    const { classification, followUpOf } = await this.classifyInContext(text, context);
    const intents: Record<string, { score: number }> = {};
    if (command) intents[COMMAND_PREFIX + command.intent] = { score: command.score };
    switch (classification.kind) {
      case 'answer':
        intents[classification.entry.id] = { score: classification.score };
        break;
      case 'smalltalk':
        intents[SMALLTALK_PREFIX + classification.intent] = { score: classification.score };
        break;
      case 'near_domain':
        intents[NEAR_DOMAIN_PREFIX + classification.intent] = { score: classification.score };
        break;
      default:
        intents[NONE_INTENT] = { score: command ? 0 : 1 };
    }
    return { text, alteredText: this.normalize(text), intents, entities: extractEntities(text), command: command?.intent, classification, ...(followUpOf ? { followUpOf } : {}) };
  }

  /** The three most likely entries, topped up with the default suggestions. */
  private suggestions(ranked: readonly NlpClassification[]): KnowledgeEntry[] {
    const picked: KnowledgeEntry[] = [];
    const push = (id: string): void => {
      const entry = this.byId.get(id);
      if (entry && !picked.includes(entry) && picked.length < 3) picked.push(entry);
    };
    for (const c of ranked) if (c.score > 0) push(c.intent);
    for (const id of this.defaultSuggestionIds) push(id);
    for (const entry of this.entries) push(entry.id);
    return picked;
  }
}
