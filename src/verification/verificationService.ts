import { createHash } from 'node:crypto';
import type { AuditLog } from '../audit/auditLog';
import type { Clock } from '../clock';
import type { Person, PhoneMethod } from '../directory/directory';
import { redactPhone, redactPhonesInText, type Logger } from '../logger';
import type { Collection, DocumentStore } from '../store/documentStore';
import { forget, pausedUntil, recordFailure, type BackoffPolicy, type BackoffState } from '../limits/backoff';
import type { RateAlarm } from '../limits/rateAlarm';
import { WindowBudgets } from '../limits/windowBudgets';
import type { CodeSender, NoticeSender, SendFailure, SendResult } from './codeSender';
import { failedAttemptNoticeText } from './codeText';
import { laneOf, type CodeRequester, type RequesterLane } from './requester';
import { CodeSendBudgets } from './sendBudgets';
import { codeMatches, generateCode, hashCode, normaliseCode } from './codes';
import { normaliseUkMobile } from './phoneNumbers';
import { DEFAULT_LIMITS, DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, type Channel, type Purpose, type VerificationLimits } from './types';

/** Collections used by the service. */
export const VERIFICATION_COLLECTIONS = {
  challenges: 'verification_challenges',
  people: 'verification_people',
  destinations: 'verification_destinations',
  budget: 'verification_budget',
  requesters: 'verification_requesters',
} as const;

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long a challenge killed by wrong codes blocks new codes for the same conversation and purpose. */
export const KILLED_CHALLENGE_BLOCK_MS = 15 * MINUTE;

/** Ask for a code proving who the person is, sent to a number the directory holds. */
export interface IdentityCodeRequest {
  readonly purpose: 'identity';
  readonly person: Person;
  readonly conversationId: string;
  readonly channel: Channel;
  /** Which of the person's directory numbers to use. A typed number is never accepted here. */
  readonly method: PhoneMethod;
  /**
   * Call back instead of reading the code out (channel `voice`): whoever answers presses hash,
   * which proves possession of the number. It counts as a send, within the same limits.
   */
  readonly callback?: { readonly kind: 'caller' } | { readonly kind: 'agent'; readonly ticketId: string };
  /** Who asks; without it the request is an outsider's with no known source. */
  readonly requester?: CodeRequester;
}

/** Ask for a code proving possession of a new number; allowed only after identity was proven in the same conversation. */
export interface NewNumberCodeRequest {
  readonly purpose: 'new_number';
  readonly person: Person;
  readonly conversationId: string;
  readonly channel: Channel;
  /** The new number as typed; it must be a UK mobile number. */
  readonly newNumber: string;
  /** Who asks; without it the request is an outsider's with no known source. */
  readonly requester?: CodeRequester;
}

/** Input of {@link VerificationService.sendCode}. */
export type SendCodeRequest = IdentityCodeRequest | NewNumberCodeRequest;

/** A refusal because a limit is reached; `retryAt` (epoch ms) says when trying again can work. */
export interface LimitRefusal {
  readonly ok: false;
  readonly reason:
    | 'locked_out'
    | 'too_many_attempts'
    | 'cooldown'
    | 'person_15min_limit'
    | 'person_daily_limit'
    | 'destination_limit'
    | 'source_limit'
    | 'global_budget';
  readonly retryAt: number;
}

/** A refusal that waiting will not fix. */
export interface PolicyRefusal {
  readonly ok: false;
  /**
   * `no_number`: the person has no number for that method. `invalid_number`: the new number is
   * not a UK mobile. `identity_not_proven`: a new number needs identity proven first.
   * `not_eligible`: guest or compromised accounts get no self-service.
   */
  readonly reason: 'no_number' | 'invalid_number' | 'identity_not_proven' | 'not_eligible';
  readonly detail?: 'guest' | 'compromised';
}

/** The provider could not deliver the code. */
export interface DeliveryFailure {
  readonly ok: false;
  readonly reason: 'send_failed';
  readonly failure: SendFailure;
}

/** A code is on its way. */
export interface CodeSent {
  readonly ok: true;
  readonly challengeId: string;
  readonly channel: Channel;
  /** The destination masked to its last 3 digits, e.g. `***101`. */
  readonly destination: string;
  /** When the code stops working (epoch ms). */
  readonly expiresAt: number;
  /** Wrong codes still allowed on this challenge (a new code does not reset it). */
  readonly attemptsLeft: number;
  /** True when this replaced an earlier code of the same challenge. */
  readonly resent: boolean;
}

