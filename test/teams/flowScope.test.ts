import { randomUUID } from 'node:crypto';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { personalOnlyText, SOMEONE_ELSES_FLOW_TEXT } from '../../src/bot/flowGuard';
import { codeInMessage } from '../support/dialogTranscripts';
import { ConnectorStandIn } from './connectorStandIn';
import { BOT, HELPDESK_TEAM, TENANT, post, replies, type Json } from './teamsActivities';

const MALLORY = { id: '29:mallory', name: 'Mallory', aadObjectId: 'aad-mallory' };
const BOB = { id: '29:bob-staff', name: 'Bob Jones', aadObjectId: 'aad-bob-staff' };

/** A message in a channel thread, addressed to the bot with an @mention, as Teams sends it. */
function channelMessage(serviceUrl: string, from: typeof MALLORY, text: string, thread = `${HELPDESK_TEAM};messageid=1700000000000`): Json {
  const mention = `<at>${BOT.name}</at>`;
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from,
    recipient: BOT,
    conversation: { id: thread, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { team: { id: HELPDESK_TEAM }, channel: { id: HELPDESK_TEAM }, tenant: { id: TENANT } },
    text: `${mention} ${text}`,
    entities: [{ type: 'mention', text: mention, mentioned: BOT }],
    deliveryMode: 'expectReplies',
  };
}

/** A message in a conversation that more than one person can write in, without group markers (e.g. a shared web chat). */
function sharedMessage(serviceUrl: string, conversationId: string, from: typeof MALLORY, text: string): Json {
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'webchat',
    serviceUrl,
    from,
    recipient: BOT,
    conversation: { id: conversationId },
    text,
    deliveryMode: 'expectReplies',
  };
}

const textsOf = (body: Json): string => replies(body).map((a) => `${String(a.text ?? '')} ${JSON.stringify(a.attachments ?? [])}`).join('\n');

describe('flows run in personal scope only, and every step comes from the user who started them', () => {
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  let t: TestHelpdesk;

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
    await connector.stop();
  });

  it.each(['verify me', "what's the status of my ticket", 'cancel my ticket', 'talk to a person'])(
    'in a channel thread, %j gets a pointer to a private chat and starts nothing',
    async (text) => {
      const thread = `${HELPDESK_TEAM};messageid=${Date.now()}${Math.floor(Math.random() * 1000)}`;
      const r = await post(t.baseUrl, channelMessage(serviceUrl, MALLORY, text, thread));
      expect(r.status).toBe(200);
      const said = replies(r.body);
      expect(said.map((a) => a.text)).toEqual([personalOnlyText(undefined)]);
      expect(said[0]?.speak).toBe(personalOnlyText(undefined));
      // Nothing is waiting for an answer: a code-like reply is not taken as one.
      const next = await post(t.baseUrl, channelMessage(serviceUrl, MALLORY, 'bob.jones@example.nhs.net', thread));
      expect(textsOf(next.body)).not.toMatch(/How should I send|sent a 6-digit code/);
    },
  );

  it('in a channel, advice in a guided flow is given, but the step that would open a ticket is not', async () => {
    const thread = `${HELPDESK_TEAM};messageid=1700000000999`;
    const first = await post(t.baseUrl, channelMessage(serviceUrl, MALLORY, 'I lost my phone', thread));
    expect(textsOf(first.body)).toMatch(/another sign-in method/);
    let last = '';
    for (const answer of ['No', 'No', 'No', 'Yes', 'Yes']) {
      last = textsOf((await post(t.baseUrl, channelMessage(serviceUrl, MALLORY, answer, thread))).body);
      if (last.includes(personalOnlyText(undefined))) break;
    }
    expect(last).toContain(personalOnlyText(undefined));
    expect((await t.helpdesk.tickets.list({ limit: 100 })).items).toEqual([]);
  });

  it('in a channel, questions are still answered', async () => {
    const r = await post(t.baseUrl, channelMessage(serviceUrl, MALLORY, 'what is the helpdesk phone number?'));
    expect(textsOf(r.body)).toMatch(/0333 200 1133/);
  });

  it("the attack: Mallory cannot finish a flow that Bob's proof would complete, and Bob's own flow ignores her", async () => {
    const conv = 'shared-conversation-1';
    // Bob starts proving who he is.
    expect(textsOf((await post(t.baseUrl, sharedMessage(serviceUrl, conv, BOB, 'verify me'))).body)).toMatch(/email address/);
    // Mallory answers the question in his place: refused, and his flow is untouched.
    const hijack = await post(t.baseUrl, sharedMessage(serviceUrl, conv, MALLORY, 'mallory@example.org'));
    expect(replies(hijack.body).map((a) => a.text)).toEqual([SOMEONE_ELSES_FLOW_TEXT]);
    const cancel = await post(t.baseUrl, sharedMessage(serviceUrl, conv, MALLORY, 'cancel'));
    expect(replies(cancel.body).map((a) => a.text)).toEqual([SOMEONE_ELSES_FLOW_TEXT]);
    // Bob carries on where he was.
    expect(textsOf((await post(t.baseUrl, sharedMessage(serviceUrl, conv, BOB, 'bob.jones@example.nhs.net'))).body)).toMatch(/How should I send/);
    const sent = await post(t.baseUrl, sharedMessage(serviceUrl, conv, BOB, '1'));
    expect(textsOf(sent.body)).toMatch(/sent a 6-digit code/);
    // Mallory cannot type the code either.
    const code = codeInMessage(t.helpdesk.verification.outbox?.list('+447700900201')[0]?.text ?? '');
    const typed = await post(t.baseUrl, sharedMessage(serviceUrl, conv, MALLORY, code));
    expect(replies(typed.body).map((a) => a.text)).toEqual([SOMEONE_ELSES_FLOW_TEXT]);
    expect(textsOf((await post(t.baseUrl, sharedMessage(serviceUrl, conv, BOB, code))).body)).toMatch(/right code/);
  });

  it('once a flow has ended, anyone in the conversation may start their own', async () => {
    const conv = 'shared-conversation-2';
    await post(t.baseUrl, sharedMessage(serviceUrl, conv, BOB, 'verify me'));
    await post(t.baseUrl, sharedMessage(serviceUrl, conv, BOB, 'cancel'));
    expect(textsOf((await post(t.baseUrl, sharedMessage(serviceUrl, conv, MALLORY, 'verify me'))).body)).toMatch(/email address/);
  });
});
