import twilio from 'twilio';
import { VOICE_CODE_REPEAT_PATH } from '../../src/channels/voiceCodeRepeatRoute';
import { DevOutbox } from '../../src/verification/devOutbox';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { phoneLineEnv } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-tests';
const PUBLIC = 'https://bot.example.org';

describe('Twilio voice webhook: press 1 to hear the code again', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk(
      {
        ...phoneLineEnv(AUTH_TOKEN, PUBLIC),
      },
      { sender: new DevOutbox({ clock: { now: () => Date.now() } }) },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  async function post(query: string, params: Record<string, string>, signature?: string): Promise<Response> {
    const path = `${VOICE_CODE_REPEAT_PATH}${query}`;
    const sig = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}${path}`, params);
    return fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
      body: new URLSearchParams(params).toString(),
    });
  }

  const sealed = (code: string, ttlMs = 60_000) =>
    t.helpdesk.verification.repeatTokens.seal({ code, purpose: 'identity', expiresAt: Date.now() + ttlMs });

  it('reads the code again, digit by digit in an en-GB voice, when 1 is pressed', async () => {
    const res = await post(`?t=${sealed('314159')}`, { Digits: '1', CallSid: `CA${'1'.repeat(32)}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const twiml = await res.text();
    expect(twiml).toMatch(/<Say[^>]*language="en-GB"/);
    expect(twiml).toContain('3, 1, 4, 1, 5, 9');
    expect(twiml).toMatch(/<Gather[^>]*numDigits="1"/);
  });

  it('ends the call for any other key', async () => {
    const twiml = await (await post(`?t=${sealed('271828')}`, { Digits: '2' })).text();
    expect(twiml).toMatch(/Goodbye/);
    expect(twiml).not.toContain('2, 7, 1');
  });

  it('does not read an expired or altered token', async () => {
    const expired = await (await post(`?t=${sealed('111222', -1000)}`, { Digits: '1' })).text();
    expect(expired).toMatch(/expired/);
    const token = sealed('333444');
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await (await post(`?t=${altered}`, { Digits: '1' })).text()).toMatch(/expired/);
  });

  it('refuses requests without a valid X-Twilio-Signature', async () => {
    const query = `?t=${sealed('555666')}`;
    expect((await post(query, { Digits: '1' }, 'not-a-signature')).status).toBe(403);
    const forged = twilio.getExpectedTwilioSignature('some-other-token', `${PUBLIC}${VOICE_CODE_REPEAT_PATH}${query}`, { Digits: '1' });
    const res = await post(query, { Digits: '1' }, forged);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('5, 5, 5');
  });
});
