import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals small JSON values into opaque, authenticated, URL-safe tokens (AES-256-GCM under a key
 * derived from `VERIFICATION_SECRET` with HKDF and a label of its own), so a Twilio callback URL
 * can carry what the webhook needs without anything being kept in the store. Tokens from one
 * label never open under another.
 */
export class SealedTokens<T> {
  private readonly key: Buffer;

  /**
   * @param label HKDF info string; each kind of token has its own
   * @param parse checks an opened value and returns it typed, or `undefined` to refuse it
   */
  constructor(
    secret: Buffer,
    label: string,
    private readonly parse: (value: unknown) => T | undefined,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), label, 32));
  }

  /** Seals a value into a URL-safe token. */
  seal(value: T): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
  }

  /** Opens a token; `undefined` when it was tampered with, is malformed, or its value is refused. */
  open(token: string): T | undefined {
    try {
      const raw = Buffer.from(token, 'base64url');
      if (raw.length < 29) return undefined;
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return this.parse(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
}
