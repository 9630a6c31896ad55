import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { ticketInput } from '../helpers/tickets';
import type { Ticket } from '../../src/tickets';
import { TeamsAgentStore } from '../../src/teams';
import { OTHER_TENANT_TEXT } from '../../src/bot/tenantGate';
import { ConnectorStandIn } from './connectorStandIn';
import {
  ALICE,
  BOB,
  HELPDESK_TEAM,
  MALLORY,
  OTHER_TEAM,
  OTHER_TENANT,
  TENANT,
  cardAction,
  invokeCard,
  personMessage,
  personReference,
  post,
  replies,
  teamInstall,
  threadMessage,
  verbsOf,
  type Json,
} from './teamsActivities';

/** Moves a Teams activity into another tenant, as an outsider's Teams would send it. */
function fromTenant(activity: Json, tenant: string): Json {
  const conversation = { ...(activity.conversation as Json), tenantId: tenant };
  const channelData = { ...((activity.channelData as Json | undefined) ?? {}), tenant: { id: tenant } };
  return { ...activity, conversation, channelData };
}

describe('Teams attacks that must fail', () => {
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  let t: TestHelpdesk;

  const idle = async (): Promise<void> => {
    expect(await t.helpdesk.tickets.whenIdle(5000)).toBe(true);
  };
  const postedIdOf = async (ticketId: string): Promise<string> => {
    const found = (await t.helpdesk.teamsAgents.store.posts.get(TeamsAgentStore.postId(ticketId, 'helpdesk')))?.doc;
    if (!found) throw new Error(`ticket ${ticketId} was not posted`);
    return found.activityId;
  };
  const openTicket = async (conversationId: string, overrides: Parameters<typeof ticketInput>[0] = {}): Promise<Ticket> => {
    const created = await t.helpdesk.tickets.createTicket(ticketInput({ conversationRef: personReference(serviceUrl, conversationId), ...overrides }));
    await idle();
    return created;
  };

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    connector.teams.set(HELPDESK_TEAM, [ALICE, BOB]);
    connector.teams.set(OTHER_TEAM, [MALLORY]);
    // Development set-up without HELPDESK_TEAM_ID: the first install holds the queue.
    t = await startTestHelpdesk({ ALLOWED_TENANT_IDS: TENANT });
  });
  afterAll(async () => {
    await t.stop();
    await connector.stop();
  });

  describe('queue hijack (item: installs never move the queue)', () => {
    it('keeps the queue with the first team when the app is installed in another team', async () => {
      await post(t.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM));
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toMatchObject({ teamId: HELPDESK_TEAM });
      const r = await post(t.baseUrl, teamInstall(serviceUrl, OTHER_TEAM));
      expect(r.status).toBe(200);
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toMatchObject({ teamId: HELPDESK_TEAM });
      expect(t.logLines.some((l) => l.includes('queue is held') && l.includes(OTHER_TEAM))).toBe(true);
    });

    it('new tickets still go to the first team, and a member of the other team cannot claim them', async () => {
      const ticket = await openTicket('a:hijack-victim');
      expect(connector.sentTo(OTHER_TEAM)).toHaveLength(0);
      const postedId = await postedIdOf(ticket.id);
      const r = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: MALLORY, verb: 'claimTicket', data: { ticketId: ticket.id } }));
      expect(JSON.stringify(invokeCard(r.body))).toContain('Only the helpdesk team can work on tickets');
      expect((await t.helpdesk.tickets.get(ticket.id))?.status).toBe('open');
    });
  });

  describe('other tenants (ALLOWED_TENANT_IDS)', () => {
    it('a message from another tenant gets a polite refusal and starts nothing', async () => {
      const r = await post(t.baseUrl, fromTenant(personMessage(serviceUrl, 'a:outsider', 'verify me'), OTHER_TENANT));
      expect(r.status).toBe(200);
      expect(replies(r.body).map((a) => [a.text, a.speak])).toEqual([[OTHER_TENANT_TEXT, OTHER_TENANT_TEXT]]);
      // Nothing was acted on: the same conversation's next message is refused again, not taken as an answer.
      const again = await post(t.baseUrl, fromTenant(personMessage(serviceUrl, 'a:outsider', 'bob.jones@example.nhs.net'), OTHER_TENANT));
      expect(replies(again.body).map((a) => a.text)).toEqual([OTHER_TENANT_TEXT]);
      expect(t.logLines.some((l) => l.includes('not in ALLOWED_TENANT_IDS') && l.includes(OTHER_TENANT))).toBe(true);
    });

    it('a Teams message naming no tenant is refused too', async () => {
      const activity = personMessage(serviceUrl, 'a:no-tenant', 'hello');
      const { tenantId: _dropped, ...conversation } = activity.conversation as Json;
      const r = await post(t.baseUrl, { ...activity, conversation });
      expect(replies(r.body).map((a) => a.text)).toEqual([OTHER_TENANT_TEXT]);
    });

    it('a card action from another tenant is answered with the refusal and changes nothing', async () => {
      const ticket = await openTicket('a:tenant-card');
      const postedId = await postedIdOf(ticket.id);
      connector.teams.set(HELPDESK_TEAM, [ALICE, BOB, MALLORY]);
      try {
        const action = cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: MALLORY, verb: 'claimTicket', data: { ticketId: ticket.id } });
        const r = await post(t.baseUrl, fromTenant(action, OTHER_TENANT));
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: OTHER_TENANT_TEXT });
        expect((await t.helpdesk.tickets.get(ticket.id))?.status).toBe('open');
      } finally {
        connector.teams.set(HELPDESK_TEAM, [ALICE, BOB]);
      }
    });

    it('an install from another tenant is ignored', async () => {
      await post(t.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM, true));
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toBeUndefined();
      await post(t.baseUrl, fromTenant(teamInstall(serviceUrl, OTHER_TEAM), OTHER_TENANT));
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toBeUndefined();
      await post(t.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM));
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toMatchObject({ teamId: HELPDESK_TEAM });
    });

    it('web chat activities carry no tenant and are not affected', async () => {
      const r = await post(t.baseUrl, personMessage(serviceUrl, 'webchat-tenantless', 'hello', 'webchat'));
      expect(replies(r.body).map((a) => a.text)).not.toContain(OTHER_TENANT_TEXT);
    });
  });

  describe('codes asked for "separated by commas" in a live chat', () => {
    it('are redacted in both directions', async () => {
      const ticket = await openTicket('a:comma-victim');
      const postedId = await postedIdOf(ticket.id);
      const claim = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: BOB, verb: 'claimTicket', data: { ticketId: ticket.id } }));
      invokeCard(claim.body);
      await idle();
      await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: BOB, text: 'Type the code you got, separated by commas, e.g. 1,2,3,4,5,6' }));
      expect(connector.textsTo('a:comma-victim').at(-1)).toBe('Bob Agent (Helpdesk): Type the code you got, separated by commas, e.g. [code]');
      await post(t.baseUrl, personMessage(serviceUrl, 'a:comma-victim', 'sure: 4, 8, 2, 9, 1, 3'));
      await post(t.baseUrl, personMessage(serviceUrl, 'a:comma-victim', 'or 4/8/2/9/1/3, or ４８２９１３'));
      const thread = connector.textsTo(`${HELPDESK_TEAM};messageid=${postedId}`);
      expect(thread.slice(-2)).toEqual(['Alex Smith (alex.smith@example.nhs.uk): sure: [code]', 'Alex Smith (alex.smith@example.nhs.uk): or [code], or [code]']);
      expect(JSON.stringify(connector.activities)).not.toMatch(/4\D{0,3}8\D{0,3}2\D{0,3}9\D{0,3}1\D{0,3}3/);
    });
  });

  describe('card actions (membership of the team and the card of the ticket)', () => {
    let mine: Ticket;
    let other: Ticket;

    beforeAll(async () => {
      mine = await openTicket('a:card-mine');
      other = await openTicket('a:card-other', { summary: 'Secret details of another ticket' });
    });

    it('refreshTicket by someone outside the team shows no ticket at all', async () => {
      const postedId = await postedIdOf(mine.id);
      const r = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: MALLORY, verb: 'refreshTicket', data: { ticketId: mine.id }, trigger: 'automatic' }));
      const card = JSON.stringify(invokeCard(r.body));
      expect(card).toContain('Only the helpdesk team can work on tickets');
      expect(card).not.toContain(mine.id);
      expect(card).not.toContain('Alex Smith');
      expect(card).not.toContain('Lost phone');
    });

    it.each(['refreshTicket', 'claimTicket', 'addNote', 'resolveTicket', 'cancelTicket', 'endChat'])(
      '%s naming another ticket than the card\'s is refused, even for a member, and shows and changes nothing',
      async (verb) => {
        const postedId = await postedIdOf(mine.id);
        const before = await t.helpdesk.tickets.get(other.id);
        const r = await post(
          t.baseUrl,
          cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: ALICE, verb, data: { ticketId: other.id, noteText: 'x', resolution: 'x', visibleToUser: 'true' } }),
        );
        const card = JSON.stringify(invokeCard(r.body));
        expect(card).toContain("That button does not belong to this ticket's card.");
        expect(card).not.toContain('Secret details');
        expect(card).not.toContain(other.id);
        expect(await t.helpdesk.tickets.get(other.id)).toEqual(before);
      },
    );

    it('a card action from outside any ticket thread is refused', async () => {
      const r = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId: 'not-a-card', from: ALICE, verb: 'refreshTicket', data: { ticketId: mine.id } }));
      const card = invokeCard(r.body);
      expect(JSON.stringify(card)).toContain("That button does not belong to this ticket's card.");
      expect(verbsOf(card)).toEqual([]);
    });

    it('the right card still works for a member', async () => {
      const postedId = await postedIdOf(mine.id);
      const r = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: ALICE, verb: 'refreshTicket', data: { ticketId: mine.id } }));
      const card = invokeCard(r.body);
      expect(JSON.stringify(card)).toContain(mine.id);
      expect(verbsOf(card)).toContain('claimTicket');
    });
  });
});