/** Outcome of {@link VerificationService.sendCode}. */
export type SendCodeResult = CodeSent | LimitRefusal | PolicyRefusal | DeliveryFailure;

/** Input of {@link VerificationService.checkCode}. */
export interface CheckCodeRequest {
  readonly personId: string;
  readonly purpose: Purpose;
  readonly conversationId: string;
  /** What the person typed or keyed; spaces and dashes are ignored. */
  readonly code: string;
  /** Who typed it; without it the check is an outsider's with no known source. */
  readonly requester?: CodeRequester;
}

/** The code was right. */
export interface CodeAccepted {
  readonly ok: true;
  readonly challengeId: string;
  readonly personId: string;
  readonly purpose: Purpose;
  readonly channel: Channel;
  /** Masked destination the code went to. */
  readonly destination: string;
  /** For `new_number`: the proven number in E.164, for the dialog to register. */
  readonly provenNumber?: string;
  readonly verifiedAt: number;
}

/** The code was not accepted. */
export type CodeRejected =
  | { readonly ok: false; readonly reason: 'wrong_code'; readonly attemptsLeft: number }
  /** Not 6 digits; not counted as a try. */
  | { readonly ok: false; readonly reason: 'invalid_format' }
  /** No code is waiting for this person, purpose and conversation. */
  | { readonly ok: false; readonly reason: 'no_challenge' }
  /** The code is older than its validity; a new one can be sent. */
  | { readonly ok: false; readonly reason: 'expired' }
  /** The code was already used successfully. */
  | { readonly ok: false; readonly reason: 'already_used' }
  | { readonly ok: false; readonly reason: 'too_many_attempts'; readonly retryAt: number }
  | { readonly ok: false; readonly reason: 'locked_out'; readonly retryAt: number };

/** Outcome of {@link VerificationService.checkCode}. */
export type CheckCodeResult = CodeAccepted | CodeRejected;

/** State of a challenge, for display. Never contains the code. */
export interface ChallengeStatus {
  readonly challengeId: string;
  readonly status: 'pending' | 'passed' | 'dead';
  readonly channel: Channel;
  readonly destination: string;
  readonly expiresAt: number;
  readonly attemptsLeft: number;
}

/** Options for {@link VerificationService}. */
export interface VerificationServiceOptions {
  readonly store: DocumentStore;
  readonly sender: CodeSender;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** HMAC key for codes (see `resolveVerificationSecret`). */
  readonly secret: Buffer;
  readonly logger: Logger;
  /** Validity of a code in seconds, 60..600 (default 300). */
  readonly ttlSeconds?: number;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<VerificationLimits>;
  /** Texts the person when someone else's wrong codes pause their self-service; without it nobody is told. */
  readonly notices?: NoticeSender;
  /** Raised when a budget of codes refuses a send (an unusual rate). */
  readonly alarm?: RateAlarm;
}

type ChallengeDoc = {
  personId: string;
  purpose: Purpose;
  conversationId: string;
  channel: Channel;
  to: string;
  issue: number;
  codeHash: string | null;
  sentAt: number;
  expiresAt: number;
  attempts: number;
  status: 'pending' | 'passed' | 'dead';
  createdAt: number;
  deadUntil?: number;
  passedAt?: number;
  /** The Entra object id of the person, so a check from their own Teams chat is held to their own counters. */
  ownerEntraId?: string;
};

/** Wrong codes and pauses of one lane, as stored (no `undefined` fields). */
type LaneFields = { failures: number[]; level?: number; lockedUntil?: number; lastLockAt?: number };
/** The outsider lane's sends and failures at the top level (as before lanes existed); `own` for the person's own Teams chat. */
type PersonDoc = { sends: number[] } & LaneFields & { own?: { sends?: number[] } & LaneFields };
type RequesterDoc = LaneFields;
type DestinationDoc = { sends: number[] };

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Id of the one challenge a person may have per purpose and conversation. */
export function challengeIdFor(personId: string, purpose: Purpose, conversationId: string): string {
  return `c_${sha256(`${personId}\u0000${purpose}\u0000${conversationId}`).slice(0, 40)}`;
}

