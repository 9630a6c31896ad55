import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { botTexts, openConversation } from '../support/directLineClient';
import { HttpStandIn, json } from '../support/httpStandIn';
import { askForCode, latestCodeTo, outboxTo, teamsChat, webChat, writeDirectory, type GeneratedPerson, type Turn } from '../support/verifyOverHttp';
import { ConnectorStandIn } from '../teams/connectorStandIn';

const SENT = /I've sent a 6-digit code by text/;
const HELPDESK = /call the helpdesk on 0333 200 1133/;

/** A web chat page's conversation over the bot's own Direct Line: a fresh token, from this machine's address. */
async function webChatPage(t: TestHelpdesk): Promise<Turn> {
  const { client } = await openConversation(t.baseUrl);
  await client.read();
  return async (text) => {
    await client.say(text);
    return botTexts(await client.read()).join('\n');
  };
}

describe('budgets of codes, over HTTP against the real server', () => {
  let dir: string;
  let people: GeneratedPerson[];
  let directoryFile: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-budgets-'));
    ({ file: directoryFile, people } = writeDirectory(dir, 45));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a small hourly budget with a reserve for Teams', () => {
    let t: TestHelpdesk;
    let security: HttpStandIn;
    let connector: ConnectorStandIn;
    let serviceUrl: string;
    beforeAll(async () => {
      security = new HttpStandIn((_req, res) => json(res, 200, {}));
      const url = await security.start();
      connector = new ConnectorStandIn();
      serviceUrl = await connector.start();
      t = await startTestHelpdesk({ DIRECTORY_FILE: directoryFile, SECURITY_WEBHOOK_URL: `${url}/alerts`, VERIFICATION_MAX_SENDS_PER_HOUR: '6', VERIFICATION_TEAMS_RESERVE_PER_HOUR: '2' });
    });
    afterAll(async () => {
      await t.stop();
      await security.stop();
      await connector.stop();
    });

    it('outsider conversations that spend the budget do not turn verification off for a Teams user, and the alert fires once', async () => {
      const said: string[] = [];
      for (const person of people.slice(1, 7)) said.push(await askForCode(webChat(t), person));
      expect(said.slice(0, 4).every((s) => SENT.test(s))).toBe(true);
      for (const refused of said.slice(4)) {
        expect(refused).toMatch(/I can't send codes at the moment/);
        expect(refused).toMatch(HELPDESK);
      }

      // A Teams user still verifies, from the reserve.
      const owner = people[0];
      if (!owner) throw new Error('no person');
      const teams = teamsChat(t, serviceUrl, { id: '29:person-000', name: 'Person 300000', aadObjectId: owner.objectId });
      expect(await teams('verify me')).toMatch(/How should I send your code/);
      expect(await teams(owner.choice)).toMatch(SENT);
      expect(await teams(await latestCodeTo(t, owner.mobile))).toMatch(/that's the right code/);

      // Two refusals, one alert: a warning in the log and one call of the security webhook.
      await t.helpdesk.verification.alarm.whenIdle(5_000);
      const alerts = security.requests.map((r) => JSON.parse(r.body) as { event: string; alert?: { budget: string; limit: number } }).filter((b) => b.event === 'verification.unusual_rate');
      expect(alerts).toEqual([{ event: 'verification.unusual_rate', alert: expect.objectContaining({ budget: 'code_overall', limit: 4, windowMinutes: 60, channel: 'webchat' }) }]);
      const warnings = t.logLines.map((l) => JSON.parse(l) as { level: number; event?: string }).filter((l) => l.event === 'unusual_rate');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe(40);
      // Nothing about a person or a number goes into the alert.
      expect(JSON.stringify(alerts)).not.toMatch(/person\.|\+44|7700/);
    });
  });

  describe('the default budgets', () => {
    let t: TestHelpdesk;
    beforeAll(async () => {
      t = await startTestHelpdesk({ DIRECTORY_FILE: directoryFile });
    });
    afterAll(async () => {
      await t.stop();
    });

    it('one source naming many staff ids stops at the per-source budget and is told how else to get help', async () => {
      const from = 'user-one-source';
      const said: string[] = [];
      for (const person of people.slice(0, 11)) said.push(await askForCode(webChat(t, { from }), person));
      expect(said.slice(0, 10).every((s) => SENT.test(s))).toBe(true);
      expect(said[10]).toMatch(/I've sent as many codes as I can for requests from here for now/);
      expect(said[10]).toMatch(HELPDESK);
      // The person named last can still get a code when they ask themselves.
      const tenth = people[10];
      if (!tenth) throw new Error('no person');
      expect(await askForCode(webChat(t), tenth)).toMatch(SENT);
    });

    it('30 people behind one office address all verify within a minute', async () => {
      const started = Date.now();
      const verify = async (person: GeneratedPerson): Promise<string> => {
        const say = await webChatPage(t);
        const sent = await askForCode(say, person);
        if (!SENT.test(sent)) return sent;
        return say(await latestCodeTo(t, person.mobile));
      };
      const said = await Promise.all(people.slice(15, 45).map(verify));
      expect(said.filter((s) => /that's the right code/.test(s))).toHaveLength(30);
      expect(Date.now() - started).toBeLessThan(60_000);
    });
  });

  describe('a small per-number limit', () => {
    let t: TestHelpdesk;
    beforeAll(async () => {
      t = await startTestHelpdesk({ DIRECTORY_FILE: directoryFile, VERIFICATION_SENDS_PER_NUMBER_PER_DAY: '2' });
    });
    afterAll(async () => {
      await t.stop();
    });

    it('a number that has had its codes for the day gets no more, even in a new conversation, and the person is told why', async () => {
      const person = people[44];
      const said: string[] = [];
      for (let i = 0; i < 3; i += 1) said.push(await askForCode(await webChatPage(t), person));
      expect(said.slice(0, 2).every((s) => SENT.test(s))).toBe(true);
      expect(said[2]).toMatch(/That phone number has had as many codes as we allow in a day/);
      // Exactly the two codes allowed went to the number.
      expect((await outboxTo(t, person.mobile)).filter((m) => /code/.test(m.text))).toHaveLength(2);
    });
  });

  describe('a small per-address budget', () => {
    let t: TestHelpdesk;
    beforeAll(async () => {
      t = await startTestHelpdesk({ DIRECTORY_FILE: directoryFile, VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR: '3' });
    });
    afterAll(async () => {
      await t.stop();
    });

    it('fresh web chat tokens from one address stop at the address budget, with the helpdesk number', async () => {
      const said: string[] = [];
      for (const person of people.slice(0, 4)) said.push(await askForCode(await webChatPage(t), person));
      expect(said.slice(0, 3).every((s) => SENT.test(s))).toBe(true);
      expect(said[3]).toMatch(/requests from here/);
      expect(said[3]).toMatch(HELPDESK);
    });
  });
});
