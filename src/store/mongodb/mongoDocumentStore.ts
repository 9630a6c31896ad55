import { randomUUID } from 'node:crypto';
import {
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoServerError,
  MongoTopologyClosedError,
  type Collection as MongoCollection, type Db, type Filter, type Sort } from 'mongodb';
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

/** Options for {@link MongoDocumentStore}. */
export interface MongoStoreOptions {
  /** Connection string, e.g. `mongodb+srv://…`. */
  readonly uri: string;
  /** Database name; defaults to the one in the URI, else `mfa_helpdesk`. */
  readonly database?: string;
  /** Prefix of every collection name, so several deployments can share a database. */
  readonly collectionPrefix?: string;
  /** How long to wait for a reachable server before a call fails, in milliseconds (default 5000). */
  readonly serverSelectionTimeoutMs?: number;
  /** How many times {@link Collection.update} retries on contention (default 50). */
  readonly maxUpdateRetries?: number;
  /** The time stamped on writes, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/** Name of the TTL index on each envelope's last write. */
const RETENTION_INDEX = 'retention_ttl';
/** MongoDB's error codes for an index that exists with other options. */
const INDEX_OPTIONS_CONFLICT = new Set([85, 86]);

/** How a document is laid out in MongoDB. */
interface Envelope {
  _id: string;
  etag: string;
  doc: Document;
  createdAt: Date;
  updatedAt: Date;
}

interface CounterDoc {
  _id: string;
  value: number;
}

/**
 * The production document store on MongoDB. The client connects lazily on first use. Each
 * logical collection is a MongoDB collection of envelopes `{ _id, etag, doc }`; conditional
 * writes filter on the eTag, so they are atomic per document across any number of processes.
 */
export class MongoDocumentStore implements DocumentStore {
  private client: MongoClient | undefined;
  private db: Promise<Db> | undefined;
  private closed = false;
  private readonly updateQueues = new Map<string, Promise<void>>();

  constructor(private readonly options: MongoStoreOptions) {}

  /** The database, connecting on first use. */
  database(): Promise<Db> {
    if (this.closed) return Promise.reject(new Error('Storage: the store is closed'));
    if (!this.db) {
      const client = new MongoClient(this.options.uri, { serverSelectionTimeoutMS: this.options.serverSelectionTimeoutMs ?? 5000 });
      this.client = client;
      this.db = client.connect().then(
        (c) => c.db(this.options.database),
        (err: unknown) => {
          this.db = undefined;
          throw err;
        },
      );
    }
    return this.db;
  }

  /**
   * Runs updates of one document from this process one after another. Across processes the
   * eTag check keeps updates atomic; within one, queueing spares the retries that many
   * concurrent turns on the same conversation would otherwise cost.
   */
  oneAtATime<R>(key: string, work: () => Promise<R>): Promise<R> {
    const previous = this.updateQueues.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.updateQueues.set(key, settled);
    void settled.then(() => {
      if (this.updateQueues.get(key) === settled) this.updateQueues.delete(key);
    });
    return result;
  }

  /** The time stamped on writes. */
  now(): Date {
    return new Date(this.options.now?.() ?? Date.now());
  }

  private physical(name: string): string {
    assertCollectionName(name);
    return `${this.options.collectionPrefix ?? ''}${name}`;
  }

  collection<T extends Document>(name: string): Collection<T> {
    return new ReachabilityGuard(new MongoDocCollection<T>(this, this.physical(name), name, this.options.maxUpdateRetries ?? 50));
  }

  /**
   * Creates the field indexes (on `doc.<field>`, then `_id` for stable paging), an index on the
   * last write for purging, and a TTL index where the schema asks for one. A TTL index is clean-up
   * only: MongoDB removes expired documents about once a minute, and jongodb (the test server)
   * accepts TTL indexes but never expires anything, so nothing relies on them and
   * {@link MongoDocumentStore.purge} does the same job.
   */
  async prepare(schema: readonly CollectionSchema[]): Promise<void> {
    return guard(() => this.prepareUnguarded(schema));
  }

  private async prepareUnguarded(schema: readonly CollectionSchema[]): Promise<void> {
    const db = await this.database();
    for (const c of schema) {
      const coll = db.collection<Envelope>(this.physical(c.name));
      for (const fields of c.indexes ?? []) {
        fields.forEach((f) => assertFieldPath(f));
        await coll.createIndex(Object.fromEntries([...fields.map((f) => [`doc.${f}`, 1] as const), ['_id', 1] as const]));
      }
      await coll.createIndex({ updatedAt: 1, _id: 1 });
      if (c.expireAfterDays === undefined) continue;
      const expireAfterSeconds = Math.round(c.expireAfterDays * 86_400);
      try {
        await coll.createIndex({ updatedAt: 1 }, { name: RETENTION_INDEX, expireAfterSeconds });
      } catch (err) {
        // The index exists with another expiry (the retention setting changed): MongoDB changes it in place.
        if (!(err instanceof MongoServerError && typeof err.code === 'number' && INDEX_OPTIONS_CONFLICT.has(err.code))) throw err;
        await db.command({ collMod: this.physical(c.name), index: { name: RETENTION_INDEX, expireAfterSeconds } });
      }
    }
  }

