import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { StoreUnavailableError } from '../../src/store/documentStore';
import { MIGRATIONS } from '../../src/store/sqlite/migrations';
import { documentStoreContract } from './documentStoreContract';

describe('SqliteDocumentStore (file)', () => {
  documentStoreContract(() => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-store-'));
    const filename = join(dir, 'nested', 'helpdesk.sqlite');
    return {
      create: async (options) => new SqliteDocumentStore({ filename, now: options?.now }),
      reopen: async (previous) => {
        await previous.close();
        return new SqliteDocumentStore({ filename });
      },
      another: async () => new SqliteDocumentStore({ filename }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }, { persistent: true });
});

describe('SqliteDocumentStore (memory)', () => {
  documentStoreContract(() => ({ create: async (options) => new SqliteDocumentStore({ filename: ':memory:', now: options?.now }) }), { persistent: false });
});

describe('SqliteDocumentStore specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens lazily: no file until first use', async () => {
    const filename = join(dir, 'lazy.sqlite');
    const store = new SqliteDocumentStore({ filename });
    expect(existsSync(filename)).toBe(false);
    await store.ping();
    expect(existsSync(filename)).toBe(true);
    await store.close();
  });

  it('uses WAL mode and records every migration once', async () => {
    const filename = join(dir, 'wal.sqlite');
    const store = new SqliteDocumentStore({ filename });
    await store.ping();
    await store.close();
    const again = new SqliteDocumentStore({ filename });
    await again.ping();
    await again.close();
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('applies a new migration to an existing database without losing data', async () => {
    const filename = join(dir, 'migrate.sqlite');
    const v1 = new SqliteDocumentStore({ filename });
    await v1.collection('things').put('a', { kept: true });
    await v1.close();
    const v2 = new SqliteDocumentStore({
      filename,
      migrations: [...MIGRATIONS, { version: 999, name: 'test index', sql: 'CREATE INDEX test_idx ON documents (updated_at)' }],
    });
    expect((await v2.collection('things').get('a'))?.doc).toEqual({ kept: true });
    await v2.close();
    const db = new Database(filename, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'test_idx'").get()).toBeTruthy();
    db.close();
  });

  it('indexes the hour of the last write for retention, kept across rewrites within the hour, and fills it in for a database of the earlier layout', async () => {
    const filename = join(dir, 'hours.sqlite');
    const hour = Date.UTC(2030, 0, 1, 10);
    let now = hour + 5 * 60_000;
    // A database of the earlier layout, with one document, as that version's store left it.
    const earlier = new Database(filename);
    earlier.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
      earlier.exec(m.sql);
      earlier.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date(now).toISOString());
    }
    earlier
      .prepare('INSERT INTO documents (collection, id, etag, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('things', 'old', 'e1', JSON.stringify({ n: 1 }), now, now);
    // A time with a fraction of a millisecond (a clock that gave one) still gets a whole hour.
    earlier
      .prepare('INSERT INTO documents (collection, id, etag, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('things', 'fraction', 'e2', JSON.stringify({ n: 0 }), now + 0.5, now + 0.5);
    earlier.close();

    const store = new SqliteDocumentStore({ filename, now: () => now });
    const things = store.collection<{ n: number }>('things');
    expect((await things.get('old'))?.doc).toEqual({ n: 1 });
    const hours = (): Record<string, number> =>
      Object.fromEntries(store.connection().prepare<[], { id: string; h: number }>("SELECT id, updated_hour AS h FROM documents WHERE collection = 'things'").all().map((r) => [r.id, r.h]));
    expect(hours()).toEqual({ old: hour / 3_600_000, fraction: hour / 3_600_000 });
    expect(await things.delete('fraction')).toBe(true);
    const indexes = store.connection().prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND sql IS NOT NULL").all();
    expect(indexes.map((i) => i.name)).toEqual(['documents_written']);
    now = hour + 50 * 60_000;
    await things.update('old', () => ({ n: 2 }));
    await things.put('new', { n: 3 });
    expect(hours()).toEqual({ old: hour / 3_600_000, new: hour / 3_600_000 });
    now = hour + 61 * 60_000;
    await things.put('old', { n: 4 });
    expect(hours()).toEqual({ old: hour / 3_600_000 + 1, new: hour / 3_600_000 });
    // The purge compares the exact time of the last write, not its hour.
    expect(await store.purge('things', { writtenBefore: hour + 50 * 60_000 })).toBe(0);
    expect(await store.purge('things', { writtenBefore: hour + 50 * 60_000 + 1 })).toBe(1);
    expect((await things.find()).map((d) => d.id)).toEqual(['old']);
    await store.close();
  });

  it('shares one file safely between two store instances', async () => {
    const filename = join(dir, 'shared.sqlite');
    const a = new SqliteDocumentStore({ filename });
    const b = new SqliteDocumentStore({ filename });
    const values = await Promise.all([
      ...Array.from({ length: 50 }, () => a.increment('shared')),
      ...Array.from({ length: 50 }, () => b.increment('shared')),
    ]);
    expect(new Set(values).size).toBe(100);
    const v = await a.collection('things').put('x', { by: 'a' });
    await expect(b.collection('things').put('x', { by: 'b' }, 'stale')).rejects.toThrow(/eTag conflict/);
    await b.collection('things').put('x', { by: 'b' }, v.eTag);
    expect((await a.collection('things').get('x'))?.doc).toEqual({ by: 'b' });
    await a.close();
    await b.close();
  });

  it('a second store on the file opens, and writes, while the first has writes waiting for their commit', async () => {
    const filename = join(dir, 'second.sqlite');
    const a = new SqliteDocumentStore({ filename, busyTimeoutMs: 2000 });
    await a.collection('things').put('x', { by: 'a' });
    const b = new SqliteDocumentStore({ filename, busyTimeoutMs: 2000 });
    const started = performance.now();
    // a's write holds the file's write lock until its group commits; b opening (which migrates) and
    // writing in the same callback must not wait for it, since a's commit cannot run meanwhile.
    const waiting = a.collection('things').put('y', { by: 'a' });
    await b.ping();
    const other = b.collection('things').put('z', { by: 'b' });
    await Promise.all([waiting, other]);
    expect(performance.now() - started).toBeLessThan(1500);
    expect((await b.collection('things').get('y'))?.doc).toEqual({ by: 'a' });
    expect((await a.collection('things').get('z'))?.doc).toEqual({ by: 'b' });
    await a.close();
    await b.close();
  });

  it('indexes each collection on its own (partial indexes, so writes to other collections skip them), replaces the indexes of earlier layouts, and its sorted queries read them in order', async () => {
    const filename = join(dir, 'indexes.sqlite');
    const legacy = new Database(filename);
    const old = new SqliteDocumentStore({ filename });
    await old.ping();
    // An index of the first layout, over every collection, and one of the next, without the id.
    legacy.exec("CREATE INDEX ix_things_status ON documents (collection, json_extract(doc, '$.status'))");
    legacy.exec("CREATE INDEX px_things_status_createdAt ON documents (json_extract(doc, '$.status'), json_extract(doc, '$.createdAt')) WHERE collection = 'things'");
    legacy.close();
    await old.close();

    const store = new SqliteDocumentStore({ filename });
    await store.prepare([{ name: 'things', indexes: [['status', 'createdAt']] }]);
    const db = store.connection();
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
    expect(indexes.map((i) => i.name).sort()).toEqual(['documents_written', 'px_things_status_createdAt']);
    expect(indexes.find((i) => i.name.startsWith('px_'))?.sql).toMatch(/json_extract\(doc, '\$\.createdAt'\), id\) WHERE collection = 'things'$/);

    const things = store.collection<{ status: string; createdAt: string }>('things');
    await things.put('a', { status: 'open', createdAt: '2026-01-01' });
    await things.put('b', { status: 'open', createdAt: '2026-01-02' });
    await store.collection('elsewhere').put('c', { status: 'open', createdAt: '2026-01-03' });
    const statement = jest.spyOn(store, 'statement');
    const found = await things.find({ where: { status: 'open' }, orderBy: { field: 'createdAt', direction: 'desc' } });
    expect(found.map((f) => f.id)).toEqual(['b', 'a']);
    const sql = statement.mock.calls.map(([q]) => q).find((q) => q.startsWith('SELECT id, etag, doc FROM documents WHERE'));
    statement.mockRestore();
    expect(sql).toBeDefined();
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('open', 100) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX px_things_status_createdAt/);
    // The id closes the index, so the page comes in index order: nothing is sorted after the search.
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    // Preparing again leaves the index as it is.
    await store.prepare([{ name: 'things', indexes: [['status', 'createdAt']] }]);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'px_things_status_createdAt'").get()).toEqual({ sql: indexes.find((i) => i.name.startsWith('px_'))?.sql });
    expect(await things.count({ status: 'open' })).toBe(2);
    await store.close();
  });

  it('in one commit, a refused write changes nothing and the writes beside it are all kept', async () => {
    const filename = join(dir, 'group.sqlite');
    const store = new SqliteDocumentStore({ filename });
    const things = store.collection<{ n: number }>('things');
    const first = await things.put('a', { n: 1 });
    await things.put('b', { n: 1 });
    await things.put('c', { n: 1 });
    // Issued together, so they share one transaction and one COMMIT.
    const outcomes = await Promise.allSettled([
      things.put('a', { n: 2 }, 'stale-etag'),
      things.insert('b', { n: 2 }),
      things.update('c', () => {
        throw new Error('the updater refuses');
      }),
      things.put('d', [] as unknown as { n: number }),
      things.delete('a', 'stale-etag'),
      things.put('a', { n: 3 }, first.eTag),
      things.update('b', (current) => ({ n: (current?.n ?? 0) + 10 })),
      things.insert('e', { n: 5 }),
      things.delete('c'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // Another connection sees exactly the writes that were accepted: they were committed.
    const other = new Database(filename, { readonly: true });
    const rows = other.prepare<[], { id: string; doc: string }>("SELECT id, doc FROM documents WHERE collection = 'things' ORDER BY id").all();
    other.close();
    expect(rows.map((r) => [r.id, JSON.parse(r.doc) as unknown])).toEqual([
      ['a', { n: 3 }],
      ['b', { n: 11 }],
      ['e', { n: 5 }],
    ]);
    await store.close();
  });

  it('writes from separate callbacks of one round of the event loop share one commit, and each resolves only once it is committed', async () => {
    const filename = join(dir, 'round.sqlite');
    const store = new SqliteDocumentStore({ filename, checkpointThread: false });
    const things = store.collection<{ n: number }>('things');
    await things.put('warm', { n: 0 });
    const exec = jest.spyOn(store.connection(), 'exec');
    const commits = (): number => exec.mock.calls.filter(([sql]) => sql === 'COMMIT').length;
    // Two timers due together run in one timers phase, with microtasks between them, as two
    // requests arriving together are handled; the commit comes once both have written.
    const seenByOther: string[][] = [];
    const other = new Database(filename, { readonly: true });
    const visible = (): string[] => other.prepare<[], { id: string }>("SELECT id FROM documents WHERE collection = 'things' ORDER BY id").all().map((r) => r.id);
    const written = await new Promise<unknown[]>((resolve, reject) => {
      const pending: Promise<unknown>[] = [];
      setTimeout(() => pending.push(things.put('a', { n: 1 }).then(() => seenByOther.push(visible()))), 0);
      setTimeout(() => {
        pending.push(things.put('b', { n: 2 }).then(() => seenByOther.push(visible())));
        Promise.all(pending).then(resolve, reject);
      }, 0);
    });
    expect(written).toHaveLength(2);
    expect(commits()).toBe(1);
    // Neither write was reported before another connection could read both.
    expect(seenByOther).toEqual([
      ['a', 'b', 'warm'],
      ['a', 'b', 'warm'],
    ]);
    // A write on an idle loop is committed without waiting for anything else.
    const started = performance.now();
    await things.put('c', { n: 3 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(commits()).toBe(2);
    other.close();
    await store.close();
  });

  it('reports a file locked by another process beyond the busy timeout as unavailable, and loses nothing', async () => {
    const filename = join(dir, 'locked.sqlite');
    const store = new SqliteDocumentStore({ filename, busyTimeoutMs: 50 });
    const kept = await store.collection('things').put('kept', { n: 1 });
    const other = new Database(filename);
    other.exec('BEGIN IMMEDIATE');
    await expect(store.collection('things').put('kept', { n: 2 }, kept.eTag)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.increment('locked')).rejects.toBeInstanceOf(StoreUnavailableError);
    other.exec('ROLLBACK');
    other.close();
    // Once the lock is gone the same writes go through, on the version that was there.
    expect((await store.collection('things').get('kept'))?.doc).toEqual({ n: 1 });
    await store.collection('things').put('kept', { n: 2 }, kept.eTag);
    expect(await store.increment('locked')).toBe(1);
    await store.close();
  });
});
