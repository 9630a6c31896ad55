import { normaliseCommand } from './commands';

/** How the person confirms sign-ins. */
export type SignInMethod = 'app' | 'sms' | 'call';

/** A phone platform. */
export type DevicePlatform = 'iphone' | 'android';

/** One extracted fact, with how sure the recognizer is (0..1) and the words it came from. */
export interface Slot<T> {
  readonly value: T;
  readonly score: number;
  readonly text: string;
}

/** Slot scores at or above this are taken as said; below it a flow asks (to confirm). */
export const SURE_SCORE = 0.8;

/** What a message says about the person's situation, as the guided flows ask it. */
export interface HelpdeskSlots {
  /** The method in use: Authenticator app, text message or phone call. */
  readonly method?: Slot<SignInMethod>;
  /** Whether the mobile number stays the same (on a new phone). */
  readonly sameNumber?: Slot<boolean>;
  /** The phone the person has or is moving to. */
  readonly device?: Slot<DevicePlatform>;
  /** Whether the old phone is still at hand. */
  readonly oldPhone?: Slot<boolean>;
  /** Stolen (true) or just lost or broken (false). */
  readonly stolen?: Slot<boolean>;
  /** Whether another sign-in method is registered. */
  readonly otherMethod?: Slot<boolean>;
  /** Whether an unexpected prompt was approved. */
  readonly approved?: Slot<boolean>;
  /** Roughly how many unexpected prompts there were. */
  readonly promptCount?: Slot<number>;
}

/** Identifiers a message can carry. */
export interface HelpdeskIdentifiers {
  /** A ticket id such as `MFA-000123`, upper case. */
  readonly ticketId?: string;
  /** An email address, lower case. */
  readonly email?: string;
}

/** All entities of a message. */
export type HelpdeskEntities = HelpdeskSlots & HelpdeskIdentifiers;

const HEDGE = /\b(i think|i guess|maybe|probably|possibly|not sure|perhaps|might|i believe)\b/;

interface Rule<T> {
  readonly value: T;
  readonly pattern: RegExp;
}

/**
 * The value of the first rule that matches. Unless `ordered` (the first rules, such as a
 * negation, then win), none when rules of different values match.
 */
function pick<T>(text: string, rules: readonly Rule<T>[], sure: number, ordered = false): Slot<T> | undefined {
  const hits = rules.map((r) => ({ r, m: text.match(r.pattern) })).filter((h) => h.m);
  if (hits.length === 0) return undefined;
  const values = new Set(hits.map((h) => h.r.value));
  if (values.size > 1 && !ordered) return undefined;
  return { value: hits[0].r.value, score: sure, text: hits[0].m?.[0] ?? '' };
}

const NOT = "(?:don'?t|do not|didn'?t|did not|never|haven'?t|have not|wasn'?t|was not|not)";

const METHOD: readonly Rule<SignInMethod>[] = [
  { value: 'app', pattern: /\b(authenticator|authentication app|the app|an app|app notifications?|push notifications?|approve (it |them )?(in|on) the app|approve (the )?notifications?|ms app|microsoft app)\b/ },
  { value: 'sms', pattern: /\b(texts?|texted|text messages?|sms|text codes?|codes? (by|via|in a) text)\b/ },
  { value: 'call', pattern: /\b(phone calls?|voice calls?|calls? me|rings? me|(the |a )?call option|by call|get a call|automated calls?)\b/ },
];

const SAME_NUMBER: readonly Rule<boolean>[] = [
  { value: true, pattern: /\b(same (mobile |phone )?number|kept (my |the )?(old |mobile |phone )*number|keeping (my |the )?(old |mobile |phone )*number|number (is|stays|will stay|is staying) the same|number (hasn'?t|has not|didn'?t) change(d)?|same sim|moved (my |the )?sim)\b/ },
  { value: false, pattern: /\b((new|different|changed) (mobile |phone )?number|number (has |have )?changed|changed (my |the )?number|number (is|will be) different)\b/ },
];

const DEVICE: readonly Rule<DevicePlatform>[] = [
  { value: 'iphone', pattern: /\b(iphones?|ios|apple phone)\b/ },
  { value: 'android', pattern: /\b(android|samsung|galaxy|pixel|oneplus|motorola|xiaomi|huawei)\b/ },
];

