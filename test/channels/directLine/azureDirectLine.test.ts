import { HttpStandIn, json } from '../../support/httpStandIn';
import { startTestHelpdesk, type TestHelpdesk } from '../../helpers/testServer';

const SECRET = 'azure-direct-line-secret.0123456789abcdef';

describe('Azure Direct Line: the secret exchanged for a token at the token endpoint (local stand-in)', () => {
  let azure: HttpStandIn;
  let t: TestHelpdesk;
  let endpoint: string;
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    azure = new HttpStandIn((_req, res) => json(res, answer.status, answer.body));
    endpoint = `${await azure.start()}/v3/directline`;
    t = await startTestHelpdesk({ DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_ENDPOINT: endpoint });
  });
  afterAll(async () => {
    await t.stop();
    await azure.stop();
  });

  it('posts the secret as a bearer token with a server-chosen user id, and hands the page Azure\'s token and domain only', async () => {
    answer = { status: 200, body: { conversationId: 'AzConv-1', token: 'azure.issued.token', expires_in: 3600 } };
    const res = await fetch(`${t.baseUrl}/api/directline/token`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ token: 'azure.issued.token', conversationId: 'AzConv-1', expires_in: 3600, userId: expect.stringMatching(/^dl_[0-9a-f]{32}$/), domain: endpoint });
    expect(JSON.stringify(body)).not.toContain(SECRET);
    const [request] = azure.requests.slice(-1);
    expect(request).toMatchObject({ method: 'POST', url: '/v3/directline/tokens/generate' });
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(request.body)).toEqual({ user: { id: body.userId } });
    // The page may connect to Azure (and nothing else besides the bot).
    const page = await fetch(`${t.baseUrl}/`);
    const origin = new URL(endpoint).origin;
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${origin} ${origin.replace(/^http/, 'ws')}`);
  });

  it('answers 502 with a clear message when Azure refuses or answers without a token, and never logs the secret', async () => {
    for (const failure of [
      { status: 403, body: { error: { code: 'Forbidden' } } },
      { status: 200, body: { conversationId: 'x' } },
    ]) {
      answer = failure;
      const res = await fetch(`${t.baseUrl}/api/directline/token`, { method: 'POST' });
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ error: 'directline_unavailable', message: 'The chat could not be started. Please try again in a moment.' });
    }
    expect(t.logLines.some((l) => l.includes('could not issue a token'))).toBe(true);
    expect(t.logLines.filter((l) => l.includes(SECRET) || l.includes('azure.issued.token'))).toEqual([]);
  });
});
