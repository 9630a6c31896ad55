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
}

interface Row {
  id: string;
  etag: string;
  doc: string;
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
  private readonly collections = new Map<string, SqliteCollection<Document>>();

  constructor(private readonly options: SqliteStoreOptions) {}

  /** The time stamped on writes. */
  now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The open database, opening it and migrating the schema on first use. */
  connection(): Database.Database {
    if (this.closed) throw new Error('Storage: the store is closed');
    if (!this.db) {
      if (this.options.filename !== ':memory:') mkdirSync(dirname(this.options.filename), { recursive: true });
      const db = new Database(this.options.filename);
      try {
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.options.busyTimeoutMs ?? 5000))}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        migrate(db, this.options.migrations ?? MIGRATIONS);
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
    }
    return this.db;
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

  increment(counter: string, by = 1): Promise<number> {
    return run(() => {
      assertKey(counter);
      if (!Number.isSafeInteger(by)) throw new RangeError('Storage: counter increments must be whole numbers');
      const row = this.connection()
        .prepare<[string, number], { value: number }>(
          'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value RETURNING value',
        )
        .get(counter, by);
      if (!row) throw new Error('Storage: counter update returned nothing');
      return row.value;
    });
  }

  ping(): Promise<void> {
    return run(() => {
      this.connection().prepare('SELECT 1').get();
    });
  }

  /** Creates one expression index per listed field set; queries name fields the same way, so SQLite can use them. */
  prepare(schema: readonly CollectionSchema[]): Promise<void> {
    return run(() => {
      const db = this.connection();
      for (const c of schema) {
        assertCollectionName(c.name);
        for (const fields of c.indexes ?? []) {
          const name = `ix_${c.name}_${fields.map((f) => f.replace(/\./g, '_')).join('_')}`;
          const columns = fields.map((f) => `json_extract(doc, '${jsonPath(f)}')`).join(', ');
          db.exec(`CREATE INDEX IF NOT EXISTS "${name}" ON documents (collection, ${columns})`);
        }
      }
    });
  }

  purge(collection: string, options: PurgeOptions): Promise<number> {
    return run(() => {
      assertCollectionName(collection);
      const db = this.connection();
      let deleted = 0;
      if (options.writtenBefore !== undefined) {
        deleted += db.prepare('DELETE FROM documents WHERE collection = ? AND updated_at < ?').run(collection, Math.floor(options.writtenBefore)).changes;
      }
      if (options.keepNewest !== undefined) {
        deleted += db
          .prepare(
            `DELETE FROM documents WHERE collection = ? AND id IN
               (SELECT id FROM documents WHERE collection = ? ORDER BY updated_at DESC, id DESC LIMIT -1 OFFSET ?)`,
          )
          .run(collection, collection, Math.max(0, Math.floor(options.keepNewest))).changes;
      }
      return deleted;
    });
  }

  close(): Promise<void> {
    return run(() => {
      this.closed = true;
      if (this.db) {
        this.db.close();
        this.db = undefined;
      }
    });
  }
}

/** Runs synchronous database work and reports its outcome as a promise. */
function run<R>(work: () => R): Promise<R> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
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

class SqliteCollection<T extends Document> implements Collection<T> {
  constructor(
    private readonly store: SqliteDocumentStore,
    private readonly name: string,
  ) {}

  private db(): Database.Database {
    return this.store.connection();
  }

  private readRow(id: string): Row | undefined {
    return this.db()
      .prepare<[string, string], Row>('SELECT id, etag, doc FROM documents WHERE collection = ? AND id = ?')
      .get(this.name, id);
  }

  private toVersioned(row: Row): Versioned<T> {
    return { id: row.id, eTag: row.etag, doc: JSON.parse(row.doc) as T };
  }

  private writeRow(id: string, doc: T, exists: boolean): Versioned<T> {
    const eTag = randomUUID();
    const json = serialize(doc);
    const now = this.store.now();
    if (exists) {
      this.db().prepare('UPDATE documents SET etag = ?, doc = ?, updated_at = ? WHERE collection = ? AND id = ?').run(eTag, json, now, this.name, id);
    } else {
      this.db()
        .prepare('INSERT INTO documents (collection, id, etag, doc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(this.name, id, eTag, json, now, now);
    }
    return { id, eTag, doc: JSON.parse(json) as T };
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
        const chunk = unique.slice(i, i + 500);
        const rows = this.db()
          .prepare<unknown[], Row>(`SELECT id, etag, doc FROM documents WHERE collection = ? AND id IN (${chunk.map(() => '?').join(',')})`)
          .all(this.name, ...chunk);
        for (const row of rows) out.set(row.id, this.toVersioned(row));
      }
      return out;
    });
  }

  insert(id: string, doc: T): Promise<Versioned<T>> {
    return run(() => {
      assertKey(id);
      const tx = this.db().transaction(() => {
        if (this.readRow(id)) throw new DuplicateKeyError(this.name, id);
        return this.writeRow(id, doc, false);
      });
      return tx.immediate();
    });
  }

  put(id: string, doc: T, eTag?: string): Promise<Versioned<T>> {
    return run(() => {
      assertKey(id);
      const tx = this.db().transaction(() => {
        const current = this.readRow(id);
        if (eTag !== undefined && eTag !== '*' && current?.etag !== eTag) throw new ETagConflictError(this.name, id);
        return this.writeRow(id, doc, current !== undefined);
      });
      return tx.immediate();
    });
  }

  update(id: string, updater: Updater<T>): Promise<Versioned<T> | undefined> {
    return run(() => {
      assertKey(id);
      const tx = this.db().transaction(() => {
        const row = this.readRow(id);
        const current = row ? this.toVersioned(row) : undefined;
        const next = updater(current?.doc);
        if (next === undefined) return current;
        return this.writeRow(id, next, row !== undefined);
      });
      return tx.immediate();
    });
  }

  delete(id: string, eTag?: string): Promise<boolean> {
    return run(() => {
      assertKey(id);
      const tx = this.db().transaction(() => {
        const current = this.readRow(id);
        if (!current) return false;
        if (eTag !== undefined && eTag !== '*' && current.etag !== eTag) throw new ETagConflictError(this.name, id);
        this.db().prepare('DELETE FROM documents WHERE collection = ? AND id = ?').run(this.name, id);
        return true;
      });
      return tx.immediate();
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
      const rows = this.db()
        .prepare<unknown[], Row>(`SELECT id, etag, doc FROM documents WHERE ${clauses.join(' AND ')} ORDER BY ${orderSql} LIMIT ?`)
        .all(...params, clampLimit(options.limit));
      return rows.map((r) => this.toVersioned(r));
    });
  }

  count(where?: Readonly<Record<string, FilterValue>>): Promise<number> {
    return run(() => {
      const { sql, params } = this.whereClause(where);
      const row = this.db().prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM documents WHERE ${sql}`).get(...params);
      return row?.n ?? 0;
    });
  }

  private whereClause(where: Readonly<Record<string, FilterValue>> | undefined): { sql: string; params: unknown[] } {
    const parts = ['collection = ?'];
    const params: unknown[] = [this.name];
    for (const [field, value] of Object.entries(where ?? {})) {
      const c = condition(field, value);
      parts.push(c.sql);
      params.push(...c.params);
    }
    return { sql: parts.join(' AND '), params };
  }
}

/** Serializes a document, refusing values that JSON cannot represent faithfully at the top level. */
function serialize(doc: Document): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new TypeError('Storage: a document must be a plain object');
  }
  return JSON.stringify(doc);
}
