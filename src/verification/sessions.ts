import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Collection, DocumentStore } from '../store/documentStore';
import type { ProofMethod } from './types';

/** Collection holding the identity proofs remembered per conversation. */
export const SESSION_COLLECTION = 'verification_sessions';

/** How long a proven identity is reused in the same conversation (15 minutes). */
export const SESSION_VALIDITY_MS = 15 * 60 * 1000;

/** A proven identity, as `VerifyIdentityDialog` returns it and the ticket layer records it. */
export interface VerifiedIdentity {
  readonly verified: true;
  readonly personId: string;
  readonly email: string;
  readonly displayName: string;
  readonly staffId: string;
  /** How the person proved the number: a code by text or call, or # on a call-back. */
  readonly method: ProofMethod;
  /** The directory number the code went to, masked to its last 3 digits (e.g. `***101`). */
  readonly destinationMasked: string;
  /** When the code was accepted (ISO 8601). */
  readonly at: string;
}

/** Options for {@link VerificationSessions}. */
export interface VerificationSessionsOptions {
  readonly store: DocumentStore;
  readonly clock: Clock;
  /** How long a success is reused (default {@link SESSION_VALIDITY_MS}). */
  readonly validityMs?: number;
}

type SessionDoc = {
  identity: VerifiedIdentity;
  /** Epoch ms of the proof, from the injected clock. */
  provenAt: number;
  /** Hash of the channel user id that proved it, when known. */
  user?: string;
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Remembers, per conversation, that the person proved who they are, so later conversations in
 * the same chat reuse the proof for a short time instead of sending another code. The record
 * lives in the store, so it holds across restarts and instances. It never holds a code or a
 * full phone number.
 */
export class VerificationSessions {
  private readonly sessions: Collection<SessionDoc>;
  private readonly validityMs: number;

  constructor(private readonly options: VerificationSessionsOptions) {
    this.sessions = options.store.collection<SessionDoc>(SESSION_COLLECTION);
    this.validityMs = options.validityMs ?? SESSION_VALIDITY_MS;
  }

  /**
   * Records a proven identity for the conversation, replacing any earlier one.
   * @param userId the channel's id of the user who proved it; when given, only the same user can recall it (group chats)
   */
  async remember(conversationId: string, result: VerifiedIdentity, userId?: string): Promise<void> {
    const doc: SessionDoc = { identity: { ...result }, provenAt: this.options.clock.now() };
    if (userId) doc.user = sha256(userId);
    await this.sessions.put(this.keyFor(conversationId), doc);
  }

  /**
   * The identity proven in this conversation in the last 15 minutes, if any.
   * @param userId the current user's channel id; a proof remembered for another user is not returned
   */
  async recall(conversationId: string, userId?: string): Promise<VerifiedIdentity | undefined> {
    const found = await this.sessions.get(this.keyFor(conversationId));
    if (!found) return undefined;
    const { identity, provenAt, user } = found.doc;
    const age = this.options.clock.now() - provenAt;
    if (age < 0 || age > this.validityMs) return undefined;
    if (user !== undefined && (userId === undefined || sha256(userId) !== user)) return undefined;
    return identity;
  }

  /** Forgets the conversation's proof, e.g. when the person signs out or asks to start again. */
  async forget(conversationId: string): Promise<void> {
    await this.sessions.delete(this.keyFor(conversationId));
  }

  private keyFor(conversationId: string): string {
    return `s_${sha256(conversationId).slice(0, 40)}`;
  }
}
