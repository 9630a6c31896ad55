import type { Person } from '../src/directory/directory';
import type { CodeRequester } from '../src/verification/requester';
import { verificationMessage } from '../src/verification/messages';
import type { CodeRejected, DeliveryFailure, LimitRefusal, PolicyRefusal, SendCodeRequest } from '../src/verification/verificationService';
import { CODE_REPLIES, type ChallengeFailureReason, type CodeChallengeOptions, type CodeOffer } from './codeChallenge';

/** Loop state a failed send or check changes. */
export interface LoopChanges {
  readonly mode?: 'send' | 'choose' | 'code';
  readonly current?: number;
  readonly question?: string;
}

/** What the loop does after a failed send or check: ask again, offer another way, or end. */
export type NextMove =
  | { readonly move: 'again'; readonly changes: LoopChanges }
  | { readonly move: 'another'; readonly failed: number; readonly message: string; readonly failure: ChallengeFailureReason }
  | { readonly move: 'fail'; readonly reason: ChallengeFailureReason; readonly message: string };

/** Where the loop stood when a send failed. */
export interface SendAttempt {
  readonly now: number;
  /** The offer the send went to. */
  readonly index: number;
  /** The offer the last code went to, if any. */
  readonly current?: number;
  /** Whether a code sent before is still waiting to be typed. */
  readonly codePending: boolean;
}

/** The next move after a refused or undelivered send, explained with the service's own message. */
export function afterSendFailure(result: LimitRefusal | PolicyRefusal | DeliveryFailure, at: SendAttempt): NextMove {
  const message = verificationMessage(result, { now: at.now });
  const fail = (reason: ChallengeFailureReason): NextMove => ({ move: 'fail', reason, message });
  switch (result.reason) {
    case 'cooldown':
      return { move: 'again', changes: { mode: 'code', current: at.current ?? at.index, question: `${message} Please type the code you already have.` } };
    case 'too_many_attempts':
    case 'locked_out':
      return fail(result.reason);
    case 'person_15min_limit':
    case 'person_daily_limit':
    case 'source_limit':
    case 'global_budget': {
      if (at.codePending) return { move: 'again', changes: { mode: 'code', question: `${message} Meanwhile, the code I sent before still works until it expires.` } };
      return fail(result.reason === 'person_15min_limit' || result.reason === 'person_daily_limit' ? 'send_limit' : 'budget');
    }
    case 'not_eligible':
      return fail(result.detail ?? 'compromised');
    case 'identity_not_proven':
    case 'invalid_number':
      return fail(result.reason);
    case 'send_failed':
      if (result.failure.delivered === 'unknown') return { move: 'again', changes: { mode: 'code', current: at.index, question: message } };
      return { move: 'another', failed: at.index, message, failure: 'send_failed' };
    case 'destination_limit':
    case 'no_number':
      return { move: 'another', failed: at.index, message, failure: 'send_failed' };
    default: {
      const unreachable: never = result;
      return { move: 'fail', reason: 'send_failed', message: String(unreachable) };
    }
  }
}

/** The next move after a rejected code. */
export function afterCheckFailure(result: CodeRejected, now: number): NextMove {
  const message = verificationMessage(result, { now });
  switch (result.reason) {
    case 'wrong_code':
      return { move: 'again', changes: { question: `${message} Please type the code again.` } };
    case 'invalid_format':
      return { move: 'again', changes: { question: message } };
    case 'expired':
      return { move: 'again', changes: { question: `That code has expired. Choose **${CODE_REPLIES.resend}** and I'll send you another one, or talk to a person.` } };
    case 'too_many_attempts':
    case 'locked_out':
      return { move: 'fail', reason: result.reason, message };
    case 'no_challenge':
    case 'already_used':
      return { move: 'again', changes: { mode: 'choose', current: undefined, question: `${message} How should I send it?` } };
    default: {
      const unreachable: never = result;
      return { move: 'fail', reason: 'send_failed', message: String(unreachable) };
    }
  }
}

/** The send request for an offer: identity codes go to a directory method, new-number codes to the new number. */
export function sendRequest(conversationId: string, o: CodeChallengeOptions, offer: CodeOffer, person: Person, requester: CodeRequester): SendCodeRequest | undefined {
  const base = { person, conversationId, channel: offer.channel, requester };
  if (o.purpose === 'identity') return offer.method ? { ...base, purpose: 'identity', method: offer.method, ...(offer.callback ? { callback: { kind: 'caller' as const } } : {}) } : undefined;
  return o.newNumber ? { ...base, purpose: 'new_number', newNumber: o.newNumber } : undefined;
}

/** Said before the bot hangs up to call the caller back on a number on their record. */
export function callBackText(place: string): string {
  return `OK. I'll hang up now and call your ${place} straight back. Answer it and press hash to confirm it's you, and we'll carry on from there. Goodbye for now.`;
}
