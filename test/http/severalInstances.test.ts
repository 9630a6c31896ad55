import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotProcess, type BotProcess } from '../support/botProcess';
import { freshDatabase, startJongodb, type JongodbServer } from '../support/jongodb';
import { ConnectorStandIn } from '../teams/connectorStandIn';
import { personMessage } from '../teams/teamsActivities';
import { messageActivity, send, type TestActivity } from '../helpers/testServer';

/**
 * Two complete server processes (the real entry point) on one store, as production runs several
 * instances behind Azure Bot Service: once on one SQLite file, once on one MongoDB-compatible
 * server. Everything is checked over HTTP, as channels and agents reach the bot.
 */

const ANN = { name: 'Ann Agent', token: `ann-${randomBytes(16).toString('hex')}` };
const BEN = { name: 'Ben Agent', token: `ben-${randomBytes(16).toString('hex')}` };
const BOB_MOBILE = '+447700900201';
const TICKET_ID = /MFA-\d{6}/;

interface Store {
  /** Environment of each instance, given its own temp directory. */
  env(ownDir: string): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Both instances on `DATA_DIR/helpdesk.sqlite` in one shared folder. */
async function sqliteFile(): Promise<Store> {
  const shared = mkdtempSync(join(tmpdir(), 'helpdesk-instances-'));
  return {
    env: () => ({ DATA_DIR: shared }),
    async stop() {
      rmSync(shared, { recursive: true, force: true });
    },
  };
}

/** Both instances on one database of a jongodb server started here; each has its own DATA_DIR. */
async function jongodb(): Promise<Store> {
  const server: JongodbServer = await startJongodb();
  const database = freshDatabase();
  return {
    env: (ownDir) => ({ DATA_DIR: ownDir, MONGODB_URI: server.uri, MONGODB_DATABASE: database }),
    stop: () => server.stop(),
  };
}

// Two start-ups (each trains the knowledge model) on a shared, busy machine.
jest.setTimeout(120_000);

describe.each([
  ['one SQLite file', sqliteFile],
  ['one MongoDB server (jongodb)', jongodb],
])('two server processes on %s', (_name, makeStore) => {
  let store: Store;
  let connector: ConnectorStandIn;
  let a: BotProcess;
  let b: BotProcess;
  const ownDirs: string[] = [];

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    await connector.start();
    store = await makeStore();
    const secret = randomBytes(32).toString('base64');
    const start = (): Promise<BotProcess> => {
      const ownDir = mkdtempSync(join(tmpdir(), 'helpdesk-instance-'));
      ownDirs.push(ownDir);
      return startBotProcess({
        ...store.env(ownDir),
        VERIFICATION_SECRET: secret,
        AGENT_API_TOKENS: `${ANN.name}:${ANN.token},${BEN.name}:${BEN.token}`,
      });
    };
    [a, b] = await Promise.all([start(), start()]);
  });

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await store?.stop();
    await connector?.stop();
    for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true });
    // Each instance drained what it still had to send, then stopped cleanly, with no error logged.
    expect(codes).toEqual([0, 0]);
    for (const p of [a, b]) {
      expect(p.stderr()).toBe('');
      expect(p.logLines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    }
  });

  /** A web chat conversation whose turns may go to either instance. */
  const conversation = () => {
    const id = `multi-${randomUUID()}`;
    return async (to: BotProcess, text: string, extra: TestActivity = {}): Promise<string> =>
      (await send(to.baseUrl, messageActivity(id, text, { id: randomUUID(), ...extra }))).map((r) => r.text ?? '').join('\n');
  };

  const agentApi = async (to: BotProcess, agent: typeof ANN, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${to.baseUrl}/api/tickets${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  const allTicketIds = async (): Promise<string[]> => {
    const { status, json } = await agentApi(a, ANN, '?limit=100');
    expect(status).toBe(200);
    return (json.items as { id: string }[]).map((t) => t.id);
  };

  const outboxOf = async (to: BotProcess, number: string): Promise<unknown[]> => {
    const res = await fetch(`${to.baseUrl}/dev/outbox?to=${encodeURIComponent(number)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as unknown[];
  };

  /** Opens a ticket without proof of identity in two turns, the first on `first`, the second on `second`. */
  const openTicket = async (first: BotProcess, second: BotProcess): Promise<string> => {
    const say = conversation();
    expect(await say(first, 'talk to a person')).toMatch(/check it's you first/);
    const opened = await say(second, 'No, just pass me on');
    const id = TICKET_ID.exec(opened)?.[0];
    if (!id) throw new Error(`no ticket opened: ${opened}`);
    return id;
  };

  it('ticket ids are unique when tickets are opened at the same time on both instances', async () => {
    const before = await allTicketIds();
    const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? openTicket(a, b) : openTicket(b, a))));
    expect(new Set(ids).size).toBe(12);
    const after = await allTicketIds();
    expect(after.filter((id) => !before.includes(id)).sort()).toEqual([...ids].sort());
  });

  it('claims are exclusive: two agents claiming one ticket at once on different instances, exactly one wins', async () => {
    const ids = await Promise.all([openTicket(a, b), openTicket(b, a), openTicket(a, a), openTicket(b, b)]);
    for (const id of ids) {
      const [byAnn, byBen] = await Promise.all([agentApi(a, ANN, `/${id}/claim`, {}), agentApi(b, BEN, `/${id}/claim`, {})]);
      expect([byAnn.status, byBen.status].sort()).toEqual([200, 409]);
      const winner = byAnn.status === 200 ? ANN : BEN;
      const loser = byAnn.status === 200 ? byBen : byAnn;
      expect(loser.json).toMatchObject({ error: 'already_claimed', holder: winner.name });
      // Both instances see the same holder.
      for (const p of [a, b]) expect((await agentApi(p, ANN, `/${id}`)).json).toMatchObject({ status: 'claimed', assignee: winner.name });
    }
  });

  it('the verification send limit for one person holds across instances', async () => {
    const ask = async (to: BotProcess): Promise<string> => {
      const say = conversation();
      await say(to, 'verify me');
      await say(to, 'bob.jones@example.nhs.net');
      return say(to, '1');
    };
    // Three codes per person per 15 minutes, asked for alternately on each instance.
    expect(await ask(a)).toMatch(/sent a 6-digit code by text to your mobile ending 201/);
    expect(await ask(b)).toMatch(/sent a 6-digit code by text to your mobile ending 201/);
    expect(await ask(a)).toMatch(/sent a 6-digit code by text to your mobile ending 201/);
    expect(await ask(b)).toMatch(/several codes in a short time/);
    expect(await ask(a)).toMatch(/several codes in a short time/);
    const sent = [...(await outboxOf(a, BOB_MOBILE)), ...(await outboxOf(b, BOB_MOBILE))];
    expect(sent).toHaveLength(3);
  });

  it('an activity delivered to both instances at once is handled once', async () => {
    const id = `multi-dup-${randomUUID()}`;
    expect((await send(a.baseUrl, messageActivity(id, 'talk to a person'))).map((r) => r.text).join('\n')).toMatch(/check it's you first/);
    const before = await allTicketIds();
    const repeated = messageActivity(id, 'No, just pass me on', { id: `retried-${randomUUID()}` });
    const [toA, toB] = await Promise.all([send(a.baseUrl, repeated), send(b.baseUrl, repeated)]);
    const answered = [toA, toB].filter((r) => r.length > 0);
    expect(answered).toHaveLength(1);
    expect(answered[0]!.map((r) => r.text).join('\n')).toMatch(/opened ticket \*\*MFA-\d{6}\*\*/);
    expect([toA, toB].filter((r) => r.length === 0)).toHaveLength(1);
    const after = await allTicketIds();
    expect(after.filter((t) => !before.includes(t))).toHaveLength(1);
  });

  it('a proactive notification is sent once: a ticket from Teams claimed on one instance and resolved on the other', async () => {
    const personConversation = `a:person-${randomUUID()}`;
    const toBot = async (to: BotProcess, text: string): Promise<string> => {
      const res = await fetch(`${to.baseUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(personMessage(connector.url, personConversation, text)),
      });
      expect(res.status).toBe(200);
      return JSON.stringify(await res.json());
    };
    expect(await toBot(a, 'talk to a person')).toMatch(/check it's you first/);
    const id = TICKET_ID.exec(await toBot(b, 'No, just pass me on'))?.[0];
    expect(id).toBeDefined();

    const arrived = async (text: string): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!connector.textsTo(personConversation).includes(text) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };
    const pickedUp = `Good news: ${ANN.name} from the helpdesk has picked up your ticket ${id}.`;
    const resolved = `Your ticket ${id} has been resolved: Authenticator moved to the new phone.`;
    expect((await agentApi(a, ANN, `/${id}/claim`, {})).status).toBe(200);
    // An agent reads the ticket before resolving it: the person has been told by then.
    await arrived(pickedUp);
    // The requester did not prove who they are: the agent confirms that the resolution text may go to them.
    expect((await agentApi(b, ANN, `/${id}/resolve`, { resolution: 'Authenticator moved to the new phone.', sendToUnverifiedRequester: true })).status).toBe(200);
    await arrived(resolved);
    // Stopping both instances drains every notification still in flight; only then is the count final.
    await Promise.all([a.stop(), b.stop()]);
    // The replies of the two turns came back in the HTTP answers; what was pushed is each change, once.
    expect(connector.textsTo(personConversation)).toEqual([pickedUp, resolved]);
  });
});