/** Id of the failure counter of one requester (the source itself is not used as a key). */
function requesterIdFor(source: string): string {
  return `r_${sha256(source.trim().toLowerCase()).slice(0, 40)}`;
}

/** A back-off state as stored: only the fields that are set. */
function laneFields(state: BackoffState): LaneFields {
  return {
    failures: [...state.failures],
    ...(state.level ? { level: state.level } : {}),
    ...(state.lockedUntil !== undefined ? { lockedUntil: state.lockedUntil } : {}),
    ...(state.lastLockAt !== undefined ? { lastLockAt: state.lastLockAt } : {}),
  };
}

/** The lane's fields of a person's document. */
function laneOfDoc(doc: PersonDoc | undefined, lane: RequesterLane): LaneFields | undefined {
  if (!doc) return undefined;
  return lane === 'own' ? doc.own : doc;
}

/** Id of the send counter of one phone number in a lane (the number itself is not used as a key). */
function destinationIdFor(number: string, lane: RequesterLane): string {
  return `d_${sha256(number).slice(0, 40)}${lane === 'own' ? ':own' : ''}`;
}

/** The lane's sends of a person's document. */
function sendsOf(doc: PersonDoc, lane: RequesterLane): number[] {
  return (lane === 'own' ? doc.own?.sends : doc.sends) ?? [];
}

/** The document with the lane's sends replaced. */
function withSends(doc: PersonDoc, lane: RequesterLane, sends: number[]): PersonDoc {
  return lane === 'own' ? { ...doc, own: { ...(doc.own ?? { failures: [] }), sends } } : { ...doc, sends };
}

/** The moment a sliding window of `windowMs` holding `times` drops below `max` entries. */
function windowRetryAt(times: readonly number[], now: number, windowMs: number, max: number): number | undefined {
  const inWindow = times.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  if (inWindow.length < max) return undefined;
  return inWindow[inWindow.length - max] + windowMs;
}

function removeOne(times: readonly number[], value: number): number[] {
  const i = times.indexOf(value);
  return i < 0 ? [...times] : [...times.slice(0, i), ...times.slice(i + 1)];
}

/**
 * One-time codes for identity verification and proof of a new number. Codes are 6 digits,
 * single use, bound to person, purpose and conversation, stored only as an HMAC and valid for
 * at most 10 minutes. Every limit is kept in the store, so it holds across restarts and
 * across processes sharing the store.
 */
export class VerificationService {
  private readonly challenges: Collection<ChallengeDoc>;
  private readonly people: Collection<PersonDoc>;
  private readonly destinations: Collection<DestinationDoc>;
  private readonly sendBudgets: CodeSendBudgets;
  private readonly requesters: Collection<RequesterDoc>;
  private readonly windows: WindowBudgets;
  private readonly limits: VerificationLimits;
  private readonly backoff: BackoffPolicy;
  /** Validity of a code in seconds. */
  readonly ttlSeconds: number;

