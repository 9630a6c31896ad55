import { randomUUID } from 'node:crypto';
import { TICKET_REFUSED_TEXT } from '../../dialogs/escalateTicket';
import { messageActivity, send, startTestHelpdesk, visibleText, type TestHelpdesk } from '../helpers/testServer';
import { botTexts, openConversation } from '../support/directLineClient';
import { HttpStandIn, json } from '../support/httpStandIn';

const OPENED = /I've opened ticket \*\*MFA-\d{6}\*\*/;

/** Over `/api/messages`: asks for a person, and either skips the check or names `who` (twice, as no code can go there) and still wants a ticket. */
async function askForTicket(t: TestHelpdesk, options: { conversation?: string; from?: string; who?: string } = {}): Promise<string> {
  const conversation = options.conversation ?? `flood-${randomUUID()}`;
  const from = { id: options.from ?? `user-${randomUUID()}`, name: 'Someone' };
  const turn = async (text: string): Promise<string> => visibleText(await send(t.baseUrl, messageActivity(conversation, text, { from })));
  await turn('I want to talk to a person');
  if (!options.who) return turn('No, just pass me on');
  await turn("Yes, check it's me");
  await turn(options.who);
  const asked = await turn(options.who);
  expect(asked).toMatch(/Shall I still open a ticket\?/);
  return turn('Yes, open a ticket');
}

/** Over the bot's own Direct Line, as the web chat page: a fresh token and conversation, a person asked for, the check skipped. */
async function askOnWebChat(t: TestHelpdesk): Promise<string> {
  const { client } = await openConversation(t.baseUrl);
  await client.read();
  await client.say('I want to talk to a person');
  await client.say('No, just pass me on');
  return botTexts(await client.read()).join('\n');
}

describe('ticket floods, over HTTP against the real server', () => {
  describe('with the default budgets', () => {
    let t: TestHelpdesk;
    let security: HttpStandIn;
    beforeAll(async () => {
      security = new HttpStandIn((_req, res) => json(res, 200, {}));
      const url = await security.start();
      t = await startTestHelpdesk({ SECURITY_WEBHOOK_URL: `${url}/alerts` });
    });
    afterAll(async () => {
      await t.stop();
      await security.stop();
    });

    it('repeated unverified alarms about one person go into their open incident: one P1, one security call', async () => {
      for (let i = 0; i < 3; i++) expect(await askForTicket(t, { who: 'dan.brown@example.nhs.net' })).toMatch(OPENED);
      await t.helpdesk.tickets.whenIdle(5_000);
      const tickets = (await t.helpdesk.tickets.list({ limit: 100 })).items;
      expect(tickets).toHaveLength(1);
      expect(tickets[0]).toMatchObject({ priority: 'P1', accountCompromised: true });
      expect(tickets[0]?.history.filter((h) => h.action === 'alarm_repeated')).toHaveLength(2);
      expect(security.requests).toHaveLength(1);
    });

    it('a failed check asks before opening a ticket, and "no" opens none and gives the helpdesk number', async () => {
      const conversation = `ask-${randomUUID()}`;
      const turn = async (text: string): Promise<string> => visibleText(await send(t.baseUrl, messageActivity(conversation, text)));
      const before = (await t.helpdesk.tickets.list({ limit: 100 })).items.length;
      await turn('I want to talk to a person');
      await turn("Yes, check it's me");
      await turn('100003');
      expect(await turn('100003')).toMatch(/Shall I still open a ticket\?/);
      expect(await turn('No, thanks')).toMatch(/haven't opened a ticket.*0333 200 1133/s);
      expect((await t.helpdesk.tickets.list({ limit: 100 })).items).toHaveLength(before);
    });

    it('the same conversation cannot open more than 3 unverified tickets', async () => {
      const conversation = `conv-${randomUUID()}`;
      const from = `user-${randomUUID()}`;
      for (let i = 0; i < 3; i++) expect(await askForTicket(t, { conversation, from })).toMatch(OPENED);
      expect(await askForTicket(t, { conversation, from })).toContain(TICKET_REFUSED_TEXT);
    });

    it('one claimed requester cannot be named in more than 3 unverified tickets, from any conversation', async () => {
      for (let i = 0; i < 3; i++) expect(await askForTicket(t, { who: 'carol.white@example.nhs.net' })).toMatch(OPENED);
      expect(await askForTicket(t, { who: 'carol.white@example.nhs.net' })).toContain(TICKET_REFUSED_TEXT);
    });

    it('30 people behind one office address each open a ticket within the same minute', async () => {
      const said = await Promise.all(Array.from({ length: 30 }, () => askOnWebChat(t)));
      expect(said.filter((s) => OPENED.test(s))).toHaveLength(30);
    });
  });

  describe('with tight budgets', () => {
    let t: TestHelpdesk;
    beforeAll(async () => {
      t = await startTestHelpdesk({ UNVERIFIED_TICKETS_PER_ADDRESS: '3', UNVERIFIED_TICKETS_PER_SOURCE: '2', UNVERIFIED_TICKETS_PER_HOUR: '8' });
    });
    afterAll(async () => {
      await t.stop();
    });

    it('fresh web chat tokens from one address stop at the address budget, and the person is told to call the helpdesk', async () => {
      const said: string[] = [];
      for (let i = 0; i < 5; i++) said.push(await askOnWebChat(t));
      expect(said.slice(0, 3).every((s) => OPENED.test(s))).toBe(true);
      for (const s of said.slice(3)) {
        expect(s).toContain(TICKET_REFUSED_TEXT);
        expect(s).not.toMatch(OPENED);
      }
    });

    it('one sender in fresh conversations stops at the source budget', async () => {
      const from = `user-${randomUUID()}`;
      for (let i = 0; i < 2; i++) expect(await askForTicket(t, { from })).toMatch(OPENED);
      expect(await askForTicket(t, { from })).toContain(TICKET_REFUSED_TEXT);
    });

    it('fresh conversations and senders stop at the overall budget, and nothing more is stored', async () => {
      const results: string[] = [];
      for (let i = 0; i < 6; i++) results.push(await askForTicket(t));
      const tickets = (await t.helpdesk.tickets.list({ limit: 100 })).items;
      expect(tickets).toHaveLength(8);
      expect(results.filter((s) => s.includes(TICKET_REFUSED_TEXT)).length).toBeGreaterThan(0);
    });
  });
});
