import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { DIRECT_LINE_ACTIVITIES } from '../../src/channels/directLine/conversationLog';
import { codeInMessage } from '../support/dialogTranscripts';
import { openConversation } from '../support/directLineClient';
import { ConnectorStandIn } from '../teams/connectorStandIn';
import { messageActivity, post, startTestHelpdesk, type ReplyActivity, type TestHelpdesk } from '../helpers/testServer';

async function outboxCode(t: TestHelpdesk, to: string): Promise<string> {
  const res = await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`);
  const [latest] = (await res.json()) as { text: string }[];
  return codeInMessage(latest?.text ?? '');
}

/** Plays the "verify me" conversation on a channel and returns every activity the bot sent back. */
async function verifyOn(t: TestHelpdesk, channelId: string): Promise<{ code: string; activities: ReplyActivity[] }> {
  const conversationId = `trace-${channelId}-${randomUUID()}`;
  const activities: ReplyActivity[] = [];
  const say = async (text: string): Promise<void> => {
    activities.push(...(await post(t.baseUrl, messageActivity(conversationId, text, { channelId }))));
  };
  await say('verify me');
  await say('bob.jones@example.nhs.net');
  await say('1');
  const code = await outboxCode(t, '+447700900201');
  await say(code);
  return { code, activities };
}

describe('trace activities stay inside the bot', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each(['webchat', 'msteams', 'directline', 'voice'])('no trace reaches a %s client, so the typed code never comes back', async (channelId) => {
    const { code, activities } = await verifyOn(t, channelId);
    expect(activities.length).toBeGreaterThan(4);
    expect(activities.filter((a) => a.type === 'trace')).toEqual([]);
    expect(JSON.stringify(activities)).not.toContain(code);
  });

  it('the Emulator still gets the dialog state traces', async () => {
    const { activities } = await verifyOn(t, 'emulator');
    const traces = activities.filter((a) => a.type === 'trace');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.map((a) => a.name)).toContain('BotState');
  });

  it('nothing the product stores holds a trace', async () => {
    await verifyOn(t, 'webchat');
    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('helpdesk.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(t.dataDir, file)).toString('latin1');
      expect(bytes).not.toMatch(/"type":\s*"trace"/);
      expect(bytes).not.toContain('BotState');
    }
  });

  it('through the Bot Connector, a turn whose only other send is a trace still answers, and no trace is posted', async () => {
    const connector = new ConnectorStandIn();
    const serviceUrl = await connector.start();
    try {
      const conversationId = `a:trace-${randomUUID()}`;
      const activity = { ...messageActivity(conversationId, 'I lost my phone', { channelId: 'msteams', serviceUrl }), deliveryMode: undefined };
      const res = await fetch(`${t.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      expect(res.status).toBe(200);
      const sent = connector.sentTo(conversationId).map((a) => a.body);
      expect(sent.map((a) => a.type)).toEqual(sent.map(() => 'message'));
      expect(sent.map((a) => String(a.text)).join('\n')).toMatch(/another sign-in method/);
      expect(sent.map((a) => String(a.text)).join('\n')).not.toMatch(/something went wrong/);
    } finally {
      await connector.stop();
    }
  });

  /** A trace of the kind libraries send (it echoes what the person typed), then a message. */
  const PROBE: Partial<Activity> = { type: 'trace', name: 'Probe', label: 'probe', value: { typed: 'probe-482913' } };
  const HELLO: Partial<Activity> = { type: 'message', text: 'Hello from the probe', speak: 'Hello from the probe' };

  it.each(['webchat', 'msteams', 'directline', 'voice', 'emulator'])(
    'on %s, a trace any code sends is dropped before it leaves (the Emulator keeps it), and a batch of traces only is not sent',
    async (channelId) => {
      const conversationId = `probe-${channelId}-${randomUUID()}`;
      let replies: Partial<Activity>[] = [];
      let traceOnly: unknown;
      const activity = messageActivity(conversationId, 'hello', { channelId }) as unknown as Activity;
      await t.helpdesk.adapter.processActivityDirect('', activity, async (context: TurnContext) => {
        await context.sendActivities([{ ...PROBE }, { ...HELLO }]);
        traceOnly = await context.sendActivities([{ ...PROBE }]);
        replies = [...context.bufferedReplyActivities];
      });
      if (channelId === 'emulator') {
        expect(replies.map((a) => a.type)).toEqual(['trace', 'message', 'trace']);
      } else {
        expect(replies.map((a) => a.type)).toEqual(['message']);
        expect(traceOnly).toEqual([]);
      }
    },
  );

  it('a trace sent into a web chat page\'s conversation (the bot\'s own Direct Line) never reaches the page or the store', async () => {
    const { client } = await openConversation(t.baseUrl);
    await client.read();
    await t.helpdesk.directLine.adapter.continueConversationAsync('', { conversation: { id: client.conversationId, isGroup: false, conversationType: 'personal', name: '' }, channelId: 'webchat' }, async (context) => {
      await context.sendActivities([{ ...PROBE }, { ...HELLO }]);
    });
    const shown = await client.read();
    expect(shown.map((a) => [a.type, a.text])).toEqual([['message', 'Hello from the probe']]);
    const stored = await t.helpdesk.store.collection(DIRECT_LINE_ACTIVITIES).find({ limit: 1000 });
    expect(JSON.stringify(stored)).toContain('Hello from the probe');
    expect(JSON.stringify(stored)).not.toContain('probe-482913');
  });
});
