import { checkUkNumber } from '../../src/directory/phoneNumbers';

describe('checkUkNumber', () => {
  it('sorts typed numbers into UK mobiles, UK landlines and refusals', () => {
    expect(checkUkNumber(' 07700 900123 ')).toEqual({ ok: true, kind: 'mobile', e164: '+447700900123', national: '07700 900123' });
    expect(checkUkNumber('01632 960123')).toMatchObject({ ok: true, kind: 'landline', e164: '+441632960123' });
    expect(checkUkNumber('0900 123 4567')).toMatchObject({ ok: false });
    expect(checkUkNumber('+1 202 555 0143')).toMatchObject({ ok: false });
    expect(checkUkNumber('call me')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(checkUkNumber('')).toEqual({ ok: false, reason: 'empty' });
  });

  it('answers a number checked before from what it found then, frozen, and stays right past the numbers it keeps', () => {
    const first = checkUkNumber('07700 900456');
    expect(checkUkNumber('07700 900456')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    for (let i = 0; i < 1500; i += 1) {
      const n = String(i % 1000).padStart(3, '0');
      expect(checkUkNumber(`07700 900${n}`)).toMatchObject({ ok: true, kind: 'mobile', e164: `+447700900${n}` });
    }
    expect(checkUkNumber('07700 900456')).toEqual(first);
  });
});
