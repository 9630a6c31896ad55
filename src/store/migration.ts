import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import { DuplicateKeyError, type Document, type DocumentStore } from './documentStore';

/** What is moved between stores: whole collections, and the counters their ids come from. */
export interface MigrationScope {
  readonly collections: readonly string[];
  readonly counters: readonly string[];
}

const lineSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('document'), collection: z.string().min(1), id: z.string().min(1), doc: z.record(z.unknown()) }).strict(),
  z.object({ type: z.literal('counter'), name: z.string().min(1), value: z.number().int().nonnegative() }).strict(),
]);

/** One JSON Lines record of an export. */
export type MigrationLine = z.infer<typeof lineSchema>;

/** Counts of what an import did. */
export interface ImportReport {
  readonly imported: number;
  /** Documents already in the target with the same id, left as they are. */
  readonly skipped: number;
  readonly counters: number;
}

/** Thrown for a line of an import that is not a record of this format, naming the line. */
export class MigrationFormatError extends Error {
  constructor(
    public readonly line: number,
    detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'MigrationFormatError';
  }
}

/** Writes every document of the scope's collections, then its counters, as JSON Lines. Returns the number of lines. */
export async function exportStore(store: DocumentStore, scope: MigrationScope, out: Writable): Promise<number> {
  let lines = 0;
  const write = (line: MigrationLine): void => {
    out.write(`${JSON.stringify(line)}\n`);
    lines++;
  };
  for (const collection of scope.collections) {
    const c = store.collection<Document>(collection);
    let after: { value: null; id: string } | undefined;
    for (;;) {
      const page = await c.find({ after, limit: 500 });
      for (const v of page) write({ type: 'document', collection, id: v.id, doc: v.doc });
      if (page.length < 500) break;
      after = { value: null, id: page[page.length - 1].id };
    }
  }
  for (const name of scope.counters) write({ type: 'counter', name, value: await store.increment(name, 0) });
  return lines;
}

/**
 * Loads an export into a store. Documents whose id is already there are kept as they are
 * (so an import can be repeated), and counters are raised to the exported value, never
 * lowered, so new ids never collide with imported ones. Every line is checked before anything
 * is written.
 * @throws MigrationFormatError for a line that is not valid JSON of this format or outside the scope.
 */
export async function importStore(store: DocumentStore, scope: MigrationScope, input: Readable): Promise<ImportReport> {
  const records: MigrationLine[] = [];
  let n = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (raw.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new MigrationFormatError(n, 'is not JSON');
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) throw new MigrationFormatError(n, `is not an export record (${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')})`);
    const line = parsed.data;
    if (line.type === 'document' && !scope.collections.includes(line.collection)) throw new MigrationFormatError(n, `names the collection "${line.collection}", which is not migrated`);
    if (line.type === 'counter' && !scope.counters.includes(line.name)) throw new MigrationFormatError(n, `names the counter "${line.name}", which is not migrated`);
    records.push(line);
  }
  let imported = 0;
  let skipped = 0;
  let counters = 0;
  for (const line of records) {
    if (line.type === 'counter') {
      const current = await store.increment(line.name, 0);
      if (current < line.value) await store.increment(line.name, line.value - current);
      counters++;
      continue;
    }
    try {
      await store.collection<Document>(line.collection).insert(line.id, line.doc);
      imported++;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      skipped++;
    }
  }
  return { imported, skipped, counters };
}
