import { request } from 'node:http';
import { actionsOf } from '../cards/adaptiveCardsSdk';
import { messageActivity, send, startTestHelpdesk, visibleText, type TestHelpdesk } from '../helpers/testServer';
import { FALLBACK_TEXT } from '../../dialogs/mainDialog';
import { WELCOME_TEXT } from '../../src/bot/helpdeskBot';
import { MENU_OPTIONS } from '../../dialogs/menu';

describe('HTTP server', () => {
  let t: TestHelpdesk;

  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${t.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers /healthz', async () => {
    const res = await fetch(`${t.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 while the store answers', async () => {
    const res = await fetch(`${t.baseUrl}/readyz`);
    expect(res.status).toBe(200);
  });

  it('replies to free text it cannot place with the closest topics and a person, over expectReplies', async () => {
    const replies = await send(t.baseUrl, messageActivity('http-1a', 'qwerty zxcv'));
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toMatch(/only help with questions about multi-factor authentication|not sure/);
    expect(replies[0].speak).toBeTruthy();
    expect(replies[0].suggestedActions?.actions.map((a) => a.title)).toContain('Talk to a person');
  });

  it('replies to a submission it cannot place with the fallback and the menu', async () => {
    const replies = await send(t.baseUrl, messageActivity('http-1', undefined, { value: { unexpected: true } }));
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    expect(reply.text).toBe(FALLBACK_TEXT);
    expect(reply.speak).toEqual(expect.stringContaining('press 1'));
    expect(reply.attachments?.[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(actionsOf(reply.attachments?.[0].content).map((a) => a.title)).toEqual(MENU_OPTIONS.map((o) => o.title));
    expect(reply.suggestedActions).toBeUndefined();
  });

  it('welcomes a member who joins', async () => {
    const replies = await send(t.baseUrl, {
      ...messageActivity('http-2', undefined),
      type: 'conversationUpdate',
      membersAdded: [{ id: 'user-http-2' }, { id: 'mfa-helpdesk-bot' }],
    });
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toBe(WELCOME_TEXT);
    expect(replies[0].speak).toBeTruthy();
    expect(visibleText(replies)).toContain('Talk to a person');
  });

  it('does not welcome the bot itself', async () => {
    const replies = await send(t.baseUrl, {
      ...messageActivity('http-3', undefined),
      type: 'conversationUpdate',
      membersAdded: [{ id: 'mfa-helpdesk-bot' }],
    });
    expect(replies).toHaveLength(0);
  });

  it('gives 400 JSON for a body that is not JSON, and keeps serving', async () => {
    const res = await post('{"type": "message", oops');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', message: 'The request body is not valid JSON.' });
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });

  it.each([
    ['no type', { channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' } }, 'type'],
    ['a numeric conversation id', { type: 'message', channelId: 'webchat', conversation: { id: 5 }, from: { id: 'u' } }, 'conversation.id'],
    ['no from', { type: 'message', channelId: 'webchat', conversation: { id: 'c' } }, 'from'],
    ['no channelId', { type: 'message', conversation: { id: 'c' }, from: { id: 'u' } }, 'channelId'],
    ['an array body', [], '(body)'],
    ['a string body', 'hello', '(body)'],
    ['entities that are not a list', { type: 'message', channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' }, entities: 'x', deliveryMode: 'expectReplies' }, 'entities'],
    ['an object where the Entra id should be', { type: 'message', channelId: 'msteams', conversation: { id: 'c' }, from: { id: 'u', aadObjectId: { $gt: '' } }, deliveryMode: 'expectReplies' }, 'from.aadObjectId'],
    ['membersAdded that is not a list', { type: 'conversationUpdate', channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' }, membersAdded: 'x', deliveryMode: 'expectReplies' }, 'membersAdded'],
    ['an unknown delivery mode', { type: 'message', channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' }, deliveryMode: 'bogus', serviceUrl: 'http://localhost/' }, 'deliveryMode'],
    ['no serviceUrl to reply to', { type: 'message', channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' }, text: 'hi' }, 'serviceUrl'],
  ])('gives 400 for an activity with %s', async (_name, body, field) => {
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; fields: { field: string }[] };
    expect(json.error).toBe('invalid_activity');
    expect(json.fields.map((f) => f.field)).toContain(field);
  });

  it('gives 413 for a body over 256 KB, and keeps serving', async () => {
    const huge = JSON.stringify({ ...messageActivity('http-4', 'x'), text: 'a'.repeat(300 * 1024) });
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect((await res.json()) as { error: string }).toMatchObject({ error: 'payload_too_large' });
    const replies = await send(t.baseUrl, messageActivity('http-4', 'still there?'));
    expect(replies.length).toBeGreaterThan(0);
  });

  it('gives 404 JSON for an unknown path', async () => {
    const res = await fetch(`${t.baseUrl}/no/such/path`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'There is nothing at this path.' });
  });

  it('logs one line per request with method, path, status and milliseconds', async () => {
    await fetch(`${t.baseUrl}/healthz?probe=log`);
    const line = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.path === '/healthz');
    expect(line).toMatchObject({ method: 'GET', path: '/healthz', status: 200, ms: expect.any(Number) });
  });

  it('tags turn log lines with the conversation id', async () => {
    await send(t.baseUrl, messageActivity('http-log-conv', 'hello'));
    const lines = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.conversationId === 'http-log-conv')).toBe(true);
  });

  it('survives a client that hangs up mid-request', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${t.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"type":"mess');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('HTTP server lifecycle', () => {
  it('answers /readyz with 503 once the store is closed', async () => {
    const t = await startTestHelpdesk();
    try {
      await t.helpdesk.store.close();
      const res = await fetch(`${t.baseUrl}/readyz`);
      expect(res.status).toBe(503);
    } finally {
      await t.helpdesk.http.close(1000);
    }
  });

  it('binds only to 127.0.0.1 without a Microsoft App ID', async () => {
    const t = await startTestHelpdesk();
    try {
      const address = t.helpdesk.http.server.address();
      expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
      expect(t.logLines.some((l) => /NOT authenticated/.test(l))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
