import { StemmerEn, StopwordsEn } from '@nlpjs/lang-en';
import { words } from './textNormalizer';

/** Everyday words that say nothing about the topic of a question. */
const GENERIC_WORDS = new Set(
  (
    'need want use using used get got getting like please help know tell thing things now still just really ' +
    'way ways one also new old good bad make made going go say said give see look able yes ok okay hi hey ' +
    'can could would should will shall may might must not no any every time today tomorrow day week'
  ).split(' '),
);

/**
 * Words (canonical forms, see `canonicalize`) that on their own make a question about sign-in
 * security, whatever else it says.
 */
const DOMAIN_TERMS = (
  'mfa authenticator authentication authenticate verification verify verified fido2 smartcard nhsmail ' +
  'prompt prompts approve approval code codes passcode otp sign phone smartphone iphone android ' +
  'sim device account method methods text call enrol register registration helpdesk hacked hack ' +
  'compromised exemption exception exempt guest grace recovery backup portal office365 identity'
).split(' ');

/**
 * Tells how much of a question is about the bot's domain: the share of its content words that
 * occur in the in-domain training utterances (entries and small talk). Stop words, generic words
 * and bare numbers are ignored; words are compared by stem.
 */
export class DomainRelevance {
  private readonly stemmer = new StemmerEn();
  private readonly stopwords = new StopwordsEn();
  private readonly known = new Set<string>();
  private readonly anchors: ReadonlySet<string>;
  /** For each stem, how many in-domain training texts of each intent contain it. */
  private readonly intentsByStem = new Map<string, Map<string, number>>();

  /** @param inDomain canonical in-domain training texts with their intent */
  constructor(inDomain: Iterable<{ readonly text: string; readonly intent: string }>) {
    for (const { text, intent } of inDomain) {
      for (const stem of new Set(this.stems(text))) {
        this.known.add(stem);
        const counts = this.intentsByStem.get(stem) ?? new Map<string, number>();
        counts.set(intent, (counts.get(intent) ?? 0) + 1);
        this.intentsByStem.set(stem, counts);
      }
    }
    this.anchors = new Set(DOMAIN_TERMS.map((w) => this.stemmer.stemWord(w)));
  }

  /**
   * The intents whose training uses a word, most frequent first, and whether one of them owns
   * at least half of the uses (so that the word alone points to it).
   * @param word a canonical word
   */
  intentsOfWord(word: string): { readonly intents: readonly string[]; readonly dominant: boolean } {
    const counts = this.intentsByStem.get(this.stemmer.stemWord(word));
    if (!counts) return { intents: [], dominant: false };
    const ranked = [...counts].sort((a, b) => b[1] - a[1]);
    const total = ranked.reduce((sum, [, n]) => sum + n, 0);
    return { intents: ranked.map(([intent]) => intent), dominant: ranked[0][1] * 2 >= total };
  }

  /** Content stems of canonical text: no stop words, no generic words, no bare numbers. */
  stems(text: string): string[] {
    const out: string[] = [];
    for (const w of words(text)) {
      if (w.length < 2 || /^\d+$/.test(w) || GENERIC_WORDS.has(w) || this.stopwords.isStopword(w)) continue;
      out.push(this.stemmer.stemWord(w));
    }
    return out;
  }

  /** Stems a single word the way {@link DomainRelevance.stems} does. */
  stemWord(word: string): string {
    return this.stemmer.stemWord(word);
  }

  /**
   * How in-domain a question is.
   * @param text canonical, spell-corrected text
   * @returns `share`: the share (0..1) of its content words seen in in-domain training, or
   *   `undefined` when it has no content words; `anchored`: whether it names a core domain term
   *   such as "mfa", "authenticator" or "phone"
   */
  score(text: string): { readonly share: number | undefined; readonly anchored: boolean } {
    const stems = this.stems(text);
    if (stems.length === 0) return { share: undefined, anchored: false };
    return {
      share: stems.filter((s) => this.known.has(s)).length / stems.length,
      anchored: stems.some((s) => this.anchors.has(s)),
    };
  }
}
