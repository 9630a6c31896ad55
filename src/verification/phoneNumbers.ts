import { checkUkNumber } from '../directory/phoneNumbers';

/**
 * Normalises a number typed by a person to E.164 if it is a UK mobile number; otherwise
 * `undefined`. The checks are those of {@link checkUkNumber}, so the reserved drama ranges
 * used by the sample directory and the tests are accepted.
 */
export function normaliseUkMobile(input: string): string | undefined {
  const check = checkUkNumber(input);
  return check.ok && check.kind === 'mobile' ? check.e164 : undefined;
}
