import { failedAttemptNoticeText } from '../../src/verification/codeText';
import { TwilioCodeSender } from '../../src/verification/twilioCodeSender';
import { VoiceRepeatTokens } from '../../src/verification/voiceRepeat';
import { HttpStandIn, json } from '../support/httpStandIn';
import { capturingLogger, containsCode, ManualClock, SECRET } from '../support/verificationFixtures';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'test-auth-token';
const FROM = '+447700900000';
const TO = '+447700900101';

function twilioError(code: number, message: string, status = 400) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function messageResource(form: URLSearchParams) {
  return {
    sid: `SM${'a'.repeat(32)}`,
    account_sid: SID,
    to: form.get('To'),
    from: form.get('From'),
    body: form.get('Body'),
    status: 'queued',
    num_segments: '1',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    date_created: 'Wed, 15 Jan 2025 09:00:00 +0000',
    uri: `/2010-04-01/Accounts/${SID}/Messages/SM${'a'.repeat(32)}.json`,
  };
}

function callResource(form: URLSearchParams) {
  return {
    sid: `CA${'b'.repeat(32)}`,
    account_sid: SID,
    to: form.get('To'),
    from: form.get('From'),
    status: 'queued',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${SID}/Calls/CA${'b'.repeat(32)}.json`,
  };
}

describe('TwilioCodeSender against a local Twilio stand-in', () => {
  let standIn: HttpStandIn;
  let baseUrl: string;
  const clock = new ManualClock();

  beforeEach(async () => {
    standIn = new HttpStandIn((req, res) => {
      const form = new URLSearchParams(req.body);
      if (req.url.endsWith('/Messages.json')) json(res, 201, messageResource(form));
      else json(res, 201, callResource(form));
    });
    baseUrl = await standIn.start();
  });

  afterEach(async () => {
    await standIn.stop();
  });

  function sender(extra: Partial<ConstructorParameters<typeof TwilioCodeSender>[0]> = {}) {
    const { logger, lines } = capturingLogger();
    const s = new TwilioCodeSender({ accountSid: SID, authToken: TOKEN, from: FROM, logger, clock, apiBaseUrl: baseUrl, timeoutMs: 2000, ...extra });
    return { s, lines };
  }

  it('sends an SMS through the Messages API with the code, expiry and a warning', async () => {
    const { s, lines } = sender();
    const result = await s.send({ to: TO, channel: 'sms', code: '482913', ttlSeconds: 300, purpose: 'identity' });
    expect(result).toEqual({ ok: true, messageId: `SM${'a'.repeat(32)}` });

    expect(standIn.requests).toHaveLength(1);
    const req = standIn.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    const form = new URLSearchParams(req?.body);
    expect(form.get('To')).toBe(TO);
    expect(form.get('From')).toBe(FROM);
    const body = form.get('Body') ?? '';
    expect(body).toContain('MFA Helpdesk');
    expect(body).toContain('482 913');
    expect(body).toContain('expires in 5 minutes');
    expect(body).toMatch(/only into the MFA Helpdesk chat or phone line/);
    expect(body).toMatch(/No person will ever ask you for it/);
    expect(lines.join('')).toContain('***101');
    expect(containsCode(lines.join(''), '482913')).toBe(false);
    expect(lines.join('')).not.toContain(TO);
  });

  it('sends a security notice as one SMS with exactly the given text, logging only the masked number', async () => {
    const { s, lines } = sender();
    const text = failedAttemptNoticeText();
    await expect(s.sendNotice({ to: TO, text })).resolves.toEqual({ ok: true, messageId: `SM${'a'.repeat(32)}` });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]?.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    const form = new URLSearchParams(standIn.requests[0]?.body);
    expect([form.get('To'), form.get('From'), form.get('Body')]).toEqual([TO, FROM, text]);
    expect(lines.join('')).toContain('***101');
    expect(lines.join('')).not.toContain(TO);
  });

  it('places a call through the Calls API with inline en-GB TwiML reading the digits twice and offering a repeat', async () => {
    const tokens = new VoiceRepeatTokens(SECRET, clock);
    const { s } = sender({ voiceRepeat: { url: 'https://bot.example.org/api/voice/code-repeat', tokens } });
    const result = await s.send({ to: TO, channel: 'voice', code: '482913', ttlSeconds: 300, purpose: 'identity' });
    expect(result).toEqual({ ok: true, messageId: `CA${'b'.repeat(32)}` });

    const req = standIn.requests[0];
    expect(req?.url).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    const form = new URLSearchParams(req?.body);
    expect(form.get('To')).toBe(TO);
    expect(form.get('From')).toBe(FROM);
    expect(form.get('Url')).toBeNull();
    const twiml = form.get('Twiml') ?? '';
    expect(twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response>/);
    expect(twiml).toMatch(/<Say language="en-GB" voice="Polly.Amy">/);
    expect(twiml).not.toMatch(/<Say(?![^>]*language="en-GB")/);
    expect(twiml.match(/4, 8, 2, 9, 1, 3/g)).toHaveLength(2);
    expect(twiml).not.toContain('482913');
    expect(twiml).toMatch(/expires in 5 minutes/);
    const gather = /<Gather numDigits="1"[^>]*action="([^"]+)"[^>]*>(.*?)<\/Gather>/.exec(twiml);
    expect(gather).not.toBeNull();
    expect(gather?.[2]).toMatch(/press 1/);
    const action = new URL((gather?.[1] ?? '').replace(/&amp;/g, '&'));
    expect(action.origin + action.pathname).toBe('https://bot.example.org/api/voice/code-repeat');
    expect(tokens.open(action.searchParams.get('t') ?? '')).toMatchObject({ code: '482913', purpose: 'identity' });
    expect(twiml.length).toBeLessThan(4000);
  });

  const errorCases: Array<[string, 'sms' | 'voice', number, string, RegExp, string | undefined]> = [
    ['21211 invalid number', 'sms', 21211, "The 'To' number +447700900101 is not a valid phone number.", /isn't a valid number.*another method.*person/, undefined],
    ['21614 not SMS-capable', 'sms', 21614, "'To' number is not a valid mobile number", /can't receive text messages.*call it.*person/, 'voice'],
    ['21635 landline', 'sms', 21635, "'To' number cannot be a landline", /landline.*call it.*person/, 'voice'],
    ['21217 invalid voice number', 'voice', 21217, 'Phone number does not appear to be valid', /couldn't call.*another method.*person/, undefined],
  ];

  it.each(errorCases)('maps %s to a clear message', async (_name, channel, code, message, expected, suggested) => {
    standIn.responder = (_req, res) => json(res, 400, twilioError(code, message));
    const { s, lines } = sender();
    const result = await s.send({ to: TO, channel, code: '482913', ttlSeconds: 300, purpose: 'identity' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.providerCode).toBe(code);
    expect(result.failure.delivered).toBe('no');
    expect(result.failure.userMessage).toMatch(expected);
    expect(result.failure.userMessage).toContain('ending 101');
    expect(result.failure.suggestedChannel).toBe(suggested);
    expect(standIn.requests).toHaveLength(1);
    expect(lines.join('')).not.toContain(TO);
  });

  it('maps a 5xx to "service unavailable" and does not retry', async () => {
    standIn.responder = (_req, res) => json(res, 503, { code: 20503, message: 'Service Unavailable', status: 503 });
    const { s } = sender();
    const result = await s.send({ to: TO, channel: 'sms', code: '482913', ttlSeconds: 300, purpose: 'identity' });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'provider_unavailable', status: 503, suggestedChannel: 'voice' } });
    if (!result.ok) expect(result.failure.userMessage).toMatch(/isn't working right now.*call instead.*person/);
    expect(standIn.requests).toHaveLength(1);
  });

  it('maps a timeout to "unknown delivery" and does not retry', async () => {
    standIn.responder = () => undefined;
    const { s } = sender({ timeoutMs: 300 });
    const result = await s.send({ to: TO, channel: 'voice', code: '482913', ttlSeconds: 300, purpose: 'identity' });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout', delivered: 'unknown', suggestedChannel: 'sms' } });
    if (!result.ok) expect(result.failure.userMessage).toMatch(/didn't answer in time.*new code.*person/);
    expect(standIn.requests).toHaveLength(1);
  });

  it('maps an unreachable service to "service unavailable"', async () => {
    await standIn.stop();
    const { s } = sender();
    const result = await s.send({ to: TO, channel: 'sms', code: '482913', ttlSeconds: 300, purpose: 'identity' });
    expect(result).toMatchObject({ ok: false, failure: { kind: 'provider_unavailable' } });
  });
});
