import { BOT_STATE_COLLECTION } from '../../src/store/botStorage';
import { messageActivity, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

const APP_ID = '00000000-0000-0000-0000-0000000000c1';

async function postWith(baseUrl: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; contentType: string | null; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, contentType: res.headers.get('content-type'), json: (await res.json()) as Record<string, unknown> };
}

describe('/api/messages with the bot registered (MICROSOFT_APP_ID set)', () => {
  let t: TestHelpdesk;

  beforeAll(async () => {
    t = await startTestHelpdesk({
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'not-used-in-this-test',
      MICROSOFT_APP_TYPE: 'MultiTenant',
      // A registered bot sends codes with Twilio; none is sent here.
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'not-used-in-this-test',
      TWILIO_FROM_NUMBER: '+447700900123',
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([
    ['no Authorization header', {}],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-token' }],
    ['a JWT nobody signed for this bot', { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"aud":"${APP_ID}"}`).toString('base64url')}.` }],
  ])('refuses an activity with %s: 401 JSON, the turn never runs and nothing is stored', async (_what, headers) => {
    const conversation = `unauthorized-${Math.random().toString(36).slice(2)}`;
    const reply = await postWith(t.baseUrl, headers, messageActivity(conversation, 'verify me'));
    expect(reply.status).toBe(401);
    expect(reply.contentType).toMatch(/application\/json/);
    expect(reply.json).toEqual({ error: 'unauthorized', message: expect.stringMatching(/valid Bot Framework token/) });
    const stored = await t.helpdesk.store.collection(BOT_STATE_COLLECTION).find({ limit: 100 });
    expect(stored.filter((d) => d.id.includes(conversation))).toEqual([]);
    expect(t.logLines.some((l) => l.includes('activity refused: not authorized'))).toBe(true);
    // The token never reaches a log line.
    expect(t.logLines.some((l) => l.includes('not-a-token'))).toBe(false);
  });

  it('still answers bad input with 400 before looking at any token', async () => {
    const reply = await postWith(t.baseUrl, {}, { type: 'message' });
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ error: 'invalid_activity' });
  });
});
