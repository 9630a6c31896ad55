import { startTestHelpdesk, type TestHelpdesk } from '../../helpers/testServer';
import { botTexts, DirectLineTestClient, issueToken, openConversation } from '../../support/directLineClient';
import { DIRECT_LINE_SERVICE_URL } from '../../../src/channels/directLine';

/** A clock the test can move forward; it starts at the real time. */
function movableClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
}

describe('the Direct Line routes on the bot', () => {
  let t: TestHelpdesk;
  const clock = movableClock();
  const issued: string[] = [];
  beforeAll(async () => {
    t = await startTestHelpdesk({ DIRECT_LINE_MAX_ACTIVITIES_PER_MINUTE: '5' }, { clock });
  });
  afterAll(async () => t.stop());

  async function open() {
    const c = await openConversation(t.baseUrl);
    issued.push(c.issued.token);
    return c;
  }

  it('issues a 30-minute token bound to a server-chosen user and a new conversation, with an HttpOnly resume cookie', async () => {
    const res = await fetch(`${t.baseUrl}/api/directline/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toMatch(/^mfa_dl_resume=[^;]+; Path=\/api\/directline\/token; Max-Age=86400; HttpOnly; SameSite=Strict$/);
    const body = (await res.json()) as { token: string; conversationId: string; expires_in: number; userId: string; domain: string };
    issued.push(body.token);
    expect(body).toMatchObject({ expires_in: 1800, domain: '/v3/directline' });
    expect(body.userId).toMatch(/^dl_[0-9a-f]{32}$/);
    // Web Chat reads the user id from the token's `user` claim, as with Azure's tokens.
    const payload = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({ user: body.userId, conv: body.conversationId });
    expect((payload.exp as number) - (payload.iat as number)).toBe(1800);
    const other = await issueToken(t.baseUrl);
    issued.push(other.token);
    expect(other.conversationId).not.toBe(body.conversationId);
    expect(other.userId).not.toBe(body.userId);
  });

  it('starts the conversation once (201, then 200 to resume), with the welcome and a WebSocket stream URL', async () => {
    const issuedToken = await issueToken(t.baseUrl);
    issued.push(issuedToken.token);
    const client = new DirectLineTestClient(t.baseUrl, issuedToken.token, issuedToken.conversationId);
    const first = await client.start();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ conversationId: issuedToken.conversationId, token: issuedToken.token });
    expect(first.body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${issuedToken.conversationId}/stream\\?watermark=&t=`));
    expect((await client.start()).status).toBe(200);
    const history = await client.read();
    expect(botTexts(history)).toEqual([expect.stringMatching(/^Hello, I'm the MFA helpdesk assistant/)]);
    expect(history[0]).toMatchObject({ channelId: 'webchat', from: { role: 'bot' }, id: `${issuedToken.conversationId}|0000001` });
  });

  it('takes from.id from the token, echoes the client activity id, answers, and reads by watermark', async () => {
    const { client, issued: token } = await open();
    const welcome = await client.read();
    expect(client.watermark).toBe('1');
    const id = await client.say('what is the helpdesk phone number', { from: { id: 'dl_forged', name: 'Forged' } });
    const since = await client.read();
    expect(since[0]).toMatchObject({ id, type: 'message', text: 'what is the helpdesk phone number', from: { id: token.userId, role: 'user' } });
    expect(since[0].channelData).toMatchObject({ clientActivityID: expect.stringMatching(/^c-/), directLineUserId: token.userId });
    expect(botTexts(since).join('\n')).toContain('0333 200 1133');
    for (const a of since.filter((x) => x.from.role === 'bot')) expect(a.speak).toEqual(expect.any(String));
    expect(Number(client.watermark)).toBe(welcome.length + since.length);
    expect(await client.read()).toEqual([]);
    // From the start again: the whole history.
    client.watermark = '';
    expect((await client.read()).map((a) => a.id)).toEqual([...welcome, ...since].map((a) => a.id));
  });

  it('refuses requests without a token (401), with a bad token or another conversation\'s token (403)', async () => {
    const { client } = await open();
    const { client: other } = await open();
    const paths: [string, string][] = [
      ['POST', '/conversations'],
      ['GET', `/conversations/${client.conversationId}`],
      ['GET', `/conversations/${client.conversationId}/activities`],
      ['POST', `/conversations/${client.conversationId}/activities`],
      ['POST', '/tokens/refresh'],
    ];
    for (const [method, path] of paths) {
      const body = method === 'POST' ? { type: 'message', text: 'hi' } : undefined;
      const none = await client.request(method, path, body, '');
      expect([path, none.status]).toEqual([path, 401]);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('TokenMissing');
      const forged = await client.request(method, path, body, `${client.token.slice(0, -4)}AAAA`);
      expect([path, forged.status]).toEqual([path, 403]);
    }
    for (const [method, path] of paths.filter(([, p]) => p.includes(client.conversationId))) {
      const res = await other.request(method, path, method === 'POST' ? { type: 'message', text: 'hi' } : undefined);
      expect([path, res.status]).toEqual([path, 403]);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('TokenConversationMismatch');
    }
    // Nothing reached the conversation.
    client.watermark = '';
    expect((await client.read()).filter((a) => a.from.role === 'user')).toEqual([]);
  });

  it('refreshes a live token for the same user and conversation; an expired one is refused and cannot be refreshed', async () => {
    const { client, issued: token } = await open();
    clock.advance(20 * 60_000);
    const refreshed = await client.request('POST', '/tokens/refresh');
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { token: string; conversationId: string; expires_in: number };
    issued.push(body.token);
    expect(body).toMatchObject({ conversationId: token.conversationId, expires_in: 1800 });
    clock.advance(11 * 60_000);
    // The first token is now 31 minutes old.
    const expired = await client.request('GET', `/conversations/${client.conversationId}/activities`);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('TokenExpired');
    expect((await client.request('POST', '/tokens/refresh')).status).toBe(403);
    client.token = body.token;
    expect((await client.read()).length).toBeGreaterThan(0);
    const payload = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(payload.user).toBe(token.userId);
  });

  it('answers bad watermarks, bad activities and oversized bodies with Direct Line errors', async () => {
    const { client } = await open();
    expect((await client.request('GET', `/conversations/${client.conversationId}/activities?watermark=abc`)).status).toBe(400);
    expect((await client.request('GET', `/conversations/${client.conversationId}/activities?watermark=-1`)).status).toBe(400);
    const wrongType = await client.request('POST', `/conversations/${client.conversationId}/activities`, { type: 'conversationUpdate' });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: { code: 'BadArgument', fields: [{ field: 'type' }] } });
    expect((await client.request('POST', `/conversations/${client.conversationId}/activities`, '{"type":')).status).toBe(400);
    expect((await client.request('POST', `/conversations/${client.conversationId}/activities`, { type: 'message', text: 'x'.repeat(4001) })).status).toBe(400);
    const big = await client.request('POST', `/conversations/${client.conversationId}/activities`, { type: 'message', text: 'hi', value: { pad: 'x'.repeat(40_000) } });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'MessageSizeTooBig' } });
    const huge = await client.request('POST', `/conversations/${client.conversationId}/activities`, { type: 'message', text: 'x'.repeat(300_000) });
    expect(huge.status).toBe(413);
    expect((await client.request('GET', '/conversations/not..an..id/activities')).status).toBe(404);
    // The server is still answering.
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });

  it('limits the activities one user may post per minute, across token refreshes', async () => {
    const { client } = await open();
    for (let i = 0; i < 5; i += 1) await client.request('POST', `/conversations/${client.conversationId}/activities`, { type: 'event', name: 'ping' });
    const refreshed = (await (await client.request('POST', '/tokens/refresh')).json()) as { token: string };
    issued.push(refreshed.token);
    client.token = refreshed.token;
    const limited = await client.request('POST', `/conversations/${client.conversationId}/activities`, { type: 'message', text: 'hello' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not affected.
    const { client: other } = await open();
    expect(botTexts(await other.read()).length).toBe(1);
    await other.say('hello');
    clock.advance(61_000);
    await client.say('hello');
  });

  it('never accepts an activity for the Direct Line service URL through /api/messages', async () => {
    const res = await fetch(`${t.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'hi', channelId: 'webchat', serviceUrl: DIRECT_LINE_SERVICE_URL, conversation: { id: 'x' }, from: { id: 'u' }, deliveryMode: 'expectReplies' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ fields: [expect.objectContaining({ field: 'serviceUrl' })] });
  });

  it('never writes a token into the logs', () => {
    expect(issued.length).toBeGreaterThan(5);
    for (const token of issued) {
      const signature = token.split('.')[2];
      expect(t.logLines.filter((line) => line.includes(signature))).toEqual([]);
    }
    expect(t.logLines.some((l) => l.includes('/v3/directline/conversations'))).toBe(true);
  });
});
