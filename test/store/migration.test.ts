import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { AuditLog } from '../../src/audit/auditLog';
import { sqlitePath } from '../../src/composition';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { exportStore, importStore, MigrationFormatError } from '../../src/store/migration';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { TicketService } from '../../src/tickets/ticketService';
import { MIGRATION_SCOPE } from '../../src/storeLayout';
import { capturingLogger, ticketInput } from '../helpers/tickets';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { ManualClock } from '../support/verificationFixtures';

const run = promisify(execFile);
const { uri } = mongoTestTargets()[0];

async function exported(store: SqliteDocumentStore): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await exportStore(store, MIGRATION_SCOPE, out);
  return Buffer.concat(chunks).toString('utf8');
}

describe('moving tickets and the audit log from SQLite to MongoDB', () => {
  let dir: string;
  let source: SqliteDocumentStore;
  let database: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-migrate-'));
    source = new SqliteDocumentStore({ filename: sqlitePath(dir) });
    database = freshDatabase();
    const tickets = new TicketService({ store: source, logger: capturingLogger().logger });
    await tickets.createTicket(ticketInput());
    const second = await tickets.createTicket(ticketInput({ summary: 'Second ticket' }));
    await tickets.claim(second.id, 'agent-1');
    const audit = new AuditLog(source, new ManualClock());
    await audit.record({ type: 'code_sent', personId: 'p1', channel: 'sms', destination: '***101' });
    await audit.record({ type: 'check_failed', personId: 'p1', reason: 'wrong_code', attemptsLeft: 4 });
  });

  afterEach(async () => {
    await source.close();
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(uri, database);
  });

  it('exports every ticket and audit record as JSON Lines and imports them once, keeping ids unique afterwards', async () => {
    const jsonl = await exported(source);
    const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l) as { type: string; collection?: string; name?: string; value?: number });
    expect(lines.filter((l) => l.collection === 'tickets')).toHaveLength(2);
    expect(lines.filter((l) => l.collection === 'audit')).toHaveLength(2);
    expect(lines).toContainEqual({ type: 'counter', name: 'ticket_number', value: 2 });

    const target = new MongoDocumentStore({ uri, database });
    try {
      expect(await importStore(target, MIGRATION_SCOPE, Readable.from([jsonl]))).toMatchObject({ imported: lines.filter((l) => l.type === 'document').length, skipped: 0 });
      expect(await importStore(target, MIGRATION_SCOPE, Readable.from([jsonl]))).toMatchObject({ imported: 0, skipped: lines.filter((l) => l.type === 'document').length });
      const tickets = new TicketService({ store: target, logger: capturingLogger().logger });
      const page = await tickets.list();
      const original = await new TicketService({ store: source, logger: capturingLogger().logger }).list();
      expect(page.items).toEqual(original.items);
      const next = await tickets.createTicket(ticketInput({ summary: 'Opened after the move' }));
      expect(original.items.map((t) => t.id)).not.toContain(next.id);
      expect((await new AuditLog(target, new ManualClock()).list()).map((e) => e.type)).toEqual(['check_failed', 'code_sent']);
    } finally {
      await target.close();
    }
  });

  it('refuses a file with a bad line and writes nothing', async () => {
    const target = new MongoDocumentStore({ uri, database });
    try {
      const good = (await exported(source)).trim().split('\n');
      const bad = [good[0], '{"type":"document","collection":"bot_state","id":"x","doc":{}}', good[1]].join('\n');
      await expect(importStore(target, MIGRATION_SCOPE, Readable.from([bad]))).rejects.toThrow(new MigrationFormatError(2, 'names the collection "bot_state", which is not migrated'));
      await expect(importStore(target, MIGRATION_SCOPE, Readable.from(['not json\n']))).rejects.toThrow(/line 1: is not JSON/);
      expect(await target.collection('tickets').count()).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('npm run migrate:export and migrate:import move the records between the configured stores', async () => {
    await source.close();
    const file = join(dir, 'records.jsonl');
    const tsx = join('node_modules', '.bin', 'tsx');
    // As an operator runs it on a development set-up: jest's own NODE_ENV=test would need Twilio credentials.
    const env = { ...process.env, NODE_ENV: 'development', DATA_DIR: dir, MONGODB_URI: '', LOG_LEVEL: 'silent' };
    const exportRun = await run(tsx, ['src/cli/migrate.ts', 'export'], { env });
    writeFileSync(file, exportRun.stdout);
    expect(exportRun.stderr).toMatch(/Exported 6 records from SQLite/);
    const child = execFile(tsx, ['src/cli/migrate.ts', 'import'], { env: { ...env, MONGODB_URI: uri, MONGODB_DATABASE: database } });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin?.end(readFileSync(file));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toMatch(/Imported 4 records into MongoDB; 0 were already there/);
    expect(code).toBe(0);
    const target = new MongoDocumentStore({ uri, database });
    expect(await target.collection('tickets').count()).toBe(2);
    await target.close();
    source = new SqliteDocumentStore({ filename: sqlitePath(dir) });
  }, 180_000);
});
