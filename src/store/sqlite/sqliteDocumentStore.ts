import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  assertCollectionName,
  assertFieldPath,
  assertFilterValue,
  assertKey,
  clampLimit,
  DuplicateKeyError,
  ETagConflictError,
  StoreUnavailableError,
  type Collection,
  type CollectionSchema,
  type Document,
  type DocumentStore,
  type FilterValue,
  type FindOptions,
  type PurgeOptions,
  type Updater,
  type Versioned,
} from '../documentStore';
import { MIGRATIONS, type Migration } from './migrations';
import { WalCheckpointer } from './walCheckpointer';

/** Options for {@link SqliteDocumentStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file, or `:memory:` for a private in-memory store. */
  readonly filename: string;
  /** How long to wait for another process's write lock, in milliseconds (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Schema history; defaults to the product's migrations. */
  readonly migrations?: readonly Migration[];
  /** The time stamped on writes, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Whether a thread of its own checkpoints the write-ahead log (see {@link WalCheckpointer});
   * default true for a file. Without it, SQLite checkpoints inside commits.
   */
  readonly checkpointThread?: boolean;
}

/** Stores of this process with a group transaction open, see {@link SqliteDocumentStore.write}. */
const OPEN_GROUPS = new Set<SqliteDocumentStore>();

/** Size the write-ahead log is truncated to when it starts again (SQLite keeps its largest size by default). */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** SQLite's own default of `wal_autocheckpoint`, in pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** How many distinct statements a store keeps compiled. */
const MAX_CACHED_STATEMENTS = 256;

interface Row {
  id: string;
  etag: string;
  doc: string;
}

/** A row read for a write, with the hour of its last write (see {@link hourOf}). */
interface StoredRow extends Row {
  hour: number;
}

const HOUR_MS = 3_600_000;

/**
 * The hour of a write time, the indexed part of it (`updated_hour`): a document rewritten within
 * the hour keeps its index entry, and only `updated_at`, which is not indexed, changes. Purges
 * select by the hour through the index and compare the exact time, so they are as exact as before.
 */
function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS);
}

/**
 * The embedded document store on SQLite (better-sqlite3). The database is opened lazily on
 * first use, in WAL mode, and pending migrations are applied then. Conditional writes and
 * updates run in `BEGIN IMMEDIATE` transactions, so they are atomic across processes that
 * share the file.
 */
export class SqliteDocumentStore implements DocumentStore {
  private db: Database.Database | undefined;
  private closed = false;
  /** The checkpointing thread's start: the thread once it runs, `undefined` if it could not start. */
  private checkpointer: Promise<WalCheckpointer | undefined> | undefined;
  private readonly collections = new Map<string, SqliteCollection<Document>>();
  /** Prepared statements by SQL text: compiling SQL costs more than running these small statements. */
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(private readonly options: SqliteStoreOptions) {}

