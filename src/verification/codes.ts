import { createHmac, timingSafeEqual } from 'node:crypto';
import { generate, generateSecret } from 'otplib';

/** Number of digits in a code. */
export const CODE_DIGITS = 6;

/**
 * Generates a 6-digit one-time code: HOTP (RFC 4226) over a fresh 160-bit random secret, so
 * every code comes from its own CSPRNG output. The secret is discarded.
 */
export async function generateCode(): Promise<string> {
  const secret = generateSecret({ length: 20 });
  return generate({ secret, strategy: 'hotp', counter: 0, digits: CODE_DIGITS });
}

/** Strips spaces and dashes a person may type; returns `undefined` unless 6 digits remain. */
export function normaliseCode(input: string): string | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/**
 * HMAC-SHA256 of a code, bound to its challenge and issue number so equal codes never share a
 * hash. Returned as base64url.
 */
export function hashCode(key: Buffer, challengeId: string, issue: number, code: string): string {
  return createHmac('sha256', key).update(`v1\u0000${challengeId}\u0000${issue}\u0000${code}`).digest('base64url');
}

/** Compares a candidate with a stored hash in constant time. */
export function codeMatches(key: Buffer, challengeId: string, issue: number, candidate: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'base64url');
  const actual = Buffer.from(hashCode(key, challengeId, issue, candidate), 'base64url');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
