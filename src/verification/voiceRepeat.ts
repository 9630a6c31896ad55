import type { Clock } from '../clock';
import { SealedTokens } from './sealedTokens';
import type { Purpose } from './types';

/** What a repeat token carries: enough to read the same code out again until it expires. */
export interface RepeatTokenContent {
  readonly code: string;
  readonly purpose: Purpose;
  /** Expiry of the code, in epoch milliseconds. */
  readonly expiresAt: number;
}

interface Sealed {
  c: string;
  p: Purpose;
  e: number;
}

/**
 * Seals the code of a call into an opaque, authenticated token for the `<Gather>` action URL,
 * so the voice webhook can read the code again when the callee presses 1 without the code ever
 * being kept in the store.
 */
export class VoiceRepeatTokens {
  private readonly sealed: SealedTokens<Sealed>;

  constructor(
    secret: Buffer,
    private readonly clock: Clock,
  ) {
    this.sealed = new SealedTokens<Sealed>(secret, 'mfa-helpdesk voice repeat v1', (value) => {
      const body = value as Partial<Sealed> | null;
      return body && typeof body.c === 'string' && typeof body.e === 'number' ? (body as Sealed) : undefined;
    });
  }

  /** Seals a code into a URL-safe token. */
  seal(content: RepeatTokenContent): string {
    return this.sealed.seal({ c: content.code, p: content.purpose, e: content.expiresAt });
  }

  /** Opens a token; `undefined` when it was tampered with, is malformed or has expired. */
  open(token: string): RepeatTokenContent | undefined {
    const body = this.sealed.open(token);
    if (!body || body.e <= this.clock.now()) return undefined;
    return { code: body.c, purpose: body.p === 'new_number' ? 'new_number' : 'identity', expiresAt: body.e };
  }
}