  async purge(collection: string, options: PurgeOptions): Promise<number> {
    return guard(() => this.purgeUnguarded(collection, options));
  }

  private async purgeUnguarded(collection: string, options: PurgeOptions): Promise<number> {
    const coll = (await this.database()).collection<Envelope>(this.physical(collection));
    let deleted = 0;
    if (options.writtenBefore !== undefined) {
      deleted += (await coll.deleteMany({ updatedAt: { $lt: new Date(options.writtenBefore) } })).deletedCount;
    }
    if (options.keepNewest !== undefined) {
      const keep = Math.max(0, Math.floor(options.keepNewest));
      // The newest document beyond the ones to keep; it and everything written before it go.
      // (A projection would fetch less, but jongodb ignores projections, so none is relied on.)
      const [boundary] = await coll.find({}).sort({ updatedAt: -1, _id: -1 }).skip(keep).limit(1).toArray();
      if (boundary) {
        const r = await coll.deleteMany({ $or: [{ updatedAt: { $lt: boundary.updatedAt } }, { updatedAt: boundary.updatedAt, _id: { $lte: boundary._id } }] });
        deleted += r.deletedCount;
      }
    }
    return deleted;
  }

  async increment(counter: string, by = 1): Promise<number> {
    return guard(() => this.incrementUnguarded(counter, by));
  }

  async insertNumbered<T extends Document>(collection: string, counter: string, make: (n: number) => { readonly id: string; readonly doc: T }): Promise<Versioned<T>> {
    const target = this.collection<T>(collection);
    const { id, doc } = make(await this.increment(counter));
    return target.insert(id, doc);
  }

  private async incrementUnguarded(counter: string, by = 1): Promise<number> {
    assertKey(counter);
    if (!Number.isSafeInteger(by)) throw new RangeError('Storage: counter increments must be whole numbers');
    const db = await this.database();
    const counters = db.collection<CounterDoc>(`${this.options.collectionPrefix ?? ''}counters`);
    const result = await counters.findOneAndUpdate({ _id: counter }, { $inc: { value: by } }, { upsert: true, returnDocument: 'after' });
    if (!result) throw new Error('Storage: counter update returned nothing');
    return result.value;
  }

  async ping(): Promise<void> {
    return guard(() => this.pingUnguarded());
  }

  private async pingUnguarded(): Promise<void> {
    const db = await this.database();
    await db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.db = undefined;
    if (client) await client.close();
  }
}

/** Whether a driver error means the server could not be reached (rather than refusing the operation). */
function isUnreachable(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoTopologyClosedError ||
    err instanceof MongoNotConnectedError ||
    (err instanceof Error && err.name === 'MongoPoolClearedError')
  );
}

/** Runs a driver call, reporting an unreachable server as {@link StoreUnavailableError}. */
async function guard<R>(work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (err) {
    throw isUnreachable(err) ? new StoreUnavailableError({ cause: err }) : err;
  }
}

/** A collection whose calls report an unreachable server as {@link StoreUnavailableError}. */
class ReachabilityGuard<T extends Document> implements Collection<T> {
  constructor(private readonly inner: Collection<T>) {}
  get(id: string): Promise<Versioned<T> | undefined> {
    return guard(() => this.inner.get(id));
  }
  getMany(ids: readonly string[]): Promise<Map<string, Versioned<T>>> {
    return guard(() => this.inner.getMany(ids));
  }
  insert(id: string, doc: T): Promise<Versioned<T>> {
    return guard(() => this.inner.insert(id, doc));
  }
  put(id: string, doc: T, eTag?: string): Promise<Versioned<T>> {
    return guard(() => this.inner.put(id, doc, eTag));
  }
  update(id: string, updater: Updater<T>): Promise<Versioned<T> | undefined> {
    return guard(() => this.inner.update(id, updater));
  }
  delete(id: string, eTag?: string): Promise<boolean> {
    return guard(() => this.inner.delete(id, eTag));
  }
  find(options?: FindOptions): Promise<Versioned<T>[]> {
    return guard(() => this.inner.find(options));
  }
  count(where?: Readonly<Record<string, FilterValue>>): Promise<number> {
    return guard(() => this.inner.count(where));
  }
}

function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/** MongoDB filter for one validated equality condition; values are scalars, so no operator can be injected. */
function fieldFilter(field: string, value: FilterValue): Filter<Envelope> {
  assertFieldPath(field);
  assertFilterValue(value);
  return { [`doc.${field}`]: value } as Filter<Envelope>;
}

class MongoDocCollection<T extends Document> implements Collection<T> {
  constructor(
    private readonly store: MongoDocumentStore,
    private readonly physicalName: string,
    private readonly logicalName: string,
    private readonly maxRetries: number,
  ) {}

