/**
 * The common replies through the bot's own channel adapters, as the person meets them: the web
 * chat page's Direct Line (`/v3/directline`, read back as the page reads it) and the phone line
 * (signed Twilio webhooks, TwiML read back with an XML parser). Welcome, an answer, the feedback
 * question, a guided-flow question and a ticket confirmation each say every sentence and choice
 * once; no trace reaches the page, the caller, or what the Direct Line adapter stores.
 */
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { DIRECT_LINE_ACTIVITIES } from '../../src/channels/directLine/conversationLog';
import { DevOutbox } from '../../src/verification/devOutbox';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { codeInMessage } from '../support/dialogTranscripts';
import { openConversation, type DirectLineTestClient, type DlActivity } from '../support/directLineClient';
import { choicesOf, duplicates, said, sentencesOf, type ShownReply } from '../support/saidOnce';
import { saysOf, VoiceCaller, type WebhookAnswer } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-transcripts';
const PUBLIC = 'https://bot.example.org';
const BOB = 'bob.jones@example.nhs.net';
const BOB_MOBILE = '+447700900201';

let t: TestHelpdesk;
let outbox: DevOutbox;
beforeAll(async () => {
  outbox = new DevOutbox({ clock: { now: () => Date.now() } });
  t = await startTestHelpdesk(
    { TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM_NUMBER: '+447700900000', PUBLIC_BASE_URL: PUBLIC, HELPDESK_PHONE_NUMBER: '+443332001133' },
    { sender: outbox },
  );
});
afterAll(async () => {
  await t.stop();
});

const latestCode = (to: string): string => codeInMessage(outbox.list(to)[0]?.text ?? '');

describe('web chat page (the bot\'s own Direct Line): every common reply says each thing once', () => {
  /** One turn: what the page shows of the bot's answer, checked for traces and repeats. */
  async function turn(client: DirectLineTestClient, text?: string): Promise<DlActivity[]> {
    if (text !== undefined) await client.say(text);
    const activities = await client.read();
    expect(activities.filter((a) => a.type === 'trace')).toEqual([]);
    const replies = activities.filter((a) => a.type === 'message' && a.from.role === 'bot');
    expect(replies.length).toBeGreaterThan(0);
    for (const r of replies) {
      expect(r.text).toBeTruthy();
      expect(r.speak).toBeTruthy();
    }
    expect(duplicates(said(replies as ShownReply[], { channelId: 'webchat' }))).toEqual([]);
    return replies;
  }

  it('welcome, an answer with its feedback question, a guided-flow question, a ticket confirmation; nothing stored holds a trace', async () => {
    const { client } = await openConversation(t.baseUrl);
    expect(choicesOf((await turn(client)) as ShownReply[])).toContain('Talk to a person');

    const answer = await turn(client, 'do I need wifi for the code');
    expect(answer[0]?.text).toMatch(/internet/i);
    expect(choicesOf(answer.slice(-1) as ShownReply[])).toEqual(['Yes', 'No']);
    expect(answer.slice(-1)[0]?.text).toBe('Did this answer help?');
    expect((await turn(client, 'Yes')).map((r) => r.text).join('\n')).toMatch(/Glad that helped/);

    const flow = await turn(client, 'I lost my phone');
    expect(flow.map((r) => r.text).join('\n')).toMatch(/another sign-in method/);
    expect(choicesOf(flow as ShownReply[])).toEqual(expect.arrayContaining(['Yes', 'No']));
    await turn(client, 'cancel');

    await turn(client, 'I want to talk to a person');
    await turn(client, "Yes, check it's me");
    await turn(client, BOB);
    await turn(client, '1');
    const ticket = await turn(client, latestCode(BOB_MOBILE));
    expect(ticket.map((r) => r.text).join('\n')).toMatch(/opened ticket \*\*MFA-\d{6}\*\*/);

    const stored = await t.helpdesk.store.collection(DIRECT_LINE_ACTIVITIES).find({ limit: 1000 });
    expect(stored.length).toBeGreaterThan(10);
    expect(JSON.stringify(stored)).not.toMatch(/"type":"trace"|BotState/);
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith('helpdesk.sqlite'))) {
      expect(readFileSync(join(t.dataDir, file)).toString('latin1')).not.toMatch(/"type":\s*"trace"|BotState/);
    }
  });
});

describe('phone line (Twilio webhooks, TwiML): every common reply is spoken once', () => {
  /** One webhook answer: valid TwiML whose spoken sentences each come once. */
  function heard(answer: WebhookAnswer): string {
    expect(answer.status).toBe(200);
    expect(answer.twiml).toBeDefined();
    expect(answer.body).not.toMatch(/AdaptiveCard|trace|BotState|\*\*/);
    const says = answer.twiml ? saysOf(answer.twiml) : [];
    expect(duplicates(says.flatMap(sentencesOf))).toEqual([]);
    return says.join(' ');
  }

  it('welcome, an answer with its feedback question, a guided-flow question, a ticket confirmation', async () => {
    const call = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN });
    expect(heard(await call.start())).toMatch(/press 6 or say Talk to a person/i);

    const answer = heard(await call.say('do I need wifi for the code'));
    expect(answer).toMatch(/internet/i);
    expect(answer).toMatch(/Did this answer help\? Press 1 or say Yes\. Press 2 or say No\./);
    expect(heard(await call.key('1'))).toMatch(/Glad that helped/);

    expect(heard(await call.say('I lost my phone'))).toMatch(/another sign-in method.*Press 1 or say Yes\./);
    heard(await call.say('cancel'));

    // On the phone line a person is one transfer away: the ticket is opened and read out, then the call is put through.
    const caller = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN });
    heard(await caller.start());
    const transfer = await caller.say('I want to talk to a person');
    expect(heard(transfer)).toMatch(/opened ticket M F A, \d \d \d, \d \d \d for you/);
    expect(transfer.body).toMatch(/<Dial/);
  });
});
