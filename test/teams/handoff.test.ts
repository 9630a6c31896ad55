import { randomUUID } from 'node:crypto';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { ticketInput } from '../helpers/tickets';
import { TeamsAgentStore } from '../../src/teams';
import { ConnectorStandIn } from './connectorStandIn';
import { ALICE, BOT, HELPDESK_TEAM, cardAction, invokeCard, personReference, post, teamInstall, type Json } from './teamsActivities';

const PERSON = 'webchat-person-1';

function handoffStatus(serviceUrl: string, state: string, message?: string): Json {
  return {
    type: 'event',
    name: 'handoff.status',
    id: randomUUID(),
    channelId: 'webchat',
    serviceUrl,
    from: { id: 'agent-hub' },
    recipient: BOT,
    conversation: { id: PERSON },
    value: { state, ...(message ? { message } : {}) },
  };
}

describe('handoff to an agent hub (HANDOFF_TO_HUB=true)', () => {
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  let t: TestHelpdesk;

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    connector.teams.set(HELPDESK_TEAM, [ALICE]);
    t = await startTestHelpdesk({ HANDOFF_TO_HUB: 'true' });
    await post(t.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM));
  });
  afterAll(async () => {
    await t.stop();
    await connector.stop();
  });

  it('sends handoff.initiate with the ticket and its transcript when an agent takes over a web chat, and follows handoff.status', async () => {
    const ticket = await t.helpdesk.tickets.createTicket(
      ticketInput({
        channel: 'webchat',
        conversationRef: personReference(serviceUrl, PERSON, 'webchat'),
        transcript: [
          { from: 'user', text: 'I lost my phone, my code was 123456', at: '2025-01-31T09:00:00.000Z' },
          { from: 'bot', text: 'Sorry to hear that.', at: '2025-01-31T09:00:01.000Z' },
          { from: 'user', text: 'Call me on +447700900123', at: '2025-01-31T09:00:02.000Z' },
        ],
      }),
    );
    await t.helpdesk.tickets.whenIdle();
    const posted = (await t.helpdesk.teamsAgents.store.posts.get(TeamsAgentStore.postId(ticket.id, 'helpdesk')))!.doc;
    const r = await post(
      t.baseUrl,
      cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId: posted.activityId, from: ALICE, verb: 'claimTicket', data: { ticketId: ticket.id } }),
    );
    invokeCard(r.body);
    await t.helpdesk.tickets.whenIdle();

    const events = connector.sentTo(PERSON).filter((a) => a.body.type === 'event');
    expect(events).toHaveLength(1);
    const initiate = events[0]!.body;
    expect(initiate).toMatchObject({ name: 'handoff.initiate', value: { ticketId: ticket.id, priority: ticket.priority, agent: 'Alice Agent' } });
    const attachments = initiate.attachments as { contentType: string; name: string; content: { activities: Json[] } }[];
    expect(attachments[0]).toMatchObject({ contentType: 'application/json', name: 'Transcript' });
    expect(attachments[0]!.content.activities.map((a) => a.text)).toEqual([
      'I lost my phone, my code was [code]',
      'Sorry to hear that.',
      'Call me on ***123',
    ]);
    expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))?.hub).toMatchObject({ state: 'initiated' });

    expect((await post(t.baseUrl, handoffStatus(serviceUrl, 'accepted'))).status).toBe(200);
    await t.helpdesk.tickets.whenIdle();
    expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))).toMatchObject({ state: 'live', hub: { state: 'accepted' } });

    await post(t.baseUrl, handoffStatus(serviceUrl, 'completed', 'Closed by the hub agent'));
    await t.helpdesk.tickets.whenIdle();
    expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))).toMatchObject({ state: 'ended', hub: { state: 'completed' } });
    const history = (await t.helpdesk.tickets.get(ticket.id))!.history;
    expect(history.filter((h) => h.action === 'handoff_status').map((h) => h.note)).toEqual([
      'agent hub: accepted',
      'agent hub: completed (Closed by the hub agent)',
    ]);
    expect(history.at(-1)).toMatchObject({ action: 'chat_ended', by: 'agent-hub' });
    expect(t.logLines.some((l) => l.includes('handoff.status received'))).toBe(true);
  });

  it('sends no handoff for a Teams chat (the channel does not support it)', async () => {
    const ticket = await t.helpdesk.tickets.createTicket(ticketInput({ conversationRef: personReference(serviceUrl, 'a:teams-person') }));
    await t.helpdesk.tickets.whenIdle();
    const posted = (await t.helpdesk.teamsAgents.store.posts.get(TeamsAgentStore.postId(ticket.id, 'helpdesk')))!.doc;
    await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId: posted.activityId, from: ALICE, verb: 'claimTicket', data: { ticketId: ticket.id } }));
    await t.helpdesk.tickets.whenIdle();
    expect(connector.sentTo('a:teams-person').map((a) => a.body.type)).toEqual(['message']);
  });

  it('ignores a handoff.status for a conversation without a chat', async () => {
    const r = await post(t.baseUrl, { ...handoffStatus(serviceUrl, 'accepted'), conversation: { id: 'unknown-conversation' } });
    expect(r.status).toBe(200);
    expect(t.logLines.some((l) => l.includes('handoff.status ignored'))).toBe(true);
  });
});
