import { ConfigError, loadConfig } from '../config';
import { createStore } from '../composition';
import { exportStore, importStore, MigrationFormatError } from '../store/migration';
import { MIGRATION_SCOPE } from '../storeLayout';
import { systemClock } from '../clock';

/**
 * `npm run migrate:export` writes the configured store's tickets and audit records to standard
 * output as JSON Lines; `npm run migrate:import` reads such a file from standard input into the
 * configured store (`MONGODB_URI` set: MongoDB; otherwise SQLite in `DATA_DIR`).
 */
async function main(command: string | undefined): Promise<number> {
  if (command !== 'export' && command !== 'import') {
    process.stderr.write('Usage: npm run migrate:export > records.jsonl   |   npm run migrate:import < records.jsonl\n');
    return 2;
  }
  const config = loadConfig();
  const store = await createStore(config, systemClock);
  try {
    if (command === 'export') {
      const lines = await exportStore(store, MIGRATION_SCOPE, process.stdout);
      process.stderr.write(`Exported ${lines} records from ${config.mongo ? 'MongoDB' : 'SQLite'}.\n`);
    } else {
      const r = await importStore(store, MIGRATION_SCOPE, process.stdin);
      process.stderr.write(`Imported ${r.imported} records into ${config.mongo ? 'MongoDB' : 'SQLite'}; ${r.skipped} were already there and were left as they are; ${r.counters} counters brought up to date.\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof MigrationFormatError) process.stderr.write(`Nothing was imported: ${err.message}\n`);
    else process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
