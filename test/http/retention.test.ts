import { STORE_LAYOUT } from '../../src/storeLayout';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

const CAP = 10;
const conversationCollections = STORE_LAYOUT.filter((c) => c.retention === 'conversation').map((c) => c.name);

const targets: { name: string; env: () => NodeJS.ProcessEnv; cleanup: (env: NodeJS.ProcessEnv) => Promise<void> }[] = [
  { name: 'SQLite', env: () => ({}), cleanup: async () => undefined },
  ...mongoTestTargets().map(({ name, uri }) => ({
    name: `MongoDB (${name})`,
    env: () => ({ MONGODB_URI: uri, MONGODB_DATABASE: freshDatabase() }),
    cleanup: (env: NodeJS.ProcessEnv) => dropDatabase(uri, env.MONGODB_DATABASE ?? ''),
  })),
];

describe.each(targets)('a flood of conversations on $name', ({ env, cleanup }) => {
  let t: TestHelpdesk;
  let targetEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    targetEnv = env();
    t = await startTestHelpdesk({ ...targetEnv, RETENTION_MAX_CONVERSATIONS: String(CAP) });
  });

  afterAll(async () => {
    await t.stop();
    await cleanup(targetEnv);
  });

  const sizes = async () => Object.fromEntries(await Promise.all(conversationCollections.map(async (name) => [name, await t.helpdesk.store.collection(name).count()] as const)));

  it('does not grow the store without bound: each sweep brings every conversation collection back to the cap', async () => {
    for (let round = 0; round < 2; round++) {
      for (let batch = 0; batch < 5; batch++) {
        await Promise.all(
          Array.from({ length: 5 }, async (_, i) => {
            const replies = await send(t.baseUrl, messageActivity(`flood-${round}-${batch}-${i}`, 'hello'));
            expect(replies.length).toBeGreaterThan(0);
          }),
        );
      }
      const before = await sizes();
      expect(before.bot_state).toBeGreaterThan(CAP);
      expect(before.recent_activities).toBe(round === 0 ? 25 : 25 + CAP);
      await t.helpdesk.retention.sweep();
      const after = await sizes();
      for (const name of conversationCollections) expect(after[name]).toBeLessThanOrEqual(CAP);
    }
    // the conversations written last are kept, and still answer
    expect(await t.helpdesk.store.collection('recent_activities').get('webchat:flood-1-4-4')).toBeDefined();
    const replies = await send(t.baseUrl, messageActivity('flood-1-4-4', 'how do I change my MFA method?'));
    expect(replies.map((r) => r.text ?? '').join(' ')).toMatch(/method/i);
  });
});
