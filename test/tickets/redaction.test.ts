import { redactTranscriptText } from '../../src/tickets';

describe('redactTranscriptText', () => {
  it.each([
    ['my code is 123456', 'my code is [code]'],
    ['code: 12345678.', 'code: [code].'],
    ['it says 123 456', 'it says [code]'],
    ['it says 123-4567', 'it says [code]'],
    ['two codes 123456 654321', 'two codes [code] [code]'],
    ['call me on 07700 900123', 'call me on ***123'],
    ['+44 (0)7700-900-101 is my mobile', '***101 is my mobile'],
    ['+447700900101', '***101'],
    ['ring 0333 200 1133', 'ring ***133'],
    ['I got 3 prompts at 10.30 on 2025-01-31', 'I got 3 prompts at 10.30 on 2025-01-31'],
    ['since 31/01/2025', 'since 31/01/2025'],
    ['staff number 12345', 'staff number 12345'],
    ['no digits here', 'no digits here'],
    ['your ticket is MFA-000123', 'your ticket is MFA-000123'],
    ['ticket mfa-004567 and code 654321', 'ticket mfa-004567 and code [code]'],
    ['code123456 typed without a space', 'code[code] typed without a space'],
  ])('%j → %j', (input, expected) => {
    expect(redactTranscriptText(input)).toBe(expected);
  });

  it.each([
    ['separated by commas', 'it is 4, 8, 2, 9, 1, 3', 'it is [code]'],
    ['separated by commas without spaces', 'it is 4,8,2,9,1,3', 'it is [code]'],
    ['separated by slashes', '4/8/2/9/1/3', '[code]'],
    ['separated by dots and stars', '4.8*2.9*1.3', '[code]'],
    ['separated by underscores', '4_8_2_9_1_3', '[code]'],
    ['written with full-width digits', 'code ４８２９１３', 'code [code]'],
    ['a phone number separated by commas', '0,7,7,0,0,9,0,0,1,2,3', '***123'],
  ])('catches a code or number %s', (_name, input, expected) => {
    expect(redactTranscriptText(input)).toBe(expected);
  });

  it('leaves no run of 6 or more digits behind', () => {
    const text = 'codes 111111, 2222222 and 33333333; phones 07700900123, +1 415 555 0100 and (020) 7946 0000';
    expect(redactTranscriptText(text).replace(/\D/g, ' ')).not.toMatch(/\d{4,}/);
  });
});
