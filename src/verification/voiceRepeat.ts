import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
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
 * Seals the code of a call into an opaque, authenticated token (AES-256-GCM under a key derived
 * from `VERIFICATION_SECRET`) for the `<Gather>` action URL, so the voice webhook can read the
 * code again when the callee presses 1 without the code ever being kept in the store.
 */
export class VoiceRepeatTokens {
  private readonly key: Buffer;

  constructor(
    secret: Buffer,
    private readonly clock: Clock,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'mfa-helpdesk voice repeat v1', 32));
  }

  /** Seals a code into a URL-safe token. */
  seal(content: RepeatTokenContent): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body: Sealed = { c: content.code, p: content.purpose, e: content.expiresAt };
    const data = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
  }

  /** Opens a token; `undefined` when it was tampered with, is malformed or has expired. */
  open(token: string): RepeatTokenContent | undefined {
    try {
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 29) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      const body = JSON.parse(text) as Sealed;
      if (typeof body.c !== 'string' || typeof body.e !== 'number' || body.e <= this.clock.now()) return undefined;
      return { code: body.c, purpose: body.p === 'new_number' ? 'new_number' : 'identity', expiresAt: body.e };
    } catch {
      return undefined;
    }
  }
}