  private async coll(): Promise<MongoCollection<Envelope>> {
    return (await this.store.database()).collection<Envelope>(this.physicalName);
  }

  private toVersioned(e: Envelope): Versioned<T> {
    return { id: e._id, eTag: e.etag, doc: e.doc as T };
  }

  async get(id: string): Promise<Versioned<T> | undefined> {
    assertKey(id);
    const e = await (await this.coll()).findOne({ _id: id });
    return e ? this.toVersioned(e) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Versioned<T>>> {
    ids.forEach((id) => assertKey(id));
    const out = new Map<string, Versioned<T>>();
    if (ids.length === 0) return out;
    const found = await (await this.coll()).find({ _id: { $in: [...new Set(ids)] } }).toArray();
    for (const e of found) out.set(e._id, this.toVersioned(e));
    return out;
  }

  async insert(id: string, doc: T): Promise<Versioned<T>> {
    assertKey(id);
    const now = this.store.now();
    const e: Envelope = { _id: id, etag: randomUUID(), doc: plain(doc), createdAt: now, updatedAt: now };
    try {
      await (await this.coll()).insertOne(e);
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateKeyError(this.logicalName, id);
      throw err;
    }
    return this.toVersioned(e);
  }

  async put(id: string, doc: T, eTag?: string): Promise<Versioned<T>> {
    assertKey(id);
    const c = await this.coll();
    const etag = randomUUID();
    const now = this.store.now();
    const body = plain(doc);
    if (eTag === undefined || eTag === '*') {
      await c.updateOne({ _id: id }, { $set: { etag, doc: body, updatedAt: now }, $setOnInsert: { createdAt: now } }, { upsert: true });
    } else {
      const r = await c.updateOne({ _id: id, etag: eTag }, { $set: { etag, doc: body, updatedAt: now } });
      if (r.matchedCount === 0) throw new ETagConflictError(this.logicalName, id);
    }
    return { id, eTag: etag, doc: body as T };
  }

  update(id: string, updater: Updater<T>): Promise<Versioned<T> | undefined> {
    assertKey(id);
    return this.store.oneAtATime(`${this.physicalName}\u0000${id}`, () => this.updateOptimistically(id, updater));
  }

  private async updateOptimistically(id: string, updater: Updater<T>): Promise<Versioned<T> | undefined> {
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      const current = await this.get(id);
      const next = updater(current?.doc);
      if (next === undefined) return current;
      try {
        return current ? await this.put(id, next, current.eTag) : await this.insert(id, next);
      } catch (err) {
        if (!(err instanceof ETagConflictError || err instanceof DuplicateKeyError)) throw err;
        await new Promise((r) => setTimeout(r, Math.min(50, 2 ** Math.min(attempt, 5)) * Math.random()));
      }
    }
    throw new ETagConflictError(this.logicalName, id);
  }

  async delete(id: string, eTag?: string): Promise<boolean> {
    assertKey(id);
    const c = await this.coll();
    if (eTag === undefined || eTag === '*') return (await c.deleteOne({ _id: id })).deletedCount === 1;
    const r = await c.deleteOne({ _id: id, etag: eTag });
    if (r.deletedCount === 1) return true;
    if (await c.findOne({ _id: id }, { projection: { _id: 1 } })) throw new ETagConflictError(this.logicalName, id);
    return false;
  }

  async find(options: FindOptions = {}): Promise<Versioned<T>[]> {
    const clauses: Filter<Envelope>[] = Object.entries(options.where ?? {}).map(([f, v]) => fieldFilter(f, v));
    let sort: Sort = { _id: 1 };
    const order = options.orderBy;
    if (order) {
      assertFieldPath(order.field);
      const dir = order.direction === 'desc' ? -1 : 1;
      const path = `doc.${order.field}`;
      sort = { [path]: dir, _id: dir };
      if (options.after) {
        assertFilterValue(options.after.value);
        assertKey(options.after.id);
        const op = dir === -1 ? '$lt' : '$gt';
        clauses.push({ $or: [{ [path]: { [op]: options.after.value } }, { [path]: options.after.value, _id: { [op]: options.after.id } }] } as Filter<Envelope>);
      }
    } else if (options.after) {
      assertKey(options.after.id);
      clauses.push({ _id: { $gt: options.after.id } });
    }
    const filter: Filter<Envelope> = clauses.length > 0 ? { $and: clauses } : {};
    const found = await (await this.coll()).find(filter).sort(sort).limit(clampLimit(options.limit)).toArray();
    return found.map((e) => this.toVersioned(e));
  }

  async count(where?: Readonly<Record<string, FilterValue>>): Promise<number> {
    const clauses = Object.entries(where ?? {}).map(([f, v]) => fieldFilter(f, v));
    return (await this.coll()).countDocuments(clauses.length > 0 ? { $and: clauses } : {});
  }
}

/** A JSON round trip: what is stored is exactly what SQLite would store. */
function plain(doc: Document): Document {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new TypeError('Storage: a document must be a plain object');
  return JSON.parse(JSON.stringify(doc)) as Document;
}