  constructor(private readonly options: VerificationServiceOptions) {
    const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_TTL_SECONDS) throw new RangeError(`Verification: ttlSeconds must be a whole number from 60 to ${MAX_TTL_SECONDS}`);
    if (options.secret.length < 32) throw new RangeError('Verification: the secret must be at least 32 bytes');
    this.ttlSeconds = ttl;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.challenges = options.store.collection<ChallengeDoc>(VERIFICATION_COLLECTIONS.challenges);
    this.people = options.store.collection<PersonDoc>(VERIFICATION_COLLECTIONS.people);
    this.destinations = options.store.collection<DestinationDoc>(VERIFICATION_COLLECTIONS.destinations);
    this.requesters = options.store.collection<RequesterDoc>(VERIFICATION_COLLECTIONS.requesters);
    this.windows = new WindowBudgets(options.store, options.clock);
    this.sendBudgets = new CodeSendBudgets({ budgets: this.windows, limits: this.limits, logger: options.logger, alarm: options.alarm });
    if (this.limits.backoffStepsMs.length === 0) throw new RangeError('Verification: backoffStepsMs needs at least one step');
    this.backoff = { threshold: this.limits.failuresBeforeBackoff, stepsMs: this.limits.backoffStepsMs, memoryMs: this.limits.failureWindowMs };
  }

  /**
   * Sends a new code for the person's challenge of this purpose in this conversation, creating
   * the challenge if needed. A repeat request is a resend: it replaces the code but keeps the
   * count of wrong tries. Limits are checked in this order: pause after wrong codes, killed
   * challenge, resend cooldown of this challenge, per-person 15-minute and daily budgets and the
   * per-number budget (both apart for the person in their own Teams chat), then the hourly
   * budgets per source, per address, per outsider channel and for the service (see
   * {@link CodeSendBudgets}).
   */
  async sendCode(request: SendCodeRequest): Promise<SendCodeResult> {
    const now = this.options.clock.now();
    const { person, purpose, conversationId, channel } = request;
    const base = { personId: person.id, conversationId, purpose, channel };

    if (person.compromised || person.guest) {
      const detail = person.compromised ? 'compromised' : 'guest';
      await this.options.audit.record({ ...base, type: 'send_refused', reason: `not_eligible:${detail}` });
      return { ok: false, reason: 'not_eligible', detail };
    }

    const to = request.purpose === 'identity' ? person.methods[request.method] : normaliseUkMobile(request.newNumber);
    if (!to) return { ok: false, reason: request.purpose === 'identity' ? 'no_number' : 'invalid_number' };
    if (request.purpose === 'new_number') {
      if (!(await this.isIdentityProven(person.id, conversationId))) {
        await this.options.audit.record({ ...base, type: 'send_refused', reason: 'identity_not_proven' });
        return { ok: false, reason: 'identity_not_proven' };
      }
    }
    const destination = redactPhone(to);
    const challengeId = challengeIdFor(person.id, purpose, conversationId);

    const lane = laneOf(person, request.requester);
    const lockedUntil = await this.lockedOutUntil(person.id, lane, request.requester);
    if (lockedUntil !== undefined) return this.refuse({ ok: false, reason: 'locked_out', retryAt: lockedUntil }, base, challengeId, destination);
    const existing = await this.challenges.get(challengeId);
    const blocked = existing ? this.challengeBlock(existing.doc, now) : undefined;
    if (blocked) return this.refuse(blocked, base, challengeId, destination);

    const reserved = await this.reserve({ personId: person.id, to, lane, requester: request.requester, now, conversationId });
    if (!reserved.ok) {
      const { refusal } = reserved;
      if (refusal.reason !== 'global_budget') return this.refuse(refusal, base, challengeId, destination);
      await this.options.audit.record({ ...base, type: 'budget_stop', challengeId, destination, reason: reserved.budget ?? refusal.reason });
      return refusal;
    }

    const code = await generateCode();
    const expiresAt = now + this.ttlSeconds * 1000;
    const issued: { issue: number; attempts: number; fresh: boolean; raced?: LimitRefusal } = { issue: 0, attempts: 0, fresh: false };
    await this.challenges.update(challengeId, (cur) => {
      issued.raced = cur ? this.challengeBlock(cur, now) : undefined;
      if (issued.raced) return undefined;
      issued.fresh = !cur || cur.status !== 'pending';
      issued.attempts = issued.fresh || !cur ? 0 : cur.attempts;
      issued.issue = (cur?.issue ?? 0) + 1;
      return {
        personId: person.id,
        purpose,
        conversationId,
        channel,
        to,
        issue: issued.issue,
        codeHash: hashCode(this.options.secret, challengeId, issued.issue, code),
        sentAt: now,
        expiresAt,
        attempts: issued.attempts,
        status: 'pending',
        createdAt: issued.fresh || !cur ? now : cur.createdAt,
        ...(person.objectId ? { ownerEntraId: person.objectId } : {}),
      };
    });
    const { issue, attempts, fresh, raced } = issued;
    if (raced) {
      await reserved.release();
      return this.refuse(raced, base, challengeId, destination);
    }
    if (fresh) await this.options.audit.record({ ...base, type: 'challenge_created', challengeId, destination });

    let result: SendResult;
    try {
      const callback = request.purpose === 'identity' && request.callback && channel === 'voice' ? { ...request.callback, personId: person.id, email: person.email, conversationId } : undefined;
      result = await this.options.sender.send({ to, channel, code, ttlSeconds: this.ttlSeconds, purpose, ...(callback ? { callback } : {}) });
    } catch (err) {
      const detail = redactPhonesInText(err instanceof Error ? err.message : String(err)).split(code).join('[code]');
      this.options.logger.error({ detail, to: destination, channel }, 'Verification: code sender threw');
      result = {
        ok: false,
        failure: {
          kind: 'provider_unavailable',
          delivered: 'unknown',
          userMessage: 'Something went wrong sending your code. If nothing arrives within a minute, ask me for a new code or talk to a person at the helpdesk.',
        },
      };
    }

    if (!result.ok) {
      if (result.failure.delivered === 'no') {
        // Nothing went out: the code can never be used, and the attempt does not count against any budget.
        await this.challenges.update(challengeId, (cur) => (cur && cur.issue === issue ? { ...cur, codeHash: null, sentAt: 0 } : undefined));
        await reserved.release();
      }
      await this.options.audit.record({ ...base, type: 'send_failed', challengeId, destination, reason: result.failure.kind });
      return { ok: false, reason: 'send_failed', failure: result.failure };
    }

    await this.options.audit.record({ ...base, type: 'code_sent', challengeId, destination });
    this.options.logger.info({ conversationId, personId: person.id, challengeId, to: destination, channel, purpose, resent: !fresh }, 'Verification: code sent');
    return {
      ok: true,
      challengeId,
      channel,
      destination,
      expiresAt,
      attemptsLeft: Math.max(0, this.limits.maxAttemptsPerChallenge - attempts),
      resent: !fresh,
    };
  }

  /**
   * Checks a code against the person's challenge of this purpose in this conversation. A right
   * code is accepted once; a wrong one counts against the challenge (5 kill it), against the
   * person in the requester's lane and against the requester: every
   * {@link VerificationLimits.failuresBeforeBackoff} of them start a pause that grows each time.
   * Wrong codes typed by an outsider never pause the person in their own Teams chat; when they
   * pause the person, the person is told by text (at most once per notice interval).
   */
  async checkCode(request: CheckCodeRequest): Promise<CheckCodeResult> {
    const now = this.options.clock.now();
    const { personId, purpose, conversationId } = request;
    const base = { personId, conversationId, purpose };
    const candidate = normaliseCode(request.code);
    if (!candidate) return { ok: false, reason: 'invalid_format' };

    const challengeId = challengeIdFor(personId, purpose, conversationId);
    const lane = laneOf({ objectId: (await this.challenges.get(challengeId))?.doc.ownerEntraId }, request.requester);
    const lockedUntil = await this.lockedOutUntil(personId, lane, request.requester);
    if (lockedUntil !== undefined) {
      await this.options.audit.record({ ...base, type: 'check_failed', reason: 'locked_out' });
      return { ok: false, reason: 'locked_out', retryAt: lockedUntil };
    }

    const max = this.limits.maxAttemptsPerChallenge;
    const state: { outcome: CheckCodeResult; counted?: 'wrong' | 'killed'; channel?: Channel; to?: string } = {
      outcome: { ok: false, reason: 'no_challenge' },
    };
    await this.challenges.update(challengeId, (cur) => {
      state.counted = undefined;
      if (!cur) {
        state.outcome = { ok: false, reason: 'no_challenge' };
        return undefined;
      }
      state.channel = cur.channel;
      state.to = cur.to;
      if (cur.status === 'passed') {
        state.outcome = { ok: false, reason: 'already_used' };
        return undefined;
      }
      if (cur.status === 'dead') {
        state.outcome = { ok: false, reason: 'too_many_attempts', retryAt: cur.deadUntil ?? now };
        return undefined;
      }
      if (!cur.codeHash) {
        state.outcome = { ok: false, reason: 'no_challenge' };
        return undefined;
      }
      if (now >= cur.expiresAt) {
        state.outcome = { ok: false, reason: 'expired' };
        return undefined;
      }
      if (codeMatches(this.options.secret, challengeId, cur.issue, candidate, cur.codeHash)) {
        state.outcome = {
          ok: true,
          challengeId,
          personId,
          purpose,
          channel: cur.channel,
          destination: redactPhone(cur.to),
          provenNumber: purpose === 'new_number' ? cur.to : undefined,
          verifiedAt: now,
        };
        return { ...cur, status: 'passed', passedAt: now, codeHash: null };
      }
      const attempts = cur.attempts + 1;
      if (attempts >= max) {
        const deadUntil = now + KILLED_CHALLENGE_BLOCK_MS;
        state.counted = 'killed';
        state.outcome = { ok: false, reason: 'too_many_attempts', retryAt: deadUntil };
        return { ...cur, attempts, status: 'dead', deadUntil, codeHash: null };
      }
      state.counted = 'wrong';
      state.outcome = { ok: false, reason: 'wrong_code', attemptsLeft: max - attempts };
      return { ...cur, attempts };
    });

    const result = state.outcome;
    const destination = state.to ? redactPhone(state.to) : undefined;
    if (result.ok) {
      await this.options.audit.record({ ...base, type: 'check_passed', challengeId, channel: state.channel, destination });
      this.options.logger.info({ conversationId, personId, challengeId, purpose }, 'Verification: code accepted');
      return result;
    }
    if (!state.counted) {
      await this.options.audit.record({ ...base, type: 'check_failed', challengeId, reason: result.reason });
      return result;
    }
    await this.options.audit.record({
      ...base,
      type: 'check_failed',
      challengeId,
      reason: 'wrong_code',
      attemptsLeft: result.reason === 'wrong_code' ? result.attemptsLeft : 0,
    });
    if (state.counted === 'killed') {
      await this.options.audit.record({ ...base, type: 'challenge_killed', challengeId, reason: 'too_many_attempts' });
      this.options.logger.warn({ conversationId, personId, challengeId }, 'Verification: challenge killed after too many wrong codes');
    }
    const lockout = await this.countFailure({ personId, lane, requester: request.requester, now, conversationId, challengeId, purpose });
    if (lockout !== undefined) {
      if (lane === 'outsider' && purpose === 'identity' && state.to) await this.noticeFailedAttempts(personId, state.to, conversationId);
      return { ok: false, reason: 'locked_out', retryAt: lockout };
    }
    return result;
  }

  /** Whether the person proved their identity in this conversation recently enough to change numbers. */
  async isIdentityProven(personId: string, conversationId: string): Promise<boolean> {
    const found = await this.challenges.get(challengeIdFor(personId, 'identity', conversationId));
    const passedAt = found?.doc.status === 'passed' ? found.doc.passedAt : undefined;
    return passedAt !== undefined && this.options.clock.now() - passedAt <= this.limits.identityProofValidityMs;
  }

  /** The current challenge of a person for a purpose in a conversation, if any (never the code). */
  async challengeStatus(personId: string, purpose: Purpose, conversationId: string): Promise<ChallengeStatus | undefined> {
    const challengeId = challengeIdFor(personId, purpose, conversationId);
    const found = await this.challenges.get(challengeId);
    if (!found) return undefined;
    const c = found.doc;
    return {
      challengeId,
      status: c.status,
      channel: c.channel,
      destination: redactPhone(c.to),
      expiresAt: c.expiresAt,
      attemptsLeft: Math.max(0, this.limits.maxAttemptsPerChallenge - c.attempts),
    };
  }

  /**
   * When the pause on the person's self-service ends for a request in `lane` (an outsider's by
   * default), or on the requester's, whichever is later; `undefined` when neither is paused.
   */
  async lockedOutUntil(personId: string, lane: RequesterLane = 'outsider', requester?: CodeRequester): Promise<number | undefined> {
    const now = this.options.clock.now();
    const person = pausedUntil(laneOfDoc((await this.people.get(personId))?.doc, lane), now);
    const source = requester?.source ? pausedUntil((await this.requesters.get(requesterIdFor(requester.source)))?.doc, now) : undefined;
    if (person === undefined) return source;
    return source === undefined ? person : Math.max(person, source);
  }

  /** Why a challenge cannot take a new code now: killed recently, or its last code is too fresh. */
  private challengeBlock(c: ChallengeDoc, now: number): LimitRefusal | undefined {
    if (c.status === 'dead' && (c.deadUntil ?? 0) > now) return { ok: false, reason: 'too_many_attempts', retryAt: c.deadUntil ?? now };
    const cooldownEnds = c.sentAt + this.limits.resendCooldownMs;
    if (c.status === 'pending' && c.sentAt > 0 && cooldownEnds > now) return { ok: false, reason: 'cooldown', retryAt: cooldownEnds };
    return undefined;
  }

  private async refuse(refusal: LimitRefusal, base: { personId: string; conversationId: string; purpose: Purpose; channel: Channel }, challengeId: string, destination: string): Promise<LimitRefusal> {
    await this.options.audit.record({ ...base, type: 'send_refused', challengeId, destination, reason: refusal.reason });
    return refusal;
  }

  private prunePerson(doc: PersonDoc | undefined, now: number): PersonDoc {
    const keep = Math.max(DAY, this.limits.failureWindowMs);
    return {
      sends: (doc?.sends ?? []).filter((t) => t > now - keep),
      ...laneFields(forget(doc, now, this.backoff)),
      ...(doc?.own ? { own: { ...laneFields(forget(doc.own, now, this.backoff)), sends: (doc.own.sends ?? []).filter((t) => t > now - keep) } } : {}),
    };
  }

  /**
   * Takes one send from the person's and the number's budgets (in the lane) and from the
   * hourly send budgets, or from none of them; `release` gives them all back. They are taken at
   * once (on SQLite in one commit); when one refuses, the others are given back, which leaves the
   * same counts as stopping at the first, and the refusal is the first in that order.
   */
  private async reserve(r: { personId: string; to: string; lane: RequesterLane; requester?: CodeRequester; now: number; conversationId: string }): Promise<
    { ok: true; release(): Promise<void> } | { ok: false; refusal: LimitRefusal; budget?: string }
  > {
    const { personId, to, lane, requester, now } = r;
    const [personRefusal, destinationRefusal, budgetRefusal] = await Promise.all([
      this.reservePerson(personId, now, lane),
      this.reserveDestination(to, now, lane),
      this.sendBudgets.take(requester, { conversationId: r.conversationId, personId }),
    ]);
    if (personRefusal || destinationRefusal || budgetRefusal) {
      await Promise.all([
        personRefusal ? undefined : this.releasePerson(personId, now, lane),
        destinationRefusal ? undefined : this.releaseDestination(to, now, lane),
        budgetRefusal ? undefined : this.sendBudgets.release(requester),
      ]);
      if (personRefusal) return { ok: false, refusal: personRefusal };
      if (destinationRefusal) return { ok: false, refusal: destinationRefusal };
      if (budgetRefusal) return { ok: false, refusal: { ok: false, reason: budgetRefusal.reason, retryAt: budgetRefusal.retryAt }, budget: budgetRefusal.budget };
    }
    return {
      ok: true,
      release: async () => {
        await Promise.all([this.releasePerson(personId, now, lane), this.releaseDestination(to, now, lane), this.sendBudgets.release(requester)]);
      },
    };
  }

  private async reservePerson(personId: string, now: number, lane: RequesterLane): Promise<LimitRefusal | undefined> {
    let refusal: LimitRefusal | undefined;
    const l = this.limits;
    await this.people.update(personId, (cur) => {
      refusal = undefined;
      const doc = this.prunePerson(cur, now);
      const paused = pausedUntil(laneOfDoc(doc, lane), now);
      if (paused !== undefined) {
        refusal = { ok: false, reason: 'locked_out', retryAt: paused };
        return undefined;
      }
      const sends = sendsOf(doc, lane);
      const in15 = windowRetryAt(sends, now, 15 * MINUTE, l.maxSendsPerPersonPer15Min);
      if (in15 !== undefined) {
        refusal = { ok: false, reason: 'person_15min_limit', retryAt: in15 };
        return undefined;
      }
      const inDay = windowRetryAt(sends, now, DAY, l.maxSendsPerPersonPerDay);
      if (inDay !== undefined) {
        refusal = { ok: false, reason: 'person_daily_limit', retryAt: inDay };
        return undefined;
      }
      return withSends(doc, lane, [...sends, now]);
    });
    return refusal;
  }

  private async releasePerson(personId: string, at: number, lane: RequesterLane): Promise<void> {
    await this.people.update(personId, (cur) => (cur ? withSends(cur, lane, removeOne(sendsOf(cur, lane), at)) : undefined));
  }

  private async reserveDestination(to: string, now: number, lane: RequesterLane): Promise<LimitRefusal | undefined> {
    let refusal: LimitRefusal | undefined;
    await this.destinations.update(destinationIdFor(to, lane), (cur) => {
      refusal = undefined;
      const sends = (cur?.sends ?? []).filter((t) => t > now - DAY);
      const retryAt = windowRetryAt(sends, now, DAY, this.limits.maxSendsPerDestinationPerDay);
      if (retryAt !== undefined) {
        refusal = { ok: false, reason: 'destination_limit', retryAt };
        return undefined;
      }
      return { sends: [...sends, now] };
    });
    return refusal;
  }

  private async releaseDestination(to: string, at: number, lane: RequesterLane): Promise<void> {
    await this.destinations.update(destinationIdFor(to, lane), (cur) => (cur ? { sends: removeOne(cur.sends, at) } : undefined));
  }

  /**
   * Counts a wrong code against the person in the lane and against the requester's source;
   * returns the end of a pause that starts now for either (the later one).
   */
  private async countFailure(f: { personId: string; lane: RequesterLane; requester?: CodeRequester; now: number; conversationId: string; challengeId: string; purpose: Purpose }): Promise<number | undefined> {
    const { personId, lane, now } = f;
    const base = { personId, conversationId: f.conversationId, purpose: f.purpose, challengeId: f.challengeId };
    const person: { until?: number; level?: number } = {};
    await this.people.update(personId, (cur) => {
      const doc = this.prunePerson(cur, now);
      const step = recordFailure(laneOfDoc(doc, lane), now, this.backoff);
      person.until = step.pausedUntil;
      person.level = step.level;
      return lane === 'own' ? { ...doc, own: { ...laneFields(step.state), sends: doc.own?.sends ?? [] } } : { ...doc, ...laneFields(step.state), ...(doc.own ? { own: doc.own } : {}) };
    });
    if (person.until !== undefined) {
      await this.options.audit.record({ ...base, type: 'lockout', reason: `backoff_${person.level ?? 1}:${lane}` });
      this.options.logger.warn({ conversationId: f.conversationId, personId, lane, level: person.level, pausedForMs: person.until - now }, 'Verification: self-service paused for the person after wrong codes');
    }
    const source = f.requester?.source;
    const requester: { until?: number; level?: number } = {};
    if (source) {
      await this.requesters.update(requesterIdFor(source), (cur) => {
        const step = recordFailure(cur, now, this.backoff);
        requester.until = step.pausedUntil;
        requester.level = step.level;
        return laneFields(step.state);
      });
      if (requester.until !== undefined) {
        await this.options.audit.record({ ...base, type: 'requester_paused', reason: `backoff_${requester.level ?? 1}` });
        this.options.logger.warn({ conversationId: f.conversationId, kind: f.requester?.kind, level: requester.level, pausedForMs: requester.until - now }, 'Verification: code checks paused for the requester after wrong codes');
      }
    }
    if (person.until === undefined) return requester.until;
    return requester.until === undefined ? person.until : Math.max(person.until, requester.until);
  }

  /** Texts the person that someone typed wrong codes as them: no code, no link; at most once per notice interval. */
  private async noticeFailedAttempts(personId: string, to: string, conversationId: string): Promise<void> {
    const notices = this.options.notices;
    if (!notices) return;
    const allowed = await this.windows.take([{ spec: { name: 'notice_person', limit: 1, windowMs: this.limits.noticeIntervalMs }, key: personId }]);
    if (!allowed.ok) return;
    const destination = redactPhone(to);
    try {
      const sent = await notices.sendNotice({ to, text: failedAttemptNoticeText() });
      await this.options.audit.record({ type: 'notice_sent', personId, conversationId, destination, reason: sent.ok ? 'failed_attempts' : `failed_attempts:${sent.failure.kind}` });
      this.options.logger.info({ conversationId, personId, to: destination, delivered: sent.ok }, 'Verification: person told by text about wrong codes typed as them');
    } catch (err) {
      this.options.logger.error({ conversationId, personId, to: destination, detail: redactPhonesInText(err instanceof Error ? err.message : String(err)) }, 'Verification: the notice about wrong codes could not be sent');
    }
  }
}
