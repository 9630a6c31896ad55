import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Normalises a number typed by a person to E.164 if it is a UK mobile number (`07…` or
 * `+447…`, 10 national digits); otherwise `undefined`. Only plausibility is checked, so the
 * reserved drama ranges used in tests are accepted.
 */
export function normaliseUkMobile(input: string): string | undefined {
  const cleaned = input.trim();
  if (!/^[+\d][\d\s().-]{6,24}$/.test(cleaned)) return undefined;
  const parsed = parsePhoneNumberFromString(cleaned, 'GB');
  if (!parsed || parsed.countryCallingCode !== '44' || !parsed.isPossible()) return undefined;
  const national = String(parsed.nationalNumber);
  return /^7\d{9}$/.test(national) ? parsed.number : undefined;
}
