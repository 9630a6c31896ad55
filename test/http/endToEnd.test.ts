import { isLoopback } from '../../src/channels/devOutboxRoute';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { codeInMessage } from '../support/dialogTranscripts';
import { messageActivity, send, startTestHelpdesk, type ReplyActivity, type TestHelpdesk } from '../helpers/testServer';

const TOKEN = 'agent-token-0123456789-abcdefghij';

/** One web chat conversation over HTTP with `expectReplies`. */
function conversation(t: TestHelpdesk) {
  const id = `e2e-${randomUUID()}`;
  return async (text: string): Promise<string[]> => {
    const replies: ReplyActivity[] = await send(t.baseUrl, messageActivity(id, text, { id: randomUUID() }));
    return replies.map((r) => r.text ?? '');
  };
}

async function outbox(t: TestHelpdesk, to: string): Promise<{ to: string; channel: string; text: string; at: string }[]> {
  const res = await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { to: string; channel: string; text: string; at: string }[];
}

describe('end to end over HTTP', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `Sam Agent:${TOKEN}` });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('"verify me": code sent to the number on record, read from /dev/outbox, accepted', async () => {
    const say = conversation(t);
    expect((await say('verify me')).join('\n')).toMatch(/I need to check it's you[\s\S]*NHSmail email address/);
    expect((await say('bob.jones@example.nhs.net')).join('\n')).toMatch(/How should I send your code/);
    expect((await say('1')).join('\n')).toMatch(/sent a 6-digit code by text to your mobile ending 201/);
    const [message] = await outbox(t, '+447700900201');
    expect(message).toMatchObject({ to: '+447700900201', channel: 'sms' });
    expect(message.text).toMatch(/Type it only into the MFA Helpdesk chat or phone line\. No person will ever ask you for it\./);
    const code = codeInMessage(message.text);
    expect((await say(code)).join('\n')).toMatch(/that's the right code.*stay verified in this conversation for 15 minutes/s);

    // The code is nowhere but in the outbox: not in any log line, not in the store's files.
    const digitsOnly = new RegExp(`(?<!\\d)${code}(?!\\d)`);
    expect(t.logLines.filter((l) => digitsOnly.test(l))).toEqual([]);
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith('helpdesk.sqlite'))) {
      expect(digitsOnly.test(readFileSync(join(t.dataDir, file)).toString('latin1'))).toBe(false);
    }
  });

  it('rejects a malformed outbox query', async () => {
    const res = await fetch(`${t.baseUrl}/dev/outbox?to=drop%20table`);
    expect(res.status).toBe(400);
  });

  it('lost phone as Alice: verified by a code from the outbox, ticket created, then claimed and resolved by an agent', async () => {
    const say = conversation(t);
    expect((await say('I lost my phone')).join('\n')).toMatch(/another sign-in method registered/);
    expect((await say('Yes')).join('\n')).toMatch(/stolen/);
    expect((await say('Just lost or broken')).join('\n')).toMatch(/remove the lost phone from your account/);
    expect((await say('Yes, please')).join('\n')).toMatch(/NHSmail email address/);
    expect((await say('alice.smith@example.nhs.net')).join('\n')).toMatch(/Which of your phones is lost\?/);
    expect((await say('Mobile ending 101')).join('\n')).toMatch(/How should I send/);
    expect((await say('Text to other mobile ending 102')).join('\n')).toMatch(/other mobile ending 102/);
    const code = codeInMessage((await outbox(t, '+447700900102'))[0].text);
    const done = (await say(code)).join('\n');
    const id = done.match(/MFA-\d{6}/)?.[0];
    expect(id).toBeDefined();

    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const got = await fetch(`${t.baseUrl}/api/tickets/${id}`, { headers: auth });
    expect(got.status).toBe(200);
    const ticket = (await got.json()) as Record<string, unknown>;
    expect(ticket).toMatchObject({ type: 'lost_device', status: 'open', verification: { verified: true, method: 'sms', destinationMasked: '***102' } });
    const json = JSON.stringify(ticket);
    expect(json).not.toContain(code);
    expect(json).not.toMatch(/\+?447700900\d{3}/);
    expect((ticket.transcript as { text: string }[]).length).toBeGreaterThan(3);

    const claim = await fetch(`${t.baseUrl}/api/tickets/${id}/claim`, { method: 'POST', headers: auth, body: '{}' });
    expect(claim.status).toBe(200);
    const resolve = await fetch(`${t.baseUrl}/api/tickets/${id}/resolve`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ resolution: 'Removed the lost phone and issued a Temporary Access Pass.' }),
    });
    expect(resolve.status).toBe(200);
    expect(await resolve.json()).toMatchObject({ status: 'resolved', assignee: 'Sam Agent' });

    // The person sees the outcome of their own ticket.
    expect((await say("what's the status of my ticket")).join('\n')).toMatch(new RegExp(`${id}[\\s\\S]*resolved[\\s\\S]*Temporary Access Pass`));
  });
});

describe('dev outbox access', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['::ffff:192.168.1.20', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});
