/**
 * Store ports. Every record is a JSON document in a named collection, addressed by id and
 * versioned by an eTag. Adapters (SQLite, MongoDB) implement the same contract, which is
 * checked by one shared test suite (`test/store/documentStoreContract.ts`).
 */

/** A JSON-compatible document. */
export type Document = Record<string, unknown>;

/** A document together with its identity and current version. */
export interface Versioned<T extends Document> {
  readonly id: string;
  readonly eTag: string;
  readonly doc: T;
}

/** Scalar values that may appear in a query filter. Objects are never accepted, so no operator can be injected. */
export type FilterValue = string | number | boolean | null;

/** Options for {@link Collection.find}. */
export interface FindOptions {
  /** Equality conditions on top-level or dotted fields. */
  readonly where?: Readonly<Record<string, FilterValue>>;
  /** Field to sort by; ties are broken by id in the same direction. */
  readonly orderBy?: { readonly field: string; readonly direction: 'asc' | 'desc' };
  /** Return only documents strictly after this position in the sort order (keyset pagination). */
  readonly after?: { readonly value: FilterValue; readonly id: string };
  /** At most this many results (default 100, at most 1000). */
  readonly limit?: number;
}

/** Result of an updater passed to {@link Collection.update}: the new document, or `undefined` to leave it as it is. */
export type Updater<T extends Document> = (current: T | undefined) => T | undefined;

/**
 * One collection of documents. Every method is atomic for its single document.
 */
export interface Collection<T extends Document> {
  /** Reads a document, or `undefined` when there is none. */
  get(id: string): Promise<Versioned<T> | undefined>;
  /** Reads several documents at once; missing ids are absent from the result. */
  getMany(ids: readonly string[]): Promise<Map<string, Versioned<T>>>;
  /**
   * Creates a document.
   * @throws DuplicateKeyError when the id is taken.
   */
  insert(id: string, doc: T): Promise<Versioned<T>>;
  /**
   * Writes a document. With an eTag, the write succeeds only if the stored version still has
   * that eTag; `*` (or no eTag) writes unconditionally, creating the document if needed.
   * @throws ETagConflictError when the stored eTag differs.
   */
  put(id: string, doc: T, eTag?: string): Promise<Versioned<T>>;
  /**
   * Atomically reads, changes and writes one document. The updater may run more than once
   * under contention and must be free of side effects.
   * @returns the stored version after the update (unchanged if the updater returned `undefined`).
   */
  update(id: string, updater: Updater<T>): Promise<Versioned<T> | undefined>;
  /** Deletes a document; with an eTag only if it still matches. Returns whether one was deleted. */
  delete(id: string, eTag?: string): Promise<boolean>;
  /** Queries by equality, sorted, with keyset pagination. */
  find(options?: FindOptions): Promise<Versioned<T>[]>;
  /** Counts the documents matching the filter. */
  count(where?: Readonly<Record<string, FilterValue>>): Promise<number>;
}

/** What {@link DocumentStore.prepare} sets up for one collection. */
export interface CollectionSchema {
  readonly name: string;
  /**
   * Secondary indexes, each a list of document fields (equality fields first, then the sort
   * field). Adapters that cannot index document fields may ignore them.
   */
  readonly indexes?: readonly (readonly string[])[];
  /**
   * Days after its last write that a document may be removed by the server itself (a MongoDB
   * TTL index). Clean-up only: nothing may rely on it, and {@link DocumentStore.purge} does the
   * same job on every adapter.
   */
  readonly expireAfterDays?: number;
}

/** Which documents {@link DocumentStore.purge} removes from a collection. */
export interface PurgeOptions {
  /** Removes documents last written before this time (milliseconds since the epoch). */
  readonly writtenBefore?: number;
  /** Then keeps at most this many documents, removing the least recently written first. */
  readonly keepNewest?: number;
}

/** The store as a whole: a set of collections plus lifecycle. */
export interface DocumentStore {
  /** Returns the collection with this name; it is created on first write. */
  collection<T extends Document>(name: string): Collection<T>;
  /** Creates the indexes of these collections (idempotent; run at start-up). */
  prepare(schema: readonly CollectionSchema[]): Promise<void>;
  /** Deletes old documents from a collection, for retention. Returns how many were deleted. */
  purge(collection: string, options: PurgeOptions): Promise<number>;
  /**
   * Atomically adds `by` to a named counter and returns the new value. Counters start at 0.
   * Unique across concurrent callers and across processes sharing the store.
   */
  increment(counter: string, by?: number): Promise<number>;
  /**
   * Adds 1 to a counter and inserts into a collection the document `make` builds from the new
   * value: numbered records (audit entries, tickets, activities) in one step, where the store can
   * (on SQLite, one transaction and one commit; on MongoDB, the counter and then the insert). The
   * number is used up even when the insert is refused, as with {@link increment} and then
   * {@link Collection.insert}.
   * @throws DuplicateKeyError when the id `make` gives is taken.
   */
  insertNumbered<T extends Document>(collection: string, counter: string, make: (n: number) => { readonly id: string; readonly doc: T }): Promise<Versioned<T>>;
  /** Runs a trivial query; rejects when the store cannot answer. */
  ping(): Promise<void>;
  /** Releases the underlying resources. Further calls reject. */
  close(): Promise<void>;
}

/** Thrown when a conditional write finds a different version. */
export class ETagConflictError extends Error {
  constructor(
    public readonly collectionName: string,
    public readonly id: string,
  ) {
    super(`Storage: eTag conflict writing "${id}" in "${collectionName}"`);
    this.name = 'ETagConflictError';
  }
}

/** Thrown when inserting an id that already exists. */
export class DuplicateKeyError extends Error {
  constructor(
    public readonly collectionName: string,
    public readonly id: string,
  ) {
    super(`Storage: "${id}" already exists in "${collectionName}"`);
    this.name = 'DuplicateKeyError';
  }
}

/**
 * Thrown when the store cannot be reached (the database server is down or unreachable). The
 * operation may or may not have been applied; callers tell the person to try again later.
 */
export class StoreUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('Storage: the store is not reachable', options);
    this.name = 'StoreUnavailableError';
  }
}

/** Thrown for a key, collection name or field name that the store will not accept. */
export class InvalidKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyError';
  }
}

const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,7}$/;
const MAX_KEY_LENGTH = 1024;

/** Validates a collection name: lower-case letters, digits and underscores. */
export function assertCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new InvalidKeyError(`Storage: invalid collection name "${name}"`);
  }
}

/** Validates a document id: a non-empty string of at most 1024 characters with no control characters. */
export function assertKey(id: unknown): asserts id is string {
  // eslint-disable-next-line no-control-regex
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_KEY_LENGTH || /[\u0000-\u001f]/.test(id)) {
    throw new InvalidKeyError('Storage: keys must be non-empty strings of at most 1024 characters without control characters');
  }
}

/** Validates a field path used in a filter or sort: identifiers joined by dots. */
export function assertFieldPath(field: string): void {
  if (!FIELD_PATH.test(field)) {
    throw new InvalidKeyError(`Storage: invalid field name "${field}"`);
  }
}

/** Validates that a filter value is a scalar; objects and arrays are refused. */
export function assertFilterValue(value: unknown): asserts value is FilterValue {
  const t = typeof value;
  if (!(value === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(value)))) {
    throw new InvalidKeyError('Storage: filter values must be strings, finite numbers, booleans or null');
  }
}

/** Clamps a requested page size to 1..1000, default 100. */
export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return 100;
  return Math.min(1000, Math.max(1, Math.floor(limit)));
}
