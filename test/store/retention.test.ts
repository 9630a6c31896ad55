import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentStore } from '../../src/store/documentStore';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { RetentionSweeper, storeSchema, type RetentionPolicy } from '../../src/store/retention';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { STORE_LAYOUT } from '../../src/storeLayout';
import { createLogger } from '../../src/logger';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { ManualClock } from '../support/verificationFixtures';

const DAY = 86_400_000;
const POLICY: RetentionPolicy = { conversationDays: 30, ticketDays: 730, auditDays: 2190, maxConversations: 10 };
const byClass = (cls: string) => STORE_LAYOUT.filter((c) => c.retention === cls).map((c) => c.name);

type Target = { name: string; open: (clock: ManualClock) => Promise<{ store: DocumentStore; cleanup: () => Promise<void> }> };

const targets: Target[] = [
  {
    name: 'SQLite',
    open: async (clock) => {
      const dir = mkdtempSync(join(tmpdir(), 'helpdesk-retention-'));
      const store = new SqliteDocumentStore({ filename: join(dir, 'helpdesk.sqlite'), now: () => clock.now() });
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...mongoTestTargets().map(({ name, uri }) => ({
    name: `MongoDB (${name})`,
    open: async (clock: ManualClock) => {
      const database = freshDatabase();
      const store = new MongoDocumentStore({ uri, database, now: () => clock.now() });
      return { store, cleanup: () => dropDatabase(uri, database) };
    },
  })),
];

describe.each(targets)('retention on $name', ({ open }) => {
  let clock: ManualClock;
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  let sweeper: RetentionSweeper;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2030, 0, 1));
    ({ store, cleanup } = await open(clock));
    await store.prepare(storeSchema(STORE_LAYOUT, POLICY));
    sweeper = new RetentionSweeper({ store, layout: STORE_LAYOUT, policy: POLICY, clock, logger: createLogger({ level: 'silent' }) });
  });

  afterEach(async () => {
    await sweeper.stop();
    await store.close();
    await cleanup();
  });

  const ids = async (collection: string) => (await store.collection(collection).find({ limit: 1000 })).map((d) => d.id);

  it('deletes conversation records after RETENTION_DAYS, tickets and the audit log after their own, and never the helpdesk queue', async () => {
    for (const c of STORE_LAYOUT) await store.collection(c.name).put('old', { written: 'day 0' });
    clock.advance(20 * DAY);
    await store.collection('bot_state').put('recent', { written: 'day 20' });
    await store.collection('tickets').update('old', () => ({ written: 'day 20, ticket updated' }));
    clock.advance(11 * DAY);

    const first = await sweeper.sweep();
    for (const name of [...byClass('conversation'), ...byClass('limits')]) expect(await ids(name)).toEqual(name === 'bot_state' ? ['recent'] : []);
    expect(Object.keys(first).sort()).toEqual([...byClass('conversation'), ...byClass('limits')].sort());
    for (const name of [...byClass('tickets'), ...byClass('audit'), ...byClass('keep')]) expect(await ids(name)).toEqual(['old']);

    clock.advance(700 * DAY); // day 731: the ticket was last updated on day 20, so it stays until day 750
    await sweeper.sweep();
    expect(await ids('tickets')).toEqual(['old']);
    expect(await ids('teams_ticket_posts')).toEqual([]);
    clock.advance(20 * DAY);
    await sweeper.sweep();
    expect(await ids('tickets')).toEqual([]);
    expect(await ids('audit')).toEqual(['old']);

    clock.advance(1500 * DAY);
    await sweeper.sweep();
    expect(await ids('audit')).toEqual([]);
    expect(await ids('teams_queues')).toEqual(['old']);
  });

  it('caps conversation records in number, least recently written first, but never limit counters', async () => {
    for (let i = 0; i < 25; i++) {
      await store.collection('bot_state').put(`conv-${String(i).padStart(2, '0')}`, { i });
      await store.collection('recent_activities').put(`conv-${String(i).padStart(2, '0')}`, { ids: [`a${i}`] });
      await store.collection('verification_people').put(`person-${i}`, { failures: i });
      clock.advance(1000);
    }
    await store.collection('bot_state').update('conv-00', () => ({ i: 0, touched: true }));
    await sweeper.sweep();
    expect(await ids('bot_state')).toEqual(['conv-00', 'conv-16', 'conv-17', 'conv-18', 'conv-19', 'conv-20', 'conv-21', 'conv-22', 'conv-23', 'conv-24']);
    expect(await store.collection('recent_activities').count()).toBe(10);
    expect(await store.collection('verification_people').count()).toBe(25);
  });

  it('sweeps on start and then on every interval, and keeps going after a failed sweep', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const failing: DocumentStore = Object.create(store) as DocumentStore;
      let calls = 0;
      failing.purge = async (collection, options) => {
        calls++;
        if (calls === 1) throw new Error('store away');
        return store.purge(collection, options);
      };
      await store.collection('bot_state').put('old', { v: 1 });
      clock.advance(31 * DAY);
      const s = new RetentionSweeper({ store: failing, layout: STORE_LAYOUT, policy: POLICY, clock, logger: createLogger({ level: 'silent' }) });
      s.start(60_000);
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1); // the sweep on start failed
      expect(await ids('bot_state')).toEqual(['old']);
      await jest.advanceTimersByTimeAsync(60_000);
      await s.stop(); // waits for the sweep the interval started
      expect(calls).toBeGreaterThan(1);
      expect(await ids('bot_state')).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});
