import { codeCallTwiml, smsText, voiceScript, webOtpHostOf, type CodeTextInput } from '../../src/verification/codeText';

const CASES: readonly CodeTextInput[] = [
  { code: '123456', ttlSeconds: 300, purpose: 'identity' },
  { code: '907311', ttlSeconds: 600, purpose: 'new_number' },
  { code: '000042', ttlSeconds: 60, purpose: 'identity', serviceName: 'NHS MFA Helpdesk' },
];

/** What every code text must say, wherever it is read or heard. */
function expectTheRule(text: string, input: CodeTextInput, expiry: string): void {
  const name = input.serviceName ?? 'MFA Helpdesk';
  // Where to use it: only the helpdesk chat or its phone line.
  expect(text).toMatch(new RegExp(`Type it only into the ${name} chat(?: or phone line|, or on your keypad when you call the ${name} phone line)\\.`));
  // Nobody asks for it: not "the helpdesk", whose bot asks for it next.
  expect(text).toContain('No person will ever ask you for it.');
  expect(text).not.toMatch(/helpdesk will never ask|never share/i);
  expect(text).toContain(`It expires in ${expiry}.`);
}

const EXPIRY: Readonly<Record<number, string>> = { 60: '1 minute', 300: '5 minutes', 600: '10 minutes' };

describe('code texts say where to type the code, that no person asks for it, and when it expires', () => {
  it.each(CASES)('SMS for $purpose, $ttlSeconds s', (input) => {
    const text = smsText(input);
    expectTheRule(text, input, EXPIRY[input.ttlSeconds] ?? '');
    expect(text).toContain(`code ${input.code.slice(0, 3)} ${input.code.slice(3)}`);
    expect(text.startsWith(input.serviceName ?? 'MFA Helpdesk')).toBe(true);
    expect(text).not.toContain('@');
  });

  it.each(CASES)('voice call for $purpose, $ttlSeconds s: the script and the TwiML', (input) => {
    const digits = input.code.split('').join(', ');
    const script = voiceScript(input);
    expectTheRule(script, input, EXPIRY[input.ttlSeconds] ?? '');
    expect(script).toMatch(/on your keypad/);
    expect(script.split(digits)).toHaveLength(3);
    const twiml = codeCallTwiml(input);
    const spoken = [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]).join(' ');
    expectTheRule(spoken, input, EXPIRY[input.ttlSeconds] ?? '');
    expect(twiml).not.toContain(input.code);
  });

  it('the SMS ends with the WebOTP line for the public host when PUBLIC_BASE_URL is set', () => {
    const host = webOtpHostOf('https://bot.example.org');
    expect(host).toBe('bot.example.org');
    const text = smsText({ code: '482913', ttlSeconds: 300, purpose: 'identity', webOtpHost: host });
    const lines = text.split('\n');
    expect(lines[lines.length - 1]).toBe('@bot.example.org #482913');
    expectTheRule(lines.slice(0, -1).join(' '), { code: '482913', ttlSeconds: 300, purpose: 'identity' }, '5 minutes');
    expect(webOtpHostOf('https://bot.example.org:8443/base')).toBe('bot.example.org:8443');
    expect(webOtpHostOf(undefined)).toBeUndefined();
  });
});
