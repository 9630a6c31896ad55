/** What a code proves: who the person is, or that they hold a new phone number. */
export type Purpose = 'identity' | 'new_number';

/** How a code is delivered. */
export type Channel = 'sms' | 'voice';
/** How a person proved a number: a code by text or voice call, or pressing # on a call-back to it. */
export type ProofMethod = Channel | 'callback';

/** Limits on codes and sends. All durations are in milliseconds. */
export interface VerificationLimits {
  /** Wrong codes that kill a challenge (5). */
  readonly maxAttemptsPerChallenge: number;
  /**
   * Wrong codes that pause self-service (10): for the person, counted apart for an outsider and for
   * the person in their own Teams chat, and for the requester who typed them.
   */
  readonly failuresBeforeBackoff: number;
  /** Length of the first, second, … pause; the last one repeats (1, 5, 15, 60, 240 minutes). */
  readonly backoffStepsMs: readonly number[];
  /** How long wrong codes and pauses are remembered: after this long without a pause, the next is the first again (24 h). */
  readonly failureWindowMs: number;
  /** At most one text per person telling them someone typed wrong codes as them, in this long (24 h). */
  readonly noticeIntervalMs: number;
  /** Minimum gap between two codes of one challenge, i.e. before a resend (60 s). */
  readonly resendCooldownMs: number;
  /** Sends per person in any 15 minutes (3). */
  readonly maxSendsPerPersonPer15Min: number;
  /** Sends per person in any 24 hours (10). */
  readonly maxSendsPerPersonPerDay: number;
  /** Sends to one phone number in any 24 hours (10). */
  readonly maxSendsPerDestinationPerDay: number;
  /** Sends by the whole service in one hour (500). */
  readonly maxSendsPerHour: number;
  /** Part of {@link maxSendsPerHour} that only Teams users and agents may use (50): outsiders stop short of it. */
  readonly teamsReservePerHour: number;
  /** Sends asked for from web chat in one hour (300). */
  readonly maxWebchatSendsPerHour: number;
  /** Sends asked for on the phone line in one hour (150). */
  readonly maxVoiceSendsPerHour: number;
  /** Sends asked for by one source (a Teams user, a caller, a web chat user) in one hour (10). */
  readonly maxSendsPerSourcePerHour: number;
  /** Sends asked for from one client address in one hour (100: 30 people behind one office address verify within a minute). */
  readonly maxSendsPerAddressPerHour: number;
  /** How long after proving identity a new number may be proven (30 min). */
  readonly identityProofValidityMs: number;
}

/** The product's limits. */
export const DEFAULT_LIMITS: VerificationLimits = {
  maxAttemptsPerChallenge: 5,
  failuresBeforeBackoff: 10,
  backoffStepsMs: [1, 5, 15, 60, 240].map((m) => m * 60 * 1000),
  failureWindowMs: 24 * 60 * 60 * 1000,
  noticeIntervalMs: 24 * 60 * 60 * 1000,
  resendCooldownMs: 60 * 1000,
  maxSendsPerPersonPer15Min: 3,
  maxSendsPerPersonPerDay: 10,
  maxSendsPerDestinationPerDay: 10,
  maxSendsPerHour: 500,
  teamsReservePerHour: 50,
  maxWebchatSendsPerHour: 300,
  maxVoiceSendsPerHour: 150,
  maxSendsPerSourcePerHour: 10,
  maxSendsPerAddressPerHour: 100,
  identityProofValidityMs: 30 * 60 * 1000,
};

/** Default validity of a code in seconds (5 minutes). */
export const DEFAULT_TTL_SECONDS = 300;

/** Longest validity allowed for a code in seconds (10 minutes, NIST SP 800-63B). */
export const MAX_TTL_SECONDS = 600;
