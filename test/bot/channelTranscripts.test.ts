/**
 * The common replies as each client gets them, over HTTP against the real server: welcome, an
 * answer, the feedback question, a guided-flow question and a ticket confirmation, in Teams
 * (personal chat and a channel), Web Chat, on the phone line and in the Emulator. In every reply
 * each sentence and each choice appears once, whether in the text, the card or the suggested
 * actions, and no trace activity is present except in the Emulator. The same replies through the
 * bot's own Direct Line and Twilio adapters are in `adapterTranscripts.test.ts`.
 */
import { randomUUID } from 'node:crypto';
import { codeInMessage } from '../support/dialogTranscripts';
import { choicesOf, duplicates, said } from '../support/saidOnce';
import { messageActivity, post, startTestHelpdesk, type ReplyActivity, type TestActivity, type TestHelpdesk } from '../helpers/testServer';

interface Client {
  readonly name: string;
  readonly channelId: string;
  readonly conversationType?: 'personal' | 'channel';
}

const CLIENTS: readonly Client[] = [
  { name: 'Teams personal chat', channelId: 'msteams', conversationType: 'personal' },
  { name: 'Teams channel', channelId: 'msteams', conversationType: 'channel' },
  { name: 'Web Chat', channelId: 'webchat' },
  { name: 'phone line', channelId: 'voice' },
  { name: 'Bot Framework Emulator', channelId: 'emulator' },
];

/** One conversation of a client; every turn is checked for repeats, traces and speech. */
function conversation(t: TestHelpdesk, client: Client) {
  const conversationId = `${client.channelId}-${client.conversationType ?? 'chat'}-${randomUUID()}`;
  const base = (extra: TestActivity): TestActivity =>
    messageActivity(conversationId, undefined, {
      channelId: client.channelId,
      conversation: { id: conversationId, ...(client.conversationType ? { conversationType: client.conversationType, isGroup: client.conversationType !== 'personal' } : {}) },
      ...extra,
    });
  const turn = async (activity: TestActivity): Promise<ReplyActivity[]> => {
    const all = await post(t.baseUrl, activity);
    // The Emulator is the one client meant to see traces (the dialog state after each turn).
    if (client.channelId !== 'emulator') expect(all.filter((a) => a.type === 'trace')).toEqual([]);
    const replies = all.filter((a) => a.type === 'message');
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) {
      expect(r.text).toBeTruthy();
      expect(r.speak).toBeTruthy();
      if (client.channelId === 'voice') {
        expect(r.attachments ?? []).toEqual([]);
        expect(r.suggestedActions).toBeUndefined();
      }
    }
    expect(duplicates(said(replies, client))).toEqual([]);
    return replies;
  };
  return {
    join: () => turn(base({ type: 'conversationUpdate', membersAdded: [{ id: `user-${conversationId}` }] })),
    // In a channel the bot answers only messages that @mention it.
    say: (text: string) =>
      turn(
        client.conversationType === 'channel'
          ? base({ text: `<at>MFA Helpdesk</at> ${text}`, entities: [{ type: 'mention', text: '<at>MFA Helpdesk</at>', mentioned: { id: 'mfa-helpdesk-bot', name: 'MFA Helpdesk' } }] })
          : base({ text }),
      ),
  };
}

const spoken = (replies: readonly ReplyActivity[]): string => replies.map((r) => r.speak ?? '').join(' ');

describe.each(CLIENTS)('$name: every common reply says each thing once', (client) => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('welcome', async () => {
    const replies = await conversation(t, client).join();
    if (client.channelId === 'voice') expect(spoken(replies)).toMatch(/press 6 or say Talk to a person/);
    else expect(choicesOf(replies)).toContain('Talk to a person');
  });

  it('an answer, then the feedback question (Teams: its feedback buttons)', async () => {
    const replies = await conversation(t, client).say('do I need wifi for the code');
    expect(replies[0]?.text).toMatch(/internet/i);
    if (client.channelId === 'msteams') {
      // Teams asks with its own feedback buttons on the answer: no question, no Yes/No.
      expect(replies).toHaveLength(1);
      expect(replies[0]?.channelData).toMatchObject({ feedbackLoopEnabled: true });
      expect(JSON.stringify(replies)).not.toMatch(/Did this answer help/);
    } else if (client.channelId === 'voice') expect(spoken(replies)).toMatch(/Did this answer help\? Press 1 or say Yes\. Press 2 or say No\./);
    else expect(choicesOf(replies.slice(-1))).toEqual(['Yes', 'No']);
  });

  it('a guided-flow question', async () => {
    const replies = await conversation(t, client).say('I lost my phone');
    expect(replies.map((r) => r.text).join('\n')).toMatch(/another sign-in method/);
    if (client.channelId === 'voice') expect(spoken(replies)).toMatch(/Press 1 or say Yes\./);
    else expect(choicesOf(replies)).toEqual(expect.arrayContaining(['Yes', 'No']));
  });

  if (client.conversationType !== 'channel') {
    it('a ticket confirmation', async () => {
      const c = conversation(t, client);
      await c.say('I want to talk to a person');
      await c.say("Yes, check it's me");
      await c.say('bob.jones@example.nhs.net');
      await c.say('1');
      const res = await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent('+447700900201')}`);
      const [latest] = (await res.json()) as { text: string }[];
      const replies = await c.say(codeInMessage(latest?.text ?? ''));
      expect(replies.map((r) => r.text).join('\n')).toMatch(/opened ticket \*\*MFA-\d{6}\*\*/);
    });
  }
});
