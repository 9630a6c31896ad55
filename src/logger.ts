import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are secrets and are removed from anything logged. */
const SECRET_FIELD = /(code|otp|pin|token|secret|password|passwd|authorization|apikey|api_key)/i;

/** Matches phone-number-like runs: an optional +, then 7 to 20 digits with spaces, dots, dashes or brackets between. */
const PHONE_RUN = /\+?\d[\d\s().-]{5,22}\d/g;

/**
 * Redacts a phone number to its last 3 digits, e.g. `+447700900101` becomes `***101`.
 * Anything with fewer than 4 digits is returned masked entirely.
 */
export function redactPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `***${digits.slice(-3)}`;
}

/** Replaces every phone-number-like run of 7 or more digits inside free text with its redacted form. */
export function redactPhonesInText(text: string): string {
  return text.replace(PHONE_RUN, (run) => {
    const digits = run.replace(/\D/g, '');
    return digits.length >= 7 ? redactPhone(run) : run;
  });
}

/**
 * Returns a deep copy of `value` that is safe to log: fields named like code, token, secret or
 * password are removed, and phone numbers in strings keep only their last 3 digits.
 */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactPhonesInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, seen));
  if (value instanceof Error) {
    return { name: value.name, message: redactPhonesInText(value.message) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_FIELD.test(key)) continue;
    out[key] = redactValue(v, seen);
  }
  return out;
}

/** Longest time a log line may wait for a full standard output before logging gives up. */
export const MAX_BLOCKED_LOG_WRITE_MS = 1_000;

/**
 * Standard output as a synchronous pino destination that cannot hang the process: when the
 * reader stops reading (its pipe is full for more than {@link MAX_BLOCKED_LOG_WRITE_MS}) or goes
 * away (EPIPE), further lines are dropped instead of retried for ever, so signals are still
 * handled and the server still stops.
 */
export function stdoutDestination(fd = 1): DestinationStream {
  let blockedSince: number | undefined;
  const dest = pino.destination({
    dest: fd,
    sync: true,
    retryEAGAIN: () => {
      const now = Date.now();
      blockedSince ??= now;
      return now - blockedSince < MAX_BLOCKED_LOG_WRITE_MS;
    },
  });
  dest.on('write', (n: number) => {
    if (n > 0) blockedSince = undefined;
  });
  dest.on('error', () => {
    // The reader is gone or stuck: drop what follows rather than block or crash.
    dest.write = () => true;
    dest.flushSync = () => undefined;
  });
  return dest;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  readonly level: string;
  /** Where lines go; standard output when omitted. */
  readonly destination?: DestinationStream;
  /**
   * Readable lines (`pino-pretty`) instead of JSON. Defaults to whether standard output is a
   * terminal, and applies only when no `destination` is given.
   */
  readonly pretty?: boolean;
}

/**
 * Creates the logger. Lines are JSON, except on a terminal, where `pino-pretty` (loaded only
 * then, in pino's transport thread) prints them as readable lines; redaction applies before
 * either. Headers that carry credentials are censored at source.
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.destination === undefined && (options.pretty ?? process.stdout.isTTY === true);
  return pino(
    {
      level: options.level,
      base: { service: 'mfa-helpdesk-bot' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.secret', '*.token', '*.code'],
        remove: true,
      },
      ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } } : {}),
    },
    pretty ? undefined : (options.destination ?? stdoutDestination()),
  );
}
