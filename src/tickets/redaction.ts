import { redactPhone } from '../logger';

/** Replacement for anything that looks like a one-time code. */
export const CODE_PLACEHOLDER = '[code]';

/** What may stand between the digits of one number or code: up to 3 spaces or punctuation marks (`1, 2, 3`, `1-2-3`, `1/2/3`). */
const SEPARATOR = String.raw`[\s().,;:/\\_*#|'"~+-]`;
/**
 * A run of digits, optionally led by `+`, with separators between them; not the number of a
 * ticket id (`MFA-000123`). Each repetition consumes a digit, so matching stays linear.
 */
const DIGIT_RUN = new RegExp(String.raw`(?<!MFA-|\d)\+?\d(?:${SEPARATOR}{0,3}\d)*`, 'gi');
const SEPARATORS = new RegExp(`${SEPARATOR}+`);
/** Calendar dates such as 2025-01-31, 31/01/2025 or 31.01.25: never codes. */
const DATE = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/**
 * Redacts free text for storage on a ticket or for relaying between a person and an agent.
 * Full-width and other compatibility digits are read as digits first (NFKC). Then:
 * - a run of 6 to 8 digits (also written in groups or one by one with separators, like
 *   `123 456` or `1, 2, 3, 4, 5, 6`) is taken for a one-time code and becomes `[code]`;
 * - several code-sized groups in a row (`123456 654321`) each become `[code]`;
 * - a longer run is taken for a phone number and keeps only its last 3 digits (`***101`),
 *   as `redactPhonesInText` does;
 * - dates, ticket ids and shorter numbers are left alone.
 */
export function redactTranscriptText(text: string): string {
  return text.normalize('NFKC').replace(DIGIT_RUN, (run) => {
    const trimmed = run.trim();
    if (DATE.test(trimmed)) return run;
    const digits = trimmed.replace(/\D/g, '');
    if (digits.length < 6) return run;
    if (digits.length <= 8 && !trimmed.startsWith('+')) return CODE_PLACEHOLDER;
    const groups = trimmed.split(SEPARATORS).filter(Boolean);
    if (groups.length > 1 && groups.every((g) => /^\d{6,8}$/.test(g))) return groups.map(() => CODE_PLACEHOLDER).join(' ');
    return redactPhone(trimmed);
  });
}
