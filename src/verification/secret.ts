import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger';

/** File name of the generated development secret inside `DATA_DIR`. */
export const DEV_SECRET_FILE = 'verification.secret';

/** Shortest accepted secret, in characters. */
export const MIN_SECRET_LENGTH = 32;

/** Inputs of {@link resolveVerificationSecret}. */
export interface SecretOptions {
  /** `VERIFICATION_SECRET`, if set. */
  readonly secret?: string;
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly dataDir: string;
  readonly logger: Logger;
}

/**
 * Returns the HMAC key for codes. A configured secret is used as is. Without one, production
 * refuses to start; development generates a random secret once and keeps it in
 * `DATA_DIR/verification.secret` (mode 0600), so codes survive a restart.
 * @throws Error in production when no secret is configured
 */
export async function resolveVerificationSecret(options: SecretOptions): Promise<Buffer> {
  if (options.secret) {
    if (options.secret.length < MIN_SECRET_LENGTH) throw new Error(`VERIFICATION_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    return Buffer.from(options.secret, 'utf8');
  }
  if (options.nodeEnv === 'production') {
    throw new Error('VERIFICATION_SECRET is required when NODE_ENV is production');
  }
  const file = join(options.dataDir, DEV_SECRET_FILE);
  await mkdir(options.dataDir, { recursive: true });
  try {
    await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    options.logger.warn({ file }, 'Verification: generated a development secret; set VERIFICATION_SECRET in production');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const value = (await readFile(file, 'utf8')).trim();
  if (value.length < MIN_SECRET_LENGTH) throw new Error(`${file} holds a secret shorter than ${MIN_SECRET_LENGTH} characters; delete it to generate a new one`);
  return Buffer.from(value, 'utf8');
}