const OLD_PHONE: readonly Rule<boolean>[] = [
  { value: true, pattern: /\b((still )?(have|got) (my |the )?old (phone|one|mobile|handset)|old (phone|one|mobile) (still )?(works|is working)|(move|moving|transfer|transferring|copy|copying|switch|switching|migrate|migrating|bring|take|taking)\b.*\b(to|onto|over to) (my |the |a )?new)\b/ },
  { value: false, pattern: /\b(old (phone|one|mobile) (is |was |got )?(lost|broken|stolen|gone|dead|smashed|died)|lost (my |the )?old (phone|one|mobile)|(don'?t|do not) have (my |the )?old (phone|one|mobile))\b/ },
];

const STOLEN: readonly Rule<boolean>[] = [
  { value: false, pattern: new RegExp(`\\b(${NOT} (been )?stolen|just lost|only lost|simply lost|broken|broke|smashed|cracked|dropped (it|my phone|the phone)|water damage|stopped working|won'?t turn on|died|(it'?s|is) dead)\\b`) },
  { value: true, pattern: /\b(stolen|stole|nicked|pinched|robbed|mugged|pickpocketed|theft|snatched|someone took)\b/ },
];

const OTHER_METHOD: readonly Rule<boolean>[] = [
  {
    value: false,
    pattern: new RegExp(
      `\\b(no (other|another|second|backup|alternative|alternate|extra) (way|method|number|phone|option|device)s?|${NOT} (have|got) (any |an? )?(other|another|second|backup|alternative|alternate|extra) (way|method|number|phone|option|device)s?|only (had|have|registered) (that|the one|one|this)( one)? (phone|method|number)|(my|the) only (mfa |sign-?in )?(device|phone|method)|no backup|no way (to|of) sign(ing)? in|nothing else (registered|set up))\\b`,
    ),
  },
  {
    value: true,
    pattern: /\b((i have|i've got|i still have|i've still got|i do have|there's) (another|a second|my other|a backup|an alternative|an alternate|my office|my work|a work|an office|the app on) (way|method|number|phone|mobile|option|device|tablet|ipad|landline)?|also registered|registered (a second|another|my office|my work)|other method (is )?(registered|set up))\b/,
  },
];

const APPROVED: readonly Rule<boolean>[] = [
  {
    value: false,
    pattern: new RegExp(`\\b(${NOT} (approve|approved|accept|accepted|press(ed)? approve|tap(ped)? approve)|i (denied|declined|rejected|refused|ignored) (it|them|all|every)|pressed deny|tapped deny|none approved)\\b`),
  },
  { value: true, pattern: /\b(i (accidentally |mistakenly |stupidly |already |just |may have |might have )?(approved|accepted|pressed approve|tapped approve|clicked approve|hit approve|said yes)|approved (it|one|them) by (mistake|accident))\b/ },
];

const WORD_NUMBERS: Readonly<Record<string, number>> = {
  one: 1, a: 1, an: 1, single: 1, two: 2, couple: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  few: 3, several: 4, dozen: 12, dozens: 24, lots: 10, loads: 10, many: 10, hundreds: 100, twenty: 20, fifteen: 15, twelve: 12,
};
const COUNT = /\b(\d{1,3}|one|a|an|single|two|couple|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|few|several|dozen|dozens|lots|loads|many|hundreds)( of)? (more |different |random |strange |weird |odd |unexpected |mfa |approval |sign-?in |authentication |push |login )*(prompts?|requests?|notifications?|approvals?|pop-?ups?|alerts?|times|of them)\b/;

/** A count said after the prompts: "prompts, about ten of them", "requests, maybe 20". */
const COUNT_AFTER = /\b(?:prompts?|requests?|notifications?|approvals?)\b[^.?!]*?\b(?:about|around|roughly|nearly|over|maybe|probably|like) (\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|dozens?)\b/;

function promptCount(text: string, sure: number): Slot<number> | undefined {
  const m = text.match(COUNT) ?? text.match(COUNT_AFTER);
  if (!m) return undefined;
  const word = m[1];
  const value = /^\d+$/.test(word) ? Number(word) : WORD_NUMBERS[word];
  return value && value > 0 ? { value, score: sure, text: m[0] } : undefined;
}

const TICKET_ID = /\bMFA-\d{6}\b/i;
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/;

/**
 * Extracts the slots and identifiers of a message, with a lower score when the person hedges
 * ("I think", "maybe"). A slot is left out when the message says both things.
 * @param text what the user typed or said
 */
export function extractEntities(text: string | undefined): HelpdeskEntities {
  const raw = text ?? '';
  const t = normaliseCommand(raw);
  const sure = HEDGE.test(t) ? 0.6 : 0.95;
  const entities: { -readonly [K in keyof HelpdeskEntities]: HelpdeskEntities[K] } = {};
  const set = <K extends keyof HelpdeskSlots>(key: K, slot: HelpdeskSlots[K]): void => {
    if (slot) entities[key] = slot;
  };
  set('method', pick(t, METHOD, sure));
  set('sameNumber', pick(t, SAME_NUMBER, sure));
  set('device', pick(t, DEVICE, 0.95));
  set('oldPhone', pick(t, OLD_PHONE, sure));
  // "may have been stolen" answers "could it have been stolen?" outright.
  set('stolen', pick(t, STOLEN, 0.95, true));
  set('otherMethod', pick(t, OTHER_METHOD, sure, true));
  set('approved', pick(t, APPROVED, sure, true));
  set('promptCount', promptCount(t, sure));
  const ticketId = raw.match(TICKET_ID)?.[0].toUpperCase();
  if (ticketId) entities.ticketId = ticketId;
  const email = raw.match(EMAIL)?.[0].replace(/[.?!]+$/, '').toLowerCase();
  if (email) entities.email = email;
  return entities;
}

/** The slot's value when the recognizer is sure of it (see {@link SURE_SCORE}). */
export function sureValue<T>(slot: Slot<T> | undefined): T | undefined {
  return slot && slot.score >= SURE_SCORE ? slot.value : undefined;
}
