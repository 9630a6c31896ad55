import { randomUUID } from 'node:crypto';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { ticketInput } from '../helpers/tickets';
import type { Ticket } from '../../src/tickets';
import { TeamsAgentStore } from '../../src/teams';
import { ConnectorStandIn } from './connectorStandIn';
import { ALICE, BOT, HELPDESK_TEAM, cardAction, invokeCard, personReference, post, teamInstall, type Json } from './teamsActivities';

/** A `handoff.status` event in a person's conversation, from `from` (the person's own id `29:alex`, or a hub). */
function handoffStatus(serviceUrl: string, conversationId: string, from: string, state: string, channelId = 'webchat'): Json {
  return {
    type: 'event',
    name: 'handoff.status',
    id: randomUUID(),
    channelId,
    serviceUrl,
    from: { id: from },
    recipient: BOT,
    conversation: { id: conversationId },
    value: { state, message: 'forged entry' },
  };
}

/** Starts a server, installs the queue and claims a web chat ticket, so a live chat exists. */
async function liveWebChat(env: NodeJS.ProcessEnv, connector: ConnectorStandIn, person: string, channel: 'webchat' | 'msteams' = 'webchat') {
  const t = await startTestHelpdesk(env);
  await post(t.baseUrl, teamInstall(connector.url, HELPDESK_TEAM));
  const ticket = await t.helpdesk.tickets.createTicket(ticketInput({ channel, conversationRef: personReference(connector.url, person, channel) }));
  await t.helpdesk.tickets.whenIdle();
  const posted = (await t.helpdesk.teamsAgents.store.posts.get(TeamsAgentStore.postId(ticket.id, 'helpdesk')))!.doc;
  invokeCard((await post(t.baseUrl, cardAction(connector.url, { teamId: HELPDESK_TEAM, postedId: posted.activityId, from: ALICE, verb: 'claimTicket', data: { ticketId: ticket.id } }))).body);
  await t.helpdesk.tickets.whenIdle();
  expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))?.state).toBe('live');
  return { t, ticket };
}

const hubEntries = async (t: TestHelpdesk, ticket: Ticket) => (await t.helpdesk.tickets.get(ticket.id))!.history.filter((h) => h.action === 'handoff_status' || h.by === 'agent-hub');

describe('forged agent hub events', () => {
  let connector: ConnectorStandIn;

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    await connector.start();
    connector.teams.set(HELPDESK_TEAM, [ALICE]);
  });
  afterAll(async () => {
    await connector.stop();
  });

  it('without HANDOFF_TO_HUB, a handoff.status from the person\'s web chat writes nothing and ends nothing', async () => {
    const { t, ticket } = await liveWebChat({}, connector, 'forge-off');
    try {
      for (const state of ['accepted', 'completed']) {
        expect((await post(t.baseUrl, handoffStatus(connector.url, 'forge-off', '29:alex', state))).status).toBe(200);
        expect((await post(t.baseUrl, handoffStatus(connector.url, 'forge-off', 'agent-hub', state))).status).toBe(200);
      }
      await t.helpdesk.tickets.whenIdle();
      expect(await hubEntries(t, ticket)).toEqual([]);
      expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))?.state).toBe('live');
      expect(t.logLines.some((l) => l.includes('handoff.status ignored') && l.includes('HANDOFF_TO_HUB'))).toBe(true);
    } finally {
      await t.stop();
    }
  });

  describe('with HANDOFF_TO_HUB=true', () => {
    it('a handoff.status sent by the person themselves is ignored', async () => {
      const { t, ticket } = await liveWebChat({ HANDOFF_TO_HUB: 'true' }, connector, 'forge-self');
      try {
        expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))?.hub?.state).toBe('initiated');
        await post(t.baseUrl, handoffStatus(connector.url, 'forge-self', '29:alex', 'completed'));
        await t.helpdesk.tickets.whenIdle();
        expect(await hubEntries(t, ticket)).toEqual([]);
        expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))).toMatchObject({ state: 'live', hub: { state: 'initiated' } });

        // The hub itself is still heard.
        await post(t.baseUrl, handoffStatus(connector.url, 'forge-self', 'agent-hub', 'accepted'));
        await t.helpdesk.tickets.whenIdle();
        expect((await hubEntries(t, ticket)).map((h) => h.note)).toEqual(['agent hub: accepted (forged entry)']);
      } finally {
        await t.stop();
      }
    });

    it('a handoff.status for a chat that was never handed to a hub (a Teams chat) is ignored', async () => {
      const { t, ticket } = await liveWebChat({ HANDOFF_TO_HUB: 'true' }, connector, 'a:forge-teams', 'msteams');
      try {
        expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))?.hub).toBeUndefined();
        await post(t.baseUrl, handoffStatus(connector.url, 'a:forge-teams', 'agent-hub', 'completed', 'msteams'));
        await t.helpdesk.tickets.whenIdle();
        expect(await hubEntries(t, ticket)).toEqual([]);
        expect((await t.helpdesk.teamsAgents.store.relayOf(ticket.id))?.state).toBe('live');
      } finally {
        await t.stop();
      }
    });
  });
});