  /** The time stamped on writes. */
  now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The open database, opening it and migrating the schema on first use. */
  connection(): Database.Database {
    if (this.closed) throw new Error('Storage: the store is closed');
    if (!this.db) {
      // Opening migrates the schema, which takes the write lock.
      this.commitOthers();
      if (this.options.filename !== ':memory:') mkdirSync(dirname(this.options.filename), { recursive: true });
      const db = new Database(this.options.filename);
      try {
        db.pragma(`busy_timeout = ${this.busyTimeoutMs()}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        // A log that grew in a burst is cut back to this size once it starts again.
        db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
        migrate(db, this.options.migrations ?? MIGRATIONS);
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
      if (this.options.filename !== ':memory:' && this.options.checkpointThread !== false) this.startCheckpointer(db);
    }
    return this.db;
  }

  /**
   * Moves checkpoints off the request thread: once the checkpointing thread has opened the file,
   * this connection stops checkpointing inside its commits. If the thread cannot start, or stops,
   * the connection checkpoints for itself again, as SQLite does by default.
   */
  private startCheckpointer(db: Database.Database): void {
    const selfCheckpoint = (): void => {
      if (this.db === db && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    };
    this.checkpointer = WalCheckpointer.start({
      filename: this.options.filename,
      busyTimeoutMs: this.busyTimeoutMs(),
      onStopped: () => {
        this.checkpointer = undefined;
        selfCheckpoint();
      },
      onBackfilled: () => {
        if (this.db !== db || !db.open) return;
        // Only the pages written since the thread's checkpoint are left to copy. Under load a group
        // transaction is open most of the time: it is then done right after that group's commit.
        if (db.inTransaction) this.finishCheckpoint = true;
        else this.checkpointNow(db);
      },
    }).then(
      (checkpointer) => {
        // Unless the store closed while the thread started (close() then stops it, and waits for that).
        if (this.db === db && !this.closed) db.pragma('wal_autocheckpoint = 0');
        return checkpointer;
      },
      () => undefined,
    );
  }

  /** Whether the next commit is followed by a checkpoint (see `onBackfilled` in {@link startCheckpointer}). */
  private finishCheckpoint = false;

  /** A PASSIVE checkpoint on the request thread, outside any transaction. */
  private checkpointNow(db: Database.Database): void {
    this.finishCheckpoint = false;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Locked by another process: the next round finishes it.
    }
  }

  /** How long to wait for another process's write lock, in whole milliseconds. */
  private busyTimeoutMs(): number {
    return Math.max(0, Math.floor(this.options.busyTimeoutMs ?? 5000));
  }

  /** The prepared statement for `sql`, compiled once per open database. */
  statement<P extends unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    const db = this.connection();
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare<unknown[], unknown>(sql);
      // Queries built from filters vary; past a bound they are compiled each time rather than kept.
      if (this.statements.size < MAX_CACHED_STATEMENTS) this.statements.set(sql, stmt);
    }
    return stmt as unknown as Database.Statement<P, R>;
  }

  collection<T extends Document>(name: string): Collection<T> {
    assertCollectionName(name);
    let c = this.collections.get(name);
    if (!c) {
      c = new SqliteCollection<Document>(this, name);
      this.collections.set(name, c);
    }
    return c as unknown as Collection<T>;
  }

  /** Writes of the open group transaction, waiting for its commit. */
  private waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private commitScheduled = false;

  /**
   * Runs one write in the group transaction and resolves once that transaction is committed, so
   * nothing is reported written that a crash could lose. The first write since the last commit
   * opens a `BEGIN IMMEDIATE` transaction (taking the file's write lock, as every write did on its
   * own before), and the commit is scheduled with `setImmediate`: it runs once the event loop has
   * handled the requests that arrived with this one. Every write those requests issue meanwhile
   * joins the transaction, and one COMMIT makes them all durable. Under load one commit serves many
   * requests (about fifteen at 32 FAQ conversations), which shares out the cost of a commit: its
   * locks, and the log frames of pages that several writes touch. An idle server commits at once,
   * since nothing else is waiting on the loop. A write reads what it needs, checks it, and only
   * then runs its one changing statement, which SQLite applies whole or not at all, so a refused
   * write changes nothing and needs no savepoint of its own.
   * Work that throws is rejected at once; if the commit fails, every write in it is rejected.
   * Reads on this connection see the open transaction's writes, as a write's own turn must.
   */
  write<R>(work: () => R): Promise<R> {
    let result: R;
    try {
      if (this.db?.inTransaction !== true) this.commitOthers();
      const db = this.connection();
      if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
      if (!this.commitScheduled) {
        this.commitScheduled = true;
        OPEN_GROUPS.add(this);
        setImmediate(() => this.commit());
      }
      result = work();
    } catch (err) {
      // An error that ended the transaction (SQLite rolls back on some, e.g. a full disk) took the writes before it with it.
      if (this.db !== undefined && !this.db.inTransaction) this.fail(this.waiting.splice(0), err);
      return Promise.reject(storeError(err));
    }
    return new Promise<R>((resolve, reject) => this.waiting.push({ resolve: () => resolve(result), reject }));
  }

  /**
   * Commits the open groups of the other stores of this process. Another store on the same file
   * would wait for a lock that this thread holds and cannot release while it waits, so this comes
   * before anything here that takes the file's write lock.
   */
  private commitOthers(): void {
    for (const other of OPEN_GROUPS) if (other !== this) other.commit();
  }

  /** Commits the group transaction, then settles the writes it holds. */
  private commit(): void {
    this.commitScheduled = false;
    OPEN_GROUPS.delete(this);
    const settled = this.waiting.splice(0);
    try {
      if (this.db?.inTransaction) this.db.exec('COMMIT');
    } catch (err) {
      try {
        if (this.db?.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // SQLite has already rolled it back.
      }
      this.fail(settled, err);
      return;
    }
    for (const w of settled) w.resolve();
    // The writes' callers resume once this returns; the pages they wrote are copied first.
    if (this.finishCheckpoint && this.db?.open === true && !this.db.inTransaction) this.checkpointNow(this.db);
  }

  private fail(writes: readonly { reject: (err: Error) => void }[], err: unknown): void {
    const error = storeError(err);
    for (const w of writes) w.reject(error);
  }

  increment(counter: string, by = 1): Promise<number> {
    return this.write(() => this.add(counter, by));
  }

  insertNumbered<T extends Document>(collection: string, counter: string, make: (n: number) => { readonly id: string; readonly doc: T }): Promise<Versioned<T>> {
    const target = this.collection<T>(collection) as SqliteCollection<T>;
    return this.write(() => {
      // The number is taken first, in the same transaction: a refused insert still uses it up, as on every store.
      const { id, doc } = make(this.add(counter, 1));
      return target.insertNow(id, doc);
    });
  }

  /** Adds to a counter inside the open group transaction and returns its new value. */
  private add(counter: string, by: number): number {
    assertKey(counter);
    if (!Number.isSafeInteger(by)) throw new RangeError('Storage: counter increments must be whole numbers');
    const row = this
      .statement<[string, number], { value: number }>(
        'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value RETURNING value',
      )
      .get(counter, by);
    if (!row) throw new Error('Storage: counter update returned nothing');
    return row.value;
  }

  ping(): Promise<void> {
    return run(() => {
      this.statement('SELECT 1').get();
    });
  }

  /**
   * Creates one partial expression index per listed field set, limited to its collection
   * (`WHERE collection = '<name>'`), so a write computes only the index expressions of its own
   * collection rather than those of every collection. Queries name the collection and the fields
   * the same way, so SQLite can use them. Each index ends with the document id, the tie-break of
   * every sorted query, so a sorted page is read in index order without sorting it again. Indexes
   * of earlier layouts (over every collection, or without the id) are replaced.
   */
  prepare(schema: readonly CollectionSchema[]): Promise<void> {
    return this.write(() => {
      const db = this.connection();
      const existing = new Map(
        db
          .prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'documents' AND sql IS NOT NULL")
          .all()
          .map((i) => [i.name, i.sql]),
      );
      for (const name of existing.keys()) if (name.startsWith('ix_')) db.exec(`DROP INDEX IF EXISTS "${name}"`);
      for (const c of schema) {
        assertCollectionName(c.name);
        for (const fields of c.indexes ?? []) {
          const name = `px_${c.name}_${fields.map((f) => f.replace(/\./g, '_')).join('_')}`;
          const columns = [...fields.map((f) => `json_extract(doc, '${jsonPath(f)}')`), 'id'].join(', ');
          const sql = `CREATE INDEX "${name}" ON documents (${columns}) WHERE ${collectionIs(c.name)}`;
          if (existing.get(name) === sql) continue;
          db.exec(`DROP INDEX IF EXISTS "${name}"`);
          db.exec(sql);
        }
      }
    });
  }

  purge(collection: string, options: PurgeOptions): Promise<number> {
    return this.write(() => {
      assertCollectionName(collection);
      const db = this.connection();
      let deleted = 0;
      if (options.writtenBefore !== undefined) {
        const before = Math.floor(options.writtenBefore);
        deleted += db.prepare('DELETE FROM documents WHERE collection = ? AND updated_hour <= ? AND updated_at < ?').run(collection, hourOf(before), before).changes;
      }
      if (options.keepNewest !== undefined) {
        deleted += db
          .prepare(
            `DELETE FROM documents WHERE collection = ? AND id IN
               (SELECT id FROM documents WHERE collection = ? ORDER BY updated_hour DESC, updated_at DESC, id DESC LIMIT -1 OFFSET ?)`,
          )
          .run(collection, collection, Math.max(0, Math.floor(options.keepNewest))).changes;
      }
      return deleted;
    });
  }

  async close(): Promise<void> {
    await run(() => {
      if (this.commitScheduled) this.commit();
      this.closed = true;
      this.statements.clear();
    });
    const checkpointer = await this.checkpointer;
    this.checkpointer = undefined;
    await checkpointer?.stop();
    await run(() => {
      if (this.db) {
        this.db.close();
        this.db = undefined;
      }
    });
  }
}

/**
 * Runs synchronous database work and reports its outcome as a promise. A file still locked by
 * another process after the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED` and their extended
 * codes) is reported as {@link StoreUnavailableError}: nothing was written, and the person is
 * told to try again, as when a MongoDB server is out of reach.
 */
function run<R>(work: () => R): Promise<R> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(storeError(err));
  }
}

/** The error to report for a failed store call: a held lock as {@link StoreUnavailableError}. */
function storeError(err: unknown): Error {
  if (isLocked(err)) return new StoreUnavailableError({ cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/** Whether better-sqlite3 reported a lock it could not get (by its error code, which holds across module copies). */
function isLocked(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applyAll = db.transaction(() => {
    const row = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations').get();
    const current = row?.v ?? 0;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
  });
  applyAll.immediate();
}

/**
 * The condition selecting one collection, with its name written into the SQL: only then can
 * SQLite match a query to the collection's partial indexes. Names are validated (lower-case
 * letters, digits and underscores), so this cannot inject anything.
 */
function collectionIs(name: string): string {
  assertCollectionName(name);
  return `collection = '${name}'`;
}

function jsonPath(field: string): string {
  assertFieldPath(field);
  return `$.${field}`;
}

/** SQL condition and parameters for one equality filter on a JSON field. */
function condition(field: string, value: FilterValue): { sql: string; params: unknown[] } {
  assertFilterValue(value);
  // The path is validated (identifiers and dots only), so it can be written into the SQL; that
  // lets SQLite match the expression indexes made by prepare().
  const path = jsonPath(field);
  if (value === null) return { sql: `(json_type(doc, '${path}') IS NULL OR json_type(doc, '${path}') = 'null')`, params: [] };
  if (typeof value === 'boolean') return { sql: `json_type(doc, '${path}') = ?`, params: [value ? 'true' : 'false'] };
  return { sql: `json_extract(doc, '${path}') = ?`, params: [value] };
}

function sqlValue(value: FilterValue): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** Up to this many ids, {@link SqliteCollection.getMany} reads each by its key (see {@link fewIdsQuery}). */
const FEW_IDS = 8;

/** SQL of `count` lookups by key of one collection (`?1`), each id a parameter of its own (`?2`...). */
const fewIdsQueries: string[] = [];
function fewIdsQuery(count: number): string {
  fewIdsQueries[count] ??= Array.from({ length: count }, (_, i) => `SELECT id, etag, doc FROM documents WHERE collection = ?1 AND id = ?${i + 2}`).join(' UNION ALL ');
  return fewIdsQueries[count];
}

class SqliteCollection<T extends Document> implements Collection<T> {
  constructor(
    private readonly store: SqliteDocumentStore,
    private readonly name: string,
  ) {}

  private readRow(id: string): StoredRow | undefined {
    return this.store.statement<[string, string], StoredRow>('SELECT id, etag, doc, updated_hour AS hour FROM documents WHERE collection = ? AND id = ?').get(this.name, id);
  }

  private toVersioned(row: Row): Versioned<T> {
    return { id: row.id, eTag: row.etag, doc: JSON.parse(row.doc) as T };
  }

  /** Writes a document over `current` (the row read for this write), or as a new row. */
  private writeRow(id: string, doc: T, current: StoredRow | undefined): Versioned<T> {
    const eTag = randomUUID();
    const json = serialize(doc);
    const now = this.store.now();
    const hour = hourOf(now);
    if (current === undefined) {
      this.store
        .statement('INSERT INTO documents (collection, id, etag, doc, created_at, updated_at, updated_hour) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(this.name, id, eTag, json, now, now, hour);
    } else if (current.hour === hour) {
      // The indexed hour is not set, so SQLite leaves the retention index as it is.
      this.store.statement('UPDATE documents SET etag = ?, doc = ?, updated_at = ? WHERE collection = ? AND id = ?').run(eTag, json, now, this.name, id);
    } else {
      this.store
        .statement('UPDATE documents SET etag = ?, doc = ?, updated_at = ?, updated_hour = ? WHERE collection = ? AND id = ?')
        .run(eTag, json, now, hour, this.name, id);
    }
    return storedVersion<T>(id, eTag, json);
  }

  get(id: string): Promise<Versioned<T> | undefined> {
    return run(() => {
      assertKey(id);
      const row = this.readRow(id);
      return row ? this.toVersioned(row) : undefined;
    });
  }

  getMany(ids: readonly string[]): Promise<Map<string, Versioned<T>>> {
    return run(() => {
      ids.forEach((id) => assertKey(id));
      const out = new Map<string, Versioned<T>>();
      const unique = [...new Set(ids)];
      for (let i = 0; i < unique.length; i += 500) {
        for (const row of this.rowsOf(unique.slice(i, i + 500))) out.set(row.id, this.toVersioned(row));
      }
      return out;
    });
  }

  /**
   * The rows of up to 500 distinct ids. A few ids (a turn's conversation and user state) are one
   * lookup by key each, in one statement: `IN (...)` would first build a temporary index of the
   * ids, which costs more than the lookups themselves.
   */
  private rowsOf(ids: readonly string[]): Row[] {
    if (ids.length > FEW_IDS) {
      return this.store.statement<unknown[], Row>(`SELECT id, etag, doc FROM documents WHERE collection = ? AND id IN (${ids.map(() => '?').join(',')})`).all(this.name, ...ids);
    }
    const params: Record<number, string> = { 1: this.name };
    ids.forEach((id, i) => (params[i + 2] = id));
    return this.store.statement<[Record<number, string>], Row>(fewIdsQuery(ids.length)).all(params);
  }

  insert(id: string, doc: T): Promise<Versioned<T>> {
    return this.store.write(() => this.insertNow(id, doc));
  }

  /** {@link insert} inside the open group transaction. */
  insertNow(id: string, doc: T): Versioned<T> {
    assertKey(id);
    if (this.readRow(id)) throw new DuplicateKeyError(this.name, id);
    return this.writeRow(id, doc, undefined);
  }

  put(id: string, doc: T, eTag?: string): Promise<Versioned<T>> {
    return this.store.write(() => {
      assertKey(id);
      const current = this.readRow(id);
      if (eTag !== undefined && eTag !== '*' && current?.etag !== eTag) throw new ETagConflictError(this.name, id);
      return this.writeRow(id, doc, current);
    });
  }

  update(id: string, updater: Updater<T>): Promise<Versioned<T> | undefined> {
    return this.store.write(() => {
      assertKey(id);
      const row = this.readRow(id);
      const current = row ? this.toVersioned(row) : undefined;
      const next = updater(current?.doc);
      if (next === undefined) return current;
      return this.writeRow(id, next, row);
    });
  }

  delete(id: string, eTag?: string): Promise<boolean> {
    return this.store.write(() => {
      assertKey(id);
      const current = this.readRow(id);
      if (!current) return false;
      if (eTag !== undefined && eTag !== '*' && current.etag !== eTag) throw new ETagConflictError(this.name, id);
      this.store.statement('DELETE FROM documents WHERE collection = ? AND id = ?').run(this.name, id);
      return true;
    });
  }

  find(options: FindOptions = {}): Promise<Versioned<T>[]> {
    return run(() => {
      const { sql, params } = this.whereClause(options.where);
      const clauses = [sql];
      const order = options.orderBy;
      let orderSql = 'id ASC';
      if (order) {
        const path = jsonPath(order.field);
        const dir = order.direction === 'desc' ? 'DESC' : 'ASC';
        orderSql = `json_extract(doc, '${path}') ${dir}, id ${dir}`;
        if (options.after) {
          assertFilterValue(options.after.value);
          assertKey(options.after.id);
          const cmp = order.direction === 'desc' ? '<' : '>';
          clauses.push(`(json_extract(doc, '${path}') ${cmp} ? OR (json_extract(doc, '${path}') = ? AND id ${cmp} ?))`);
          const v = sqlValue(options.after.value);
          params.push(v, v, options.after.id);
        }
      } else if (options.after) {
        assertKey(options.after.id);
        clauses.push('id > ?');
        params.push(options.after.id);
      }
      const rows = this.store
        .statement<unknown[], Row>(`SELECT id, etag, doc FROM documents WHERE ${clauses.join(' AND ')} ORDER BY ${orderSql} LIMIT ?`)
        .all(...params, clampLimit(options.limit));
      return rows.map((r) => this.toVersioned(r));
    });
  }

  count(where?: Readonly<Record<string, FilterValue>>): Promise<number> {
    return run(() => {
      const { sql, params } = this.whereClause(where);
      const row = this.store.statement<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM documents WHERE ${sql}`).get(...params);
      return row?.n ?? 0;
    });
  }

  private whereClause(where: Readonly<Record<string, FilterValue>> | undefined): { sql: string; params: unknown[] } {
    const parts = [collectionIs(this.name)];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(where ?? {})) {
      const c = condition(field, value);
      parts.push(c.sql);
      params.push(...c.params);
    }
    return { sql: parts.join(' AND '), params };
  }
}

/**
 * The version just written, whose `doc` is a copy of what was stored, made from the stored JSON
 * on first read: most writers never look at it, so only those that do pay for parsing it.
 */
function storedVersion<T extends Document>(id: string, eTag: string, json: string): Versioned<T> {
  let doc: T | undefined;
  return {
    id,
    eTag,
    get doc(): T {
      doc ??= JSON.parse(json) as T;
      return doc;
    },
  };
}

/** Serializes a document, refusing values that JSON cannot represent faithfully at the top level. */
function serialize(doc: Document): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new TypeError('Storage: a document must be a plain object');
  }
  return JSON.stringify(doc);
}
