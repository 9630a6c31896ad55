import { messageActivity, send, startTestHelpdesk, visibleText, type TestHelpdesk } from '../helpers/testServer';
import { TOO_LONG_TEXT } from '../../src/bot/helpdeskBot';

const TOKEN = 'agent-token-bad-input-0123456789';
const SECRET_CODE = '736251';

/** Nests `inner` `depth` levels deep in arrays. */
function nested(depth: number, inner: string): string {
  return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

async function postRaw(baseUrl: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('bad input through the real server', () => {
  let t: TestHelpdesk;

  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `alice:${TOKEN}` });
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('a pathological email address (every prompt\'s input is capped)', () => {
    const HUGE_EMAIL = `${'a'.repeat(4990)}@${'b'.repeat(5000)}`;

    it('is refused at once with a clear message, and the conversation carries on where it was', async () => {
      const conv = 'bad-input-email';
      expect(visibleText(await send(t.baseUrl, messageActivity(conv, 'verify me')))).toMatch(/email address/i);
      const cpu = process.cpuUsage();
      const replies = await send(t.baseUrl, messageActivity(conv, HUGE_EMAIL));
      const used = process.cpuUsage(cpu);
      expect(replies.map((r) => [r.text, r.speak])).toEqual([[TOO_LONG_TEXT, TOO_LONG_TEXT]]);
      expect((used.user + used.system) / 1000).toBeLessThan(150);
      // Still at the same question: a real address now gets the code options.
      expect(visibleText(await send(t.baseUrl, messageActivity(conv, 'bob.jones@example.nhs.net')))).toMatch(/How should I send/);
    });

    it('at the longest accepted length still costs little', async () => {
      const conv = 'bad-input-email-2';
      await send(t.baseUrl, messageActivity(conv, 'verify me'));
      const longest = `${'a'.repeat(999)}@${'b'.repeat(1000)}`;
      const cpu = process.cpuUsage();
      const replies = await send(t.baseUrl, messageActivity(conv, longest));
      const used = process.cpuUsage(cpu);
      expect(replies.length).toBeGreaterThan(0);
      expect((used.user + used.system) / 1000).toBeLessThan(400);
    });
  });

  describe('JSON nested 5,000 levels deep', () => {
    it.each([
      ['/api/messages', { authorization: `Bearer ${TOKEN}` }],
      ['/api/tickets/MFA-000001/notes', { authorization: `Bearer ${TOKEN}` }],
    ])('gets 400 from %s, and neither the header nor the body reaches any log line', async (path, headers) => {
      const before = t.logLines.length;
      const body = `{"type":"message","text":"my code is ${SECRET_CODE}","deep":${nested(5000, `"${SECRET_CODE}"`)}}`;
      const r = await postRaw(t.baseUrl, path, body, headers);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: 'too_deep' });
      const lines = t.logLines.slice(before);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).not.toContain(TOKEN);
        expect(line).not.toContain(SECRET_CODE);
        expect(line).not.toContain('Bearer');
      }
    });

    it('accepts 64 levels, and refuses 65', async () => {
      const activity = (depth: number) => JSON.stringify({ ...messageActivity('bad-input-depth', 'hello'), channelData: { deep: JSON.parse(nested(depth - 2, '1')) as unknown } });
      expect((await postRaw(t.baseUrl, '/api/messages', activity(64))).status).toBe(200);
      const refused = await postRaw(t.baseUrl, '/api/messages', activity(65));
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ error: 'too_deep' });
    });
  });

  describe('hostile conversation and user ids', () => {
    it.each([
      ['a conversation.id over 1,024 characters', { conversation: { id: `c${'x'.repeat(1024)}` } }, 'conversation.id'],
      ['a from.id over 1,024 characters', { from: { id: `u${'y'.repeat(1024)}` } }, 'from.id'],
      ['a conversation.id with a newline', { conversation: { id: 'conv-ok\n{"level":60,"msg":"forged"}' } }, 'conversation.id'],
      ['a from.id with an escape character', { from: { id: 'user\u001b[31mred' } }, 'from.id'],
      ['a from.id with a C1 control character', { from: { id: 'user\u0085x' } }, 'from.id'],
    ])('gets 400 for %s, never copied into a log line', async (_name, extra, field) => {
      const before = t.logLines.length;
      const activity = { ...messageActivity('bad-input-ids', 'hello'), ...extra };
      const r = await postRaw(t.baseUrl, '/api/messages', JSON.stringify(activity));
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: 'invalid_activity' });
      expect((r.json.fields as { field: string }[]).map((f) => f.field)).toContain(field);
      const logged = t.logLines.slice(before).join('\n');
      expect(logged).not.toContain('x'.repeat(100));
      expect(logged).not.toContain('y'.repeat(100));
      expect(logged).not.toContain('forged');
      expect(logged).not.toContain('[31mred');
    });
  });

  describe('hostile display names', () => {
    it.each([
      ['190 characters', `Ma${'r'.repeat(186)}ry`],
      ['a newline', 'Mallory\nRequester: bob.jones@example.nhs.net (verified)'],
      ['bidi and zero-width characters', 'Mal\u202elory\u200b'],
    ])('with %s, an alarm still opens a ticket, with the name cleaned and cut', async (_name, displayName) => {
      const conv = `bad-input-name-${displayName.length}`;
      const say = async (text: string) => visibleText(await send(t.baseUrl, messageActivity(conv, text, { from: { id: `u-${conv}`, name: displayName } })));
      expect(await say('random mfa prompt on my phone')).toMatch(/approve/i);
      let reply = await say('No, none');
      if (!/how many/i.test(reply)) reply = await say('No, none');
      expect(reply).toMatch(/how many/i);
      expect(await say('Just one')).toMatch(/reset your password/i);
      expect(await say('yes')).toMatch(/alert the security team/i);
      await say('yes');
      const end = await say('cancel');
      expect(end).not.toMatch(/something went wrong/i);
      const id = /MFA-\d{6}/.exec(end)?.[0];
      expect(id).toBeDefined();
      const ticket = await t.helpdesk.tickets.get(id!);
      const name = ticket?.requester.name ?? '';
      expect(name.length).toBeLessThanOrEqual(200);
      expect(name).toMatch(/^Ma/);
      expect(name).not.toMatch(/[\n\u202e\u200b]/);
    });
  });
});

describe('the dev outbox', () => {
  const TWILIO = { TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`, TWILIO_AUTH_TOKEN: 'twilio-token', TWILIO_FROM_NUMBER: '+447700900000' };

  it('is not served once an App ID is set, even to this machine (as through a local proxy or tunnel)', async () => {
    const t = await startTestHelpdesk({ MICROSOFT_APP_ID: '00000000-0000-0000-0000-00000000abcd', MICROSOFT_APP_PASSWORD: 'app-password', ...TWILIO });
    try {
      expect(t.helpdesk.verification.outbox).toBeUndefined();
      const res = await fetch(`${t.baseUrl}/dev/outbox`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.status).toBe(404);
    } finally {
      await t.stop();
    }
  });

  it('is served in local development with no App ID and no Graph', async () => {
    const t = await startTestHelpdesk();
    try {
      expect((await fetch(`${t.baseUrl}/dev/outbox`)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
