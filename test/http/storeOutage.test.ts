import { freshDatabase, startJongodb, type JongodbServer } from '../support/jongodb';
import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

/**
 * The MongoDB server goes away mid-run and comes back. jongodb keeps data in memory only, so
 * after its restart the store is empty; a real MongoDB replica set keeps its data, and the bot
 * reconnects the same way.
 */
const AGENT_TOKEN = 'outage-agent-token-0123456789';

describe('the MongoDB store goes away and comes back', () => {
  let db: JongodbServer;
  let t: TestHelpdesk;

  beforeAll(async () => {
    db = await startJongodb();
    t = await startTestHelpdesk({ MONGODB_URI: db.uri, MONGODB_DATABASE: freshDatabase(), MONGODB_TIMEOUT_MS: '500', AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}` });
  });

  afterAll(async () => {
    await t?.stop();
    await db?.stop();
  });

  const readyz = async () => (await fetch(`${t.baseUrl}/readyz`)).status;

  async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > until) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('tells people the records are unreachable, answers /readyz 503 without crashing, and recovers', async () => {
    expect(await readyz()).toBe(200);
    expect((await send(t.baseUrl, messageActivity('outage-1', 'hello'))).length).toBeGreaterThan(0);

    await db.stop();
    const during = await send(t.baseUrl, messageActivity('outage-1', 'how do I change my MFA method?'));
    expect(during).toHaveLength(1);
    expect(during[0].text).toMatch(/can't reach the helpdesk records/);
    expect(during[0].text).toMatch(/0333 200 1133/);
    expect(during[0].speak).toMatch(/oh three three three/);
    expect(await readyz()).toBe(503);
    // still serving: a second turn and the liveness check are answered
    expect((await send(t.baseUrl, messageActivity('outage-2', 'hello')))[0].text).toMatch(/can't reach the helpdesk records/);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    // Agents are told the store is out of reach (503), not that the server broke.
    const list = await fetch(`${t.baseUrl}/api/tickets`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
    expect(list.status).toBe(503);
    expect(await list.json()).toMatchObject({ error: 'store_unavailable' });
    expect(t.logLines.some((l) => l.includes('the store is not reachable'))).toBe(true);

    db = await startJongodb({ port: db.port });
    await eventually(async () => (await readyz()) === 200);
    const after = await send(t.baseUrl, messageActivity('outage-3', 'how do I change my MFA method?'));
    expect(after.map((r) => r.text ?? '').join(' ')).not.toMatch(/can't reach/);
    expect(after.map((r) => r.text ?? '').join(' ')).toMatch(/method/i);
  });
});
