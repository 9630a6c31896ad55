/**
 * Text clean-up applied to both training utterances and user input before classification:
 * lower case, contractions expanded, synonyms and common misspellings mapped to one canonical
 * word, and unknown words corrected against the training vocabulary.
 */

/** Phrase rewrites, applied in order on lower-cased text with word boundaries. */
const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  // contractions, with or without the apostrophe
  [/\bcan'?t\b/g, 'cannot'],
  [/\bwon'?t\b/g, 'will not'],
  [/\b(do|does|did|is|are|was|were|have|has|had|could|would|should|must)n'?t\b/g, '$1 not'],
  [/\bi'?m\b/g, 'i am'],
  [/\bi'?ve\b/g, 'i have'],
  [/\bi'd\b/g, 'i would'],
  [/\b(it|that|what|there|who|where|how)'s\b/g, '$1 is'],
  [/\b(you|we|they)'re\b/g, '$1 are'],
  [/\b(you|we|they)'ve\b/g, '$1 have'],
  [/\bwhats\b/g, 'what is'],
  [/\bthats\b/g, 'that is'],
  // the topic itself
  [/\bmulti[\s-]?factor(\s+auth(entication|entification)?)?\b/g, 'mfa'],
  [/\b(two|2)[\s-]?(factor|step)(\s+(auth(entication|entification)?|verification))?\b/g, 'mfa'],
  [/\b(2fa|2sv|mfa's)\b/g, 'mfa'],
  [/\bauthentification\b/g, 'authentication'],
  [/\b(microsoft|ms)\s+auth(enticator|enticater)?(\s+app)?\b/g, 'authenticator app'],
  [/\b(authenticator|authenticater|authentication|auth)\s+app\b/g, 'authenticator app'],
  [/\bauthenticater\b/g, 'authenticator'],
  // devices and channels
  [/\b(mobile\s+phone|cell\s*phone|handset|mobile)\b/g, 'phone'],
  [/\b(text\s+messages?|sms|txts?)\b/g, 'text'],
  [/\bsmart[\s-]card\b/g, 'smartcard'],
  [/\bfido(\s*2)?\b/g, 'fido2'],
  [/\b(yubikey|usb\s+key)\b/g, 'fido2 security key'],
  [/\bwi[\s-]?fi\b/g, 'wifi'],
  [
    /\b(international|overseas|abroad|foreign|non[\s-]?uk|non[\s-]?british|french|spanish|german|italian|irish|polish|portuguese|dutch|indian|american|australian|canadian|european|eu)\b/g,
    'foreign',
  ],
  // sign-in wording
  [/\b(log(ging|ged)?|sign(ing|ed)?)[\s-]?(in|on)\b/g, 'sign in'],
  [/\blog(in|on)s?\b/g, 'sign in'],
  [/\bsignin\b/g, 'sign in'],
  [/\b(pw|pwd|passwd|pword)\b/g, 'password'],
  // services and support
  [/\b(office\s*365|o365|microsoft\s*365|m365)\b/g, 'office365'],
  [/\bnhs\s+mail\b/g, 'nhsmail'],
  [/\be-mail\b/g, 'email'],
  [/\b(help|service|support)\s+desk\b/g, 'helpdesk'],
  // small talk shorthand
  [/\b(thx|thnx|thanx|ty)\b/g, 'thanks'],
];

/**
 * The text canonicalised last, with its canonical form: recognising one message canonicalises
 * it several times (follow-up check, classification, the recognizer result), and the rewrites
 * are some forty regular expressions.
 */
let lastCanonical: { readonly text: string; readonly canonical: string } | undefined;

/** Lower-cases the text, drops punctuation and applies the synonym and contraction rewrites. */
export function canonicalize(text: string): string {
  if (lastCanonical?.text === text) return lastCanonical.canonical;
  const canonical = canonicalForm(text);
  lastCanonical = { text, canonical };
  return canonical;
}

function canonicalForm(text: string): string {
  let out = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
  // punctuation other than apostrophes and plus signs becomes a space
  out = out.replace(/[^a-z0-9'+\s]/g, ' ');
  for (const [pattern, replacement] of REWRITES) out = out.replace(pattern, replacement);
  return out.replace(/'/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Splits canonical text into words. */
export function words(text: string): string[] {
  return text.split(' ').filter((w) => w.length > 0);
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), capped at `max + 1`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j += 1) d[0][j] = j;
  for (let i = 1; i < rows; i += 1) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length][b.length];
}

/** Options of {@link SpellCorrector}. */
export interface SpellCorrectorOptions {
  /** Stemmer; a word whose stem occurs in the vocabulary is treated as known and left alone. */
  readonly stem?: (word: string) => string;
}

/**
 * Corrects misspelt words against a vocabulary: a word not in the vocabulary is replaced by the
 * most frequent vocabulary word within one edit (two for words of eight letters or more) that
 * starts with the same letter. Words shorter than five letters and words with digits are left
 * alone, so that real words such as "went" or "score" are not bent into domain words.
 */
export class SpellCorrector {
  private readonly frequency = new Map<string, number>();
  private readonly byLength = new Map<number, string[]>();
  private readonly knownStems = new Set<string>();
  private readonly stem?: (word: string) => string;

  /**
   * @param corpus canonical training texts that make up the vocabulary
   * @param options optional stemmer
   */
  constructor(corpus: Iterable<string>, options: SpellCorrectorOptions = {}) {
    this.stem = options.stem;
    for (const text of corpus) {
      for (const w of words(text)) this.frequency.set(w, (this.frequency.get(w) ?? 0) + 1);
    }
    for (const w of this.frequency.keys()) {
      const list = this.byLength.get(w.length) ?? [];
      list.push(w);
      this.byLength.set(w.length, list);
      if (this.stem) this.knownStems.add(this.stem(w));
    }
  }

  /** Whether the word (or, with a stemmer, its stem) occurs in the vocabulary. */
  has(word: string): boolean {
    return this.frequency.has(word) || (this.stem !== undefined && this.knownStems.has(this.stem(word)));
  }

  /** Corrects one word, or returns it unchanged. */
  correctWord(word: string): string {
    if (word.length < 5 || /\d/.test(word) || this.has(word)) return word;
    const max = word.length >= 8 ? 2 : 1;
    let best = word;
    let bestDistance = max + 1;
    let bestFrequency = 0;
    for (let len = word.length - max; len <= word.length + max; len += 1) {
      for (const candidate of this.byLength.get(len) ?? []) {
        if (candidate[0] !== word[0]) continue;
        const distance = editDistance(word, candidate, max);
        if (distance > max) continue;
        const frequency = this.frequency.get(candidate) ?? 0;
        if (distance < bestDistance || (distance === bestDistance && frequency > bestFrequency)) {
          best = candidate;
          bestDistance = distance;
          bestFrequency = frequency;
        }
      }
    }
    return best;
  }

  /** Corrects every word of canonical text. */
  correct(text: string): string {
    return words(text)
      .map((w) => this.correctWord(w))
      .join(' ');
  }
}
