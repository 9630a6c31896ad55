/** How a person names themselves in the conversation: an email address or a staff id. */
export interface TypedIdentifier {
  readonly by: 'email' | 'staffId';
  readonly value: string;
}

/**
 * Whether the text holds something that looks like a phone number: a `+` and 7 or more digits,
 * or a run of 10 or more digits with spaces, dots, dashes or brackets between. Six-digit
 * codes and staff ids of up to 9 digits do not match.
 */
export function looksLikePhoneNumber(text: string | undefined): boolean {
  const value = text ?? '';
  if (/\+\s*\d(?:[\s().-]*\d){6,}/.test(value)) return true;
  const runs = value.match(/\d[\d\s().-]*\d/g) ?? [];
  return runs.some((run) => run.replace(/\D/g, '').length >= 10);
}

/** An email address found in the text, or a staff id (letters, digits, dashes, with at least one digit). */
export function parseIdentifier(text: string | undefined): TypedIdentifier | undefined {
  const raw = (text ?? '').trim();
  const email = raw.match(/[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[^\s@<>()"',;:]+/);
  if (email) return { by: 'email', value: email[0].replace(/\.+$/, '').toLowerCase() };
  const staff = /^(?=[A-Za-z-]*\d)[A-Za-z0-9-]{1,32}$/;
  const keyed = raw.replace(/[#*]+$/, '');
  if (/^[\d\s]+$/.test(keyed) && staff.test(keyed.replace(/\s+/g, ''))) return { by: 'staffId', value: keyed.replace(/\s+/g, '') };
  const tokens = keyed.split(/\s+/).map((t) => t.replace(/[.,!?]+$/, '')).filter((t) => staff.test(t));
  return tokens.length === 1 ? { by: 'staffId', value: tokens[0] } : undefined;
}

/**
 * A ticket number as said or keyed in: `MFA-000123` (any case, with a space or no dash), or
 * its digits alone as keyed on a phone (`000123#`, or `123`, padded to six). `undefined` for
 * anything else.
 */
export function parseTicketNumber(text: string | undefined): string | undefined {
  const raw = (text ?? '').trim().replace(/[#*]+$/, '').trim();
  const digits = /^(?:mfa[\s-]*)?(\d{1,6})$/i.exec(raw.replace(/(\d)\s+(?=\d)/g, '$1'))?.[1];
  return digits && /[1-9]/.test(digits) ? `MFA-${digits.padStart(6, '0')}` : undefined;
}

/** Whether the whole text is one plausible email address (at most 320 characters). */
export function isEmailAddress(text: string | undefined): boolean {
  const t = (text ?? '').trim();
  return t.length <= 320 && /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[A-Za-z]{2,}$/.test(t);
}
