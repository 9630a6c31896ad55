import { createHmac, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** What a Direct Line token grants: one server-chosen user in one conversation. */
export interface TokenClaims {
  /** The user id the server chose (`dl_` and 32 hex digits); every activity's `from.id`. */
  readonly userId: string;
  readonly conversationId: string;
  /** When the token stops being accepted (epoch seconds). */
  readonly expiresAt: number;
}

/** Why a presented token was refused. */
export type TokenRefusal = 'missing' | 'invalid' | 'expired';

/** The outcome of {@link DirectLineTokens.verify}. */
export type TokenCheck = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly refusal: TokenRefusal };

/** The three kinds of credential, each signed for its own audience so one cannot stand in for another. */
type Purpose = 'directline' | 'directline-stream' | 'directline-resume';

const ISSUER = 'mfa-helpdesk-bot';
/** How long a stream URL may be used to open its WebSocket. */
export const STREAM_TOKEN_SECONDS = 120;
/** How long a closed page can come back to its conversation (the resume cookie's lifetime). */
export const RESUME_SECONDS = 24 * 60 * 60;

/** A new server-chosen user id. The `dl_` prefix tells Web Chat the id comes from the token. */
export function newUserId(): string {
  return `dl_${randomBytes(16).toString('hex')}`;
}

/** A new conversation id: 22 URL-safe characters. */
export function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Derives the signing key of Direct Line tokens from the product's secret (HKDF-like, with a
 * label of its own), so every instance sharing that secret accepts the same tokens.
 */
export function deriveTokenKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('mfa-helpdesk-bot/direct-line-token/v1').digest();
}

/**
 * Mints and checks the signed (HS256) tokens of the bot's own Direct Line. The payload carries
 * `user` (as Azure's tokens do, so Web Chat takes the user id from it) and `conv`.
 */
export class DirectLineTokens {
  constructor(
    private readonly key: Buffer,
    /** Lifetime of a conversation token, in seconds. */
    readonly ttlSeconds: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A conversation token for the user and conversation. */
  mint(userId: string, conversationId: string): { token: string; expiresIn: number } {
    return { token: this.sign('directline', userId, conversationId, this.ttlSeconds), expiresIn: this.ttlSeconds };
  }

  /** A short-lived credential carried in a stream URL, good for opening that conversation's WebSocket. */
  mintStream(userId: string, conversationId: string): string {
    return this.sign('directline-stream', userId, conversationId, STREAM_TOKEN_SECONDS);
  }

  /** A long-lived credential, kept in an HttpOnly cookie, that lets a reloaded page get a token for its conversation again. */
  mintResume(userId: string, conversationId: string): string {
    return this.sign('directline-resume', userId, conversationId, RESUME_SECONDS);
  }

  /** Checks a conversation token. */
  verify(token: string | undefined): TokenCheck {
    return this.check('directline', token);
  }

  /** Checks a stream credential. */
  verifyStream(token: string | undefined): TokenCheck {
    return this.check('directline-stream', token);
  }

  /** Checks a resume credential. */
  verifyResume(token: string | undefined): TokenCheck {
    return this.check('directline-resume', token);
  }

  private sign(purpose: Purpose, userId: string, conversationId: string, seconds: number): string {
    const now = Math.floor(this.nowMs() / 1000);
    return jwt.sign({ user: userId, conv: conversationId, iat: now, exp: now + seconds, jti: randomBytes(9).toString('base64url') }, this.key, {
      algorithm: 'HS256',
      issuer: ISSUER,
      audience: purpose,
    });
  }

  private check(purpose: Purpose, token: string | undefined): TokenCheck {
    if (!token) return { ok: false, refusal: 'missing' };
    try {
      const payload = jwt.verify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: purpose,
        clockTimestamp: Math.floor(this.nowMs() / 1000),
      });
      if (typeof payload !== 'object' || typeof payload.user !== 'string' || typeof payload.conv !== 'string' || typeof payload.exp !== 'number') {
        return { ok: false, refusal: 'invalid' };
      }
      return { ok: true, claims: { userId: payload.user, conversationId: payload.conv, expiresAt: payload.exp } };
    } catch (err) {
      return { ok: false, refusal: err instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
  }
}
