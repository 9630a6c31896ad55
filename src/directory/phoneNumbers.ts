import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';

/** What a typed phone number turned out to be. */
export type UkNumberCheck =
  | { readonly ok: true; readonly kind: 'mobile' | 'landline'; readonly e164: string; readonly national: string }
  | {
      readonly ok: false;
      readonly reason: 'empty' | 'not_a_number' | 'not_uk' | 'unsupported_type';
      readonly e164?: string;
      readonly national?: string;
      /** ISO country of a valid non-UK number. */
      readonly country?: string;
    };

/** Ofcom's ranges reserved for drama: never allocated, accepted so the sample directory and demos work. */
const DRAMA_MOBILE = /^\+447700900\d{3}$/;
const DRAMA_LANDLINE = /^\+44(1632960\d{3}|1134960\d{3}|1144960\d{3}|1154960\d{3}|1164960\d{3}|1174960\d{3}|1184960\d{3}|1214960\d{3}|1314960\d{3}|1414960\d{3}|1514960\d{3}|1614960\d{3}|2079460\d{3}|2890180\d{3}|2920180\d{3})$/;

const LANDLINE_TYPES: readonly (NumberType | undefined)[] = ['FIXED_LINE'];
const MOBILE_TYPES: readonly (NumberType | undefined)[] = ['MOBILE', 'FIXED_LINE_OR_MOBILE'];

/**
 * Checks a number typed by a person against the UK-only policy for MFA. UK (+44) mobiles are
 * accepted; UK landlines are accepted for phone calls only; other UK types (premium rate,
 * freephone, pagers, VoIP, personal numbers) and every non-UK number are refused.
 */
export function checkUkNumber(input: string | undefined): UkNumberCheck {
  const text = (input ?? '').trim();
  const known = checked.get(text);
  if (known) return known;
  const check = Object.freeze(checkText(text));
  if (checked.size >= MAX_CHECKED) checked.delete(checked.keys().next().value as string);
  checked.set(text, check);
  return check;
}

/**
 * Numbers checked lately: parsing one with the full metadata costs about 0.1 ms, and a flow
 * checks the same few numbers (the person's, on record) at several of its steps.
 */
const checked = new Map<string, UkNumberCheck>();
const MAX_CHECKED = 1000;

function checkText(text: string): UkNumberCheck {
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > 25 || /[^\d\s()+.-]/.test(text) || (text.match(/\d/g) ?? []).length > 15) {
    return { ok: false, reason: 'not_a_number' };
  }
  const phone = parsePhoneNumberFromString(text, 'GB');
  if (!phone) return { ok: false, reason: 'not_a_number' };
  const e164 = phone.number;
  const national = phone.formatNational();
  if (phone.countryCallingCode !== '44') {
    return phone.isValid()
      ? { ok: false, reason: 'not_uk', e164, national: phone.formatInternational(), country: phone.country }
      : { ok: false, reason: 'not_a_number' };
  }
  if (DRAMA_MOBILE.test(e164)) return { ok: true, kind: 'mobile', e164, national };
  if (DRAMA_LANDLINE.test(e164)) return { ok: true, kind: 'landline', e164, national };
  if (!phone.isValid()) return { ok: false, reason: 'not_a_number' };
  const type = phone.getType();
  if (MOBILE_TYPES.includes(type)) return { ok: true, kind: 'mobile', e164, national };
  if (LANDLINE_TYPES.includes(type)) return { ok: true, kind: 'landline', e164, national };
  return { ok: false, reason: 'unsupported_type', e164, national };
}
