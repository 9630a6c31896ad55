/**
 * Growing back-off after failures: every `threshold` failures start a pause, and each pause is
 * longer than the one before (for example 1, 5, 15 minutes, then 1 and 4 hours, and no longer).
 * The state is a plain document, kept in the store by its owner, so it holds across restarts and
 * instances; these functions only compute the next state.
 */

/** How failures turn into pauses. Durations in milliseconds. */
export interface BackoffPolicy {
  /** Failures that start a pause. */
  readonly threshold: number;
  /** Length of the first, second, … pause; the last one repeats (the cap). At least one. */
  readonly stepsMs: readonly number[];
  /** Failures older than this are forgotten, and after this long without a pause the next one is the first again. */
  readonly memoryMs: number;
}

/** Failures and pauses of one key (a person, a requester). */
export interface BackoffState {
  /** Times of the failures since the last pause. */
  readonly failures: readonly number[];
  /** How many pauses have started within the memory (0: none). */
  readonly level?: number;
  /** When the current pause ends (epoch ms). */
  readonly lockedUntil?: number;
  /** When the last pause started. */
  readonly lastLockAt?: number;
}

/** The result of {@link recordFailure}: the next state, and the end of a pause that starts now. */
export interface BackoffStep {
  readonly state: BackoffState;
  readonly pausedUntil?: number;
  /** Which pause this is (1 for the first), when one starts now. */
  readonly level?: number;
}

/** The end of the pause in force at `now`, if any. */
export function pausedUntil(state: BackoffState | undefined, now: number): number | undefined {
  const until = state?.lockedUntil;
  return until !== undefined && until > now ? until : undefined;
}

/** The state without what the memory has forgotten by `now`. */
export function forget(state: BackoffState | undefined, now: number, policy: BackoffPolicy): BackoffState {
  const recentLock = state?.lastLockAt !== undefined && now - state.lastLockAt < policy.memoryMs;
  const lockedUntil = pausedUntil(state, now);
  return {
    failures: (state?.failures ?? []).filter((t) => t > now - policy.memoryMs),
    level: recentLock ? (state?.level ?? 0) : 0,
    ...(lockedUntil !== undefined ? { lockedUntil } : {}),
    ...(recentLock && state?.lastLockAt !== undefined ? { lastLockAt: state.lastLockAt } : {}),
  };
}

/** Counts one failure at `now`; when it reaches the threshold a pause starts, one step longer than the last. */
export function recordFailure(current: BackoffState | undefined, now: number, policy: BackoffPolicy): BackoffStep {
  const state = forget(current, now, policy);
  const failures = [...state.failures, now];
  if (failures.length < policy.threshold) return { state: { ...state, failures } };
  const level = (state.level ?? 0) + 1;
  const step = policy.stepsMs[Math.min(level, policy.stepsMs.length) - 1] ?? 0;
  const until = Math.max(now + step, state.lockedUntil ?? 0);
  return { state: { failures: [], level, lockedUntil: until, lastLockAt: now }, pausedUntil: until, level };
}
