import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMIT_WINDOWS_COLLECTION, WindowBudgets, type BudgetSpec } from '../../src/limits/windowBudgets';
import type { DocumentStore } from '../../src/store/documentStore';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { ManualClock } from '../support/verificationFixtures';

const PER_MINUTE: BudgetSpec = { name: 'per_minute', limit: 2, windowMs: 60_000 };
const OVERALL: BudgetSpec = { name: 'overall', limit: 3, windowMs: 3_600_000 };

interface Target {
  readonly name: string;
  /** Two stores on the same data, as two instances of the server would have. */
  open(): Promise<{ a: DocumentStore; b: DocumentStore; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'helpdesk-budgets-'));
      const filename = join(dir, 'helpdesk.sqlite');
      const a = new SqliteDocumentStore({ filename });
      const b = new SqliteDocumentStore({ filename });
      return {
        a,
        b,
        async cleanup() {
          await a.close();
          await b.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  ...mongoTestTargets().map(({ name, uri }) => ({
    name: `MongoDB (${name})`,
    async open() {
      const database = freshDatabase();
      const a = new MongoDocumentStore({ uri, database });
      const b = new MongoDocumentStore({ uri, database });
      return {
        a,
        b,
        async cleanup() {
          await a.close();
          await b.close();
          await dropDatabase(uri, database);
        },
      };
    },
  })),
];

describe.each(targets)('WindowBudgets on $name', (target) => {
  let stores: Awaited<ReturnType<Target['open']>>;
  let clock: ManualClock;
  beforeEach(async () => {
    stores = await target.open();
    clock = new ManualClock();
  });
  afterEach(async () => {
    await stores.cleanup();
  });

  it('holds across instances sharing the store, renews with the window of the injected clock, and keeps no raw key', async () => {
    const one = new WindowBudgets(stores.a, clock);
    const two = new WindowBudgets(stores.b, clock);
    await expect(one.take([{ spec: PER_MINUTE, key: '203.0.113.7' }])).resolves.toEqual({ ok: true });
    await expect(two.take([{ spec: PER_MINUTE, key: '203.0.113.7' }])).resolves.toEqual({ ok: true });
    await expect(one.take([{ spec: PER_MINUTE, key: '203.0.113.7' }])).resolves.toEqual({ ok: false, budget: 'per_minute', retryAt: clock.now() + 60_000 });
    await expect(two.take([{ spec: PER_MINUTE, key: '198.51.100.1' }])).resolves.toEqual({ ok: true });
    clock.advance(60_000);
    await expect(two.take([{ spec: PER_MINUTE, key: '203.0.113.7' }])).resolves.toEqual({ ok: true });
    const stored = await stores.a.collection(LIMIT_WINDOWS_COLLECTION).find({ limit: 10 });
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain('203.0.113.7');
  });

  it('takes from all the budgets or from none', async () => {
    const budgets = new WindowBudgets(stores.a, clock);
    for (let i = 0; i < 2; i++) await expect(budgets.take([{ spec: OVERALL, key: 'all' }, { spec: PER_MINUTE, key: 'x' }])).resolves.toEqual({ ok: true });
    await expect(budgets.take([{ spec: OVERALL, key: 'all' }, { spec: PER_MINUTE, key: 'x' }])).resolves.toMatchObject({ ok: false, budget: 'per_minute' });
    // The refusal gave its overall take back: one is still left.
    await expect(budgets.used({ spec: OVERALL, key: 'all' })).resolves.toBe(2);
    await expect(budgets.take([{ spec: OVERALL, key: 'all' }, { spec: PER_MINUTE, key: 'y' }])).resolves.toEqual({ ok: true });
    await expect(budgets.take([{ spec: OVERALL, key: 'all' }, { spec: PER_MINUTE, key: 'z' }])).resolves.toMatchObject({ ok: false, budget: 'overall' });
  });

  it('never lets concurrent takes through beyond the limit', async () => {
    const one = new WindowBudgets(stores.a, clock);
    const two = new WindowBudgets(stores.b, clock);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).take([{ spec: OVERALL, key: 'all' }])));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
  });
});
