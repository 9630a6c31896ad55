import { canonicalize, editDistance, SpellCorrector } from '../../src/knowledge/textNormalizer';

describe('canonicalize', () => {
  it.each([
    ['Lost phone!!', 'lost phone'],
    ["I can't log in to NHS Mail", 'i cannot sign in to nhsmail'],
    ['What is Multi-Factor Authentication?', 'what is mfa'],
    ['two factor / 2FA / 2-step verification', 'mfa mfa mfa'],
    ['MS Authenticator app on my mobile', 'authenticator app on my phone'],
    ['SMS or text message?', 'text or text'],
    ['Office 365 and O365', 'office365 and office365'],
    ['can I use a French number', 'can i use a foreign number'],
    ['a fido key', 'a fido2 key'],
    ['my staff id badge', 'my staff id badge'],
    ['don\u2019t approve', 'do not approve'],
  ])('%p -> %p', (input, expected) => {
    expect(canonicalize(input)).toBe(expected);
  });
});

describe('editDistance', () => {
  it('counts edits and adjacent transpositions', () => {
    expect(editDistance('phone', 'phone', 2)).toBe(0);
    expect(editDistance('phnoe', 'phone', 2)).toBe(1);
    expect(editDistance('authenticater', 'authenticator', 2)).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('SpellCorrector', () => {
  const speller = new SpellCorrector(['lost phone', 'change default method', 'authenticator app', 'change phone number']);

  it('corrects near misses against the vocabulary', () => {
    expect(speller.correct('chnage deafult methd')).toBe('change default method');
    expect(speller.correct('athenticator')).toBe('authenticator');
  });

  it('leaves short words, numbers and far-off words alone', () => {
    expect(speller.correct('my 2023 ap')).toBe('my 2023 ap');
    expect(speller.correct('weather forecast')).toBe('weather forecast');
  });
});
