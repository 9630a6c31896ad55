/** One forward-only schema change. Versions are applied in order, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The schema history of the SQLite store. Append new migrations; never edit applied ones. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and counters',
    sql: `
      CREATE TABLE documents (
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        etag TEXT NOT NULL,
        doc TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (collection, id)
      ) WITHOUT ROWID;
      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'documents by collection and last write, for retention',
    sql: 'CREATE INDEX documents_updated ON documents (collection, updated_at, id)',
  },
  {
    version: 3,
    name: 'retention indexed by the hour of the last write, so most writes leave the index alone',
    // The exact time stays in updated_at, which purges still compare; only the hour is indexed.
    // Within an hour, new documents follow their creation time, so inserts append to one page.
    sql: `
      ALTER TABLE documents ADD COLUMN updated_hour INTEGER NOT NULL DEFAULT 0;
      UPDATE documents SET updated_hour = CAST(updated_at / 3600000 AS INTEGER);
      DROP INDEX documents_updated;
      CREATE INDEX documents_written ON documents (collection, updated_hour, created_at);
    `,
  },
];
