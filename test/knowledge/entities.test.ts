import { extractEntities, sureValue, SURE_SCORE, type HelpdeskSlots } from '../../src/knowledge/entities';

type Values = { [K in keyof HelpdeskSlots]?: NonNullable<HelpdeskSlots[K]>['value'] };
const values = (text: string): Values =>
  Object.fromEntries(
    Object.entries(extractEntities(text))
      .filter(([, v]) => typeof v === 'object')
      .map(([k, v]) => [k, (v as { value: unknown }).value]),
  ) as Values;

describe('entities', () => {
  it.each<[string, Values]>([
    ['got a new phone but kept the same number, i use text codes', { sameNumber: true, method: 'sms' }],
    ['how do i move authenticator over to my new iphone', { method: 'app', device: 'iphone', oldPhone: true }],
    ['new samsung, different number', { device: 'android', sameNumber: false }],
    ['I get a phone call to sign in', { method: 'call' }],
    ['my phone was stolen and I have no other way to sign in', { stolen: true, otherMethod: false }],
    ["it wasn't stolen, I just dropped it", { stolen: false }],
    ['my screen is smashed', { stolen: false }],
    ["I don't have another method", { otherMethod: false }],
    ['I have my office phone registered too', { otherMethod: true }],
    ["I didn't approve any of them", { approved: false }],
    ['I accidentally approved one', { approved: true }],
    ['I got about 10 of them', { promptCount: 10 }],
    ['loads of notifications this morning', { promptCount: 10 }],
    ['two requests', { promptCount: 2 }],
    ['how do I set up mfa', {}],
  ])('%s', (text, expected) => expect(values(text)).toEqual(expected));

  it('leaves out a slot when the message says both', () => {
    expect(values('I use the app and texts')).toEqual({});
  });

  it('is less sure when the person hedges', () => {
    const slots = extractEntities('I think I have another method');
    expect(slots.otherMethod?.value).toBe(true);
    expect(slots.otherMethod?.score).toBeLessThan(SURE_SCORE);
    expect(sureValue(slots.otherMethod)).toBeUndefined();
    expect(sureValue(extractEntities('I have another method').otherMethod)).toBe(true);
  });

  it('reads ticket ids and email addresses', () => {
    expect(extractEntities('any news on mfa-000123 for Jo.Bloggs@Example.nhs.net?')).toMatchObject({ ticketId: 'MFA-000123', email: 'jo.bloggs@example.nhs.net' });
  });
});
