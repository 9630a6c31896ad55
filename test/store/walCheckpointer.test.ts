import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { WalCheckpointer } from '../../src/store/sqlite/walCheckpointer';

/** The store's own connection's `wal_autocheckpoint`, in pages (0 while the thread checkpoints). */
function autocheckpoint(store: SqliteDocumentStore): number {
  return store.connection().pragma('wal_autocheckpoint', { simple: true }) as number;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The checkpointing thread's start of a store, if it has one. */
function startOf(store: SqliteDocumentStore): Promise<WalCheckpointer | undefined> | undefined {
  return (store as unknown as { checkpointer?: Promise<WalCheckpointer | undefined> }).checkpointer;
}

/** The thread of a running store (for the tests that stop it from outside). */
async function threadOf(store: SqliteDocumentStore): Promise<{ terminate(): Promise<number> }> {
  const checkpointer = await startOf(store);
  if (!(checkpointer instanceof WalCheckpointer)) throw new Error('the store has no running checkpointer');
  return (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker;
}

describe('checkpoints on a thread of their own', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-wal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('switches off the checkpoints inside commits once the thread runs, and the log stays bounded under steady writes', async () => {
    const filename = join(dir, 'busy.sqlite');
    const store = new SqliteDocumentStore({ filename });
    const docs = store.collection<{ n: number; pad: string }>('things');
    await docs.put('first', { n: 0, pad: '' });
    await until(() => autocheckpoint(store) === 0, 'the thread has started');

    // Two seconds of writes, a few hundred documents rewritten over and over (several thousand a
    // second, more than a busy helpdesk makes), yielding to the event loop between batches as requests do.
    const pad = 'x'.repeat(1500);
    let written = 0;
    let largestLog = 0;
    const end = Date.now() + 2000;
    while (Date.now() < end) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => docs.put(`doc-${(written + i) % 300}`, { n: written + i, pad })));
      written += 20;
      largestLog = Math.max(largestLog, statSync(`${filename}-wal`).size);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(written).toBeGreaterThan(1000);
    // SQLite's own checkpoints keep the log near 4 MB; the thread's, with the main connection finishing each, near that too.
    expect(largestLog).toBeLessThan(32 * 1024 * 1024);
    // Everything written is in the database file once the log has been copied back.
    await store.close();
    expect(existsSync(`${filename}-wal`)).toBe(false);
    const db = new Database(filename, { readonly: true });
    const rows = db.prepare("SELECT COUNT(*) AS n FROM documents WHERE collection = 'things'").get() as { n: number };
    db.close();
    expect(rows.n).toBe(301);
  });

  it('keeps the log bounded when a group transaction is open whenever the thread reports', async () => {
    const filename = join(dir, 'always-open.sqlite');
    const store = new SqliteDocumentStore({ filename });
    const docs = store.collection<{ n: number; pad: string }>('things');
    await docs.put('first', { n: 0, pad: '' });
    await until(() => autocheckpoint(store) === 0, 'the thread has started');
    const checkpoints = jest.spyOn(store.connection(), 'pragma');

    // Four writers, each working for a moment (as a turn does) once its last write is committed,
    // then writing again. Each continues in the round's check phase, right after the commit, so the
    // group it opens is still open when the thread's message is handled in the next round: the
    // main connection then finishes the thread's checkpoint right after that group's commit.
    const pad = 'y'.repeat(1500);
    let written = 0;
    let largestLog = 0;
    const end = Date.now() + 2500;
    await Promise.all(
      Array.from({ length: 4 }, async (_, writer) => {
        while (Date.now() < end) {
          await docs.put(`doc-${writer}-${written % 50}`, { n: written, pad });
          written += 1;
          if (written % 100 === 0) largestLog = Math.max(largestLog, statSync(`${filename}-wal`).size);
          const busyUntil = performance.now() + 0.2;
          while (performance.now() < busyUntil);
        }
      }),
    );
    expect(written).toBeGreaterThan(2000);
    expect(checkpoints.mock.calls.filter(([pragma]) => pragma === 'wal_checkpoint(PASSIVE)').length).toBeGreaterThan(0);
    expect(largestLog).toBeLessThan(32 * 1024 * 1024);
    await store.close();
    expect(existsSync(`${filename}-wal`)).toBe(false);
  });

  it('checkpoints inside commits again when the thread stops, and keeps every write', async () => {
    const filename = join(dir, 'stopped.sqlite');
    const store = new SqliteDocumentStore({ filename });
    const docs = store.collection<{ n: number }>('things');
    await docs.put('a', { n: 1 });
    await until(() => autocheckpoint(store) === 0, 'the thread has started');
    await (await threadOf(store)).terminate();
    await until(() => autocheckpoint(store) === 1000, 'the connection checkpoints for itself');
    await docs.put('b', { n: 2 });
    expect((await docs.get('a'))?.doc.n).toBe(1);
    expect((await docs.get('b'))?.doc.n).toBe(2);
    await store.close();
  });

  it('leaves SQLite to checkpoint inside commits when asked to, and for a store in memory', async () => {
    const file = new SqliteDocumentStore({ filename: join(dir, 'own.sqlite'), checkpointThread: false });
    const memory = new SqliteDocumentStore({ filename: ':memory:' });
    await file.ping();
    await memory.ping();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(autocheckpoint(file)).toBe(1000);
    expect(startOf(file)).toBeUndefined();
    expect(startOf(memory)).toBeUndefined();
    await file.close();
    await memory.close();
  });

  it('a store closed while its thread is still starting waits for the thread to close its connection', async () => {
    for (let i = 0; i < 5; i += 1) {
      const filename = join(dir, `quick-${i}.sqlite`);
      const store = new SqliteDocumentStore({ filename });
      await store.collection<{ n: number }>('things').put('a', { n: i });
      await store.close();
      expect(WalCheckpointer.running).toBe(0);
      // Nothing is left open on the file: the last connection to close removed the log and its index.
      expect(existsSync(`${filename}-wal`)).toBe(false);
      expect(existsSync(`${filename}-shm`)).toBe(false);
    }
  });

  it('does not start on a file that is not there (and creates none)', async () => {
    const filename = join(dir, 'missing.sqlite');
    const outcome = await WalCheckpointer.start({ filename, busyTimeoutMs: 100, onStopped: () => undefined, onBackfilled: () => undefined }).then(
      () => 'started',
      (err: unknown) => String((err as { message?: unknown }).message),
    );
    expect(outcome).toMatch(/could not start: .*(SQLITE_CANTOPEN|unable to open database file)/);
    expect(existsSync(filename)).toBe(false);
  });

  it('two stores on one file each run a thread, and both see every write', async () => {
    const filename = join(dir, 'shared.sqlite');
    const a = new SqliteDocumentStore({ filename });
    const b = new SqliteDocumentStore({ filename });
    const docsA = a.collection<{ n: number }>('things');
    const docsB = b.collection<{ n: number }>('things');
    await docsA.put('x', { n: 1 });
    await docsB.put('y', { n: 2 });
    await until(() => autocheckpoint(a) === 0 && autocheckpoint(b) === 0, 'both threads have started');
    for (let i = 0; i < 200; i += 1) await (i % 2 === 0 ? docsA : docsB).put(`k${i % 20}`, { n: i });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await docsB.get('k18'))?.doc.n).toBe(198);
    expect((await docsA.get('k19'))?.doc.n).toBe(199);
    await a.close();
    await b.close();
    expect(existsSync(`${filename}-wal`)).toBe(false);
  });
});
