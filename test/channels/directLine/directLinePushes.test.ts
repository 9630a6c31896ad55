import { startTestHelpdesk, type TestHelpdesk } from '../../helpers/testServer';
import { botTexts, DirectLineTestClient, openConversation, type DlActivity } from '../../support/directLineClient';

const AGENT_TOKEN = 'agent-token-0123456789-abcdefghij';

function agentApi(t: TestHelpdesk, path: string, body: unknown): Promise<Response> {
  return fetch(`${t.baseUrl}/api/tickets${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Says something on the stream and waits for the bot's answer matching `expected`. */
async function exchange(client: DirectLineTestClient, text: string, expected: RegExp): Promise<DlActivity> {
  const before = client.streamed.length;
  await client.say(text);
  return client.waitForStreamed((a) => client.streamed.indexOf(a) >= before && a.from.role === 'bot' && expected.test(a.text ?? ''));
}

/** Asks for a person without proving identity and returns the ticket number from the answer. */
async function openTicket(client: DirectLineTestClient): Promise<string> {
  await exchange(client, 'Talk to a person', /check it's you/);
  const answer = await exchange(client, 'No, just pass me on', /MFA-\d{6}/);
  return /MFA-\d{6}/.exec(answer.text ?? '')?.[0] ?? '';
}

describe('messages pushed to web chat pages', () => {
  let a: TestHelpdesk;
  let b: TestHelpdesk;
  beforeAll(async () => {
    a = await startTestHelpdesk({ AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}` }, { directLineStreamPollMs: 200 });
    // A second instance on the same store.
    b = await startTestHelpdesk({ AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}`, DATA_DIR: a.dataDir }, { directLineStreamPollMs: 200 });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('streams the history, then each answer, and an agent\'s note within 2 seconds', async () => {
    const { client } = await openConversation(a.baseUrl);
    await client.openStream();
    await client.waitForStreamed((x) => /^Hello, I'm the MFA helpdesk assistant/.test(x.text ?? ''));
    const ticket = await openTicket(client);
    expect(ticket).toMatch(/^MFA-\d{6}$/);

    const sent = Date.now();
    expect((await agentApi(a, `/${ticket}/notes`, { text: 'I will call you at 2pm.', visibleToUser: true, sendToUnverifiedRequester: true })).status).toBe(200);
    const note = await client.waitForStreamed((x) => /added a note to your ticket.*I will call you at 2pm/.test(x.text ?? ''), 2_000);
    expect(Date.now() - sent).toBeLessThan(2_000);
    expect(note).toMatchObject({ from: { role: 'bot' }, speak: expect.stringContaining('2pm') });
    // A note for agents only never reaches the person.
    expect((await agentApi(a, `/${ticket}/notes`, { text: 'Internal: check HR record', visibleToUser: false })).status).toBe(200);

    // An agent picking the ticket up, through the other instance: pushed within 2 seconds too.
    const claimed = Date.now();
    expect((await agentApi(b, `/${ticket}/claim`, {})).status).toBe(200);
    await client.waitForStreamed((x) => /Sam Agent from the helpdesk has picked up your ticket/.test(x.text ?? ''), 2_000);
    expect(Date.now() - claimed).toBeLessThan(2_000);
    expect(botTexts(client.streamed).join('\n')).not.toContain('Internal');
    await client.closeStream();
  });

  it("an agent's words reach an unverified requester only when the agent confirms, and always as plain text", async () => {
    const { client } = await openConversation(a.baseUrl);
    await client.openStream();
    const ticket = await openTicket(client);
    const link = 'Please sign in again at [the NHS portal](https://evil.example/login).';
    expect((await agentApi(a, `/${ticket}/notes`, { text: `Unconfirmed: ${link}`, visibleToUser: true })).status).toBe(200);
    expect((await agentApi(a, `/${ticket}/notes`, { text: `Confirmed: ${link}`, visibleToUser: true, sendToUnverifiedRequester: true })).status).toBe(200);
    const confirmed = await client.waitForStreamed((x) => /Confirmed: Please sign in again/.test(x.text ?? ''), 2_000);
    expect(confirmed.textFormat).toBe('plain');
    expect((await agentApi(a, `/${ticket}/resolve`, { resolution: 'Done: [details](https://evil.example)' })).status).toBe(200);
    const resolved = await client.waitForStreamed((x) => x.text === `Your ticket ${ticket} has been resolved.`, 2_000);
    expect(resolved.textFormat).toBe('plain');
    const texts = botTexts(client.streamed).join('\n');
    expect(texts).not.toContain('Unconfirmed');
    expect(texts).not.toContain('Done: [details]');
    // Both stay on the ticket for the agents.
    const stored = await a.helpdesk.tickets.get(ticket);
    expect(stored?.notes.map((n) => n.text)).toEqual([`Unconfirmed: ${link}`, `Confirmed: ${link}`]);
    expect(stored?.resolution).toBe('Done: [details](https://evil.example)');
    await client.closeStream();
  });

  it('keeps what arrives while the page is closed and shows it when the page comes back, on either instance', async () => {
    const { client, issued } = await openConversation(a.baseUrl);
    await client.openStream();
    const ticket = await openTicket(client);
    await client.closeStream();

    expect((await agentApi(a, `/${ticket}/resolve`, { resolution: 'Your new phone is registered.', sendToUnverifiedRequester: true })).status).toBe(200);

    // The page comes back on the other instance, with its resume cookie: same user, same conversation.
    const again = await openConversation(b.baseUrl, issued.cookie);
    expect(again.issued).toMatchObject({ conversationId: issued.conversationId, userId: issued.userId });
    expect(again.issued.token).not.toBe(issued.token);
    await again.client.openStream();
    const resolved = await again.client.waitForStreamed((x) => new RegExp(`ticket ${ticket} has been resolved: Your new phone is registered`).test(x.text ?? ''));
    expect(resolved.from.role).toBe('bot');
    // The whole history came with it, in order, with no welcome repeated.
    const texts = again.client.streamed.map((x) => x.text ?? '');
    expect(texts.filter((x) => x.startsWith("Hello, I'm the MFA helpdesk assistant"))).toHaveLength(1);
    expect(texts.indexOf('Talk to a person')).toBeLessThan(texts.findIndex((x) => x.includes('has been resolved')));
    const ids = again.client.streamed.map((x) => Number(x.id.split('|')[1]));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));

    // And the conversation goes on there.
    await exchange(again.client, 'what is the helpdesk phone number', /0333 200 1133/);
    await again.client.closeStream();
  });

  it('a page without the resume cookie starts a new conversation; a stream URL works only for its own conversation', async () => {
    const first = await openConversation(a.baseUrl);
    const second = await openConversation(a.baseUrl);
    expect(second.issued.conversationId).not.toBe(first.issued.conversationId);
    const foreign = second.client.streamUrl.replace(second.issued.conversationId, first.issued.conversationId);
    await expect(second.client.openStream(foreign)).rejects.toThrow(/HTTP 403/);
    await expect(second.client.openStream(second.client.streamUrl.replace(/t=[^&]+/, 't='))).rejects.toThrow(/HTTP 401/);
    const stale = new DirectLineTestClient(a.baseUrl, first.issued.token, first.issued.conversationId);
    await expect(stale.openStream(first.client.streamUrl.replace(/t=([^&]+)/, (_m, tok: string) => `t=${tok.slice(0, -3)}abc`))).rejects.toThrow(/HTTP 403/);
  });
});
