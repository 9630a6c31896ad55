import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/auditLog';
import type { DocumentStore } from '../../src/store/documentStore';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import type { CodeRequester } from '../../src/verification/requester';
import { VerificationService } from '../../src/verification/verificationService';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { ALICE, ManualClock, RecordingSender, SECRET, capturingLogger, wrongCode } from '../support/verificationFixtures';

const MIN = 60_000;
const OUTSIDER: CodeRequester = { kind: 'voice', source: 'caller:+447700900999' };
const ALICE_IN_TEAMS: CodeRequester = { kind: 'teams', source: `entra:${ALICE.objectId ?? ''}`, entraId: ALICE.objectId };

interface Target {
  readonly name: string;
  /** A store on the shared data, as one instance of the server has it; `cleanup` removes the data. */
  shared(): { open(): DocumentStore; cleanup(): Promise<void> };
}

const targets: Target[] = [
  {
    name: 'SQLite',
    shared() {
      const dir = mkdtempSync(join(tmpdir(), 'helpdesk-lockout-'));
      return { open: () => new SqliteDocumentStore({ filename: join(dir, 'helpdesk.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...mongoTestTargets().map(({ name, uri }) => ({
    name: `MongoDB (${name})`,
    shared() {
      const database = freshDatabase();
      return { open: () => new MongoDocumentStore({ uri, database }), cleanup: () => dropDatabase(uri, database) };
    },
  })),
];

describe.each(targets)('pauses after wrong codes and budgets of codes on $name, across instances and a restart', (target) => {
  const clock = new ManualClock();
  let shared: ReturnType<Target['shared']>;
  const open: DocumentStore[] = [];
  const instance = () => {
    const store = shared.open();
    open.push(store);
    const sender = new RecordingSender();
    const service = new VerificationService({ store, sender, notices: sender, audit: new AuditLog(store, clock), clock, secret: SECRET, logger: capturingLogger().logger });
    return { service, sender, store };
  };
  beforeEach(() => {
    shared = target.shared();
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    await shared.cleanup();
  });

  it("holds an outsider's pause and the requester's on every instance, leaves the person's own Teams lane alone, and a restart keeps them", async () => {
    const a = instance();
    const b = instance();
    for (const [n, side] of [a, b].entries()) {
      const conversationId = `phone-${n}`;
      await side.service.sendCode({ purpose: 'identity', person: ALICE, conversationId, channel: 'sms', method: 'mobile', requester: OUTSIDER });
      const code = side.sender.lastCode();
      // Wrong codes alternate between the two instances.
      for (let i = 0; i < 5; i++) await (i % 2 ? a : b).service.checkCode({ personId: ALICE.id, purpose: 'identity', conversationId, code: wrongCode(code), requester: OUTSIDER });
    }
    const until = clock.now() + MIN;
    await expect(a.service.lockedOutUntil(ALICE.id)).resolves.toBe(until);
    await expect(b.service.lockedOutUntil(ALICE.id, 'own', { kind: 'webchat', source: 'webchat:someone' })).resolves.toBeUndefined();
    // The requester (the calling number) is paused as well, for anyone they name.
    await expect(b.service.lockedOutUntil('another-person', 'outsider', OUTSIDER)).resolves.toBe(until);

    await a.store.close();
    open.splice(open.indexOf(a.store), 1);
    const restarted = instance();
    await expect(restarted.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'phone-3', channel: 'sms', method: 'mobile', requester: OUTSIDER })).resolves.toMatchObject({ ok: false, reason: 'locked_out', retryAt: until });
    await expect(restarted.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'teams-1', channel: 'sms', method: 'mobile', requester: ALICE_IN_TEAMS })).resolves.toMatchObject({ ok: true });
    expect(a.sender.notices.length + b.sender.notices.length).toBe(1);
  });

  it('keeps the reserve for Teams across instances: outsiders on either instance stop short of it, and a restart remembers', async () => {
    const limits = { maxSendsPerHour: 3, teamsReservePerHour: 1 };
    const make = () => {
      const store = shared.open();
      open.push(store);
      const sender = new RecordingSender();
      return new VerificationService({ store, sender, audit: new AuditLog(store, clock), clock, secret: SECRET, logger: capturingLogger().logger, limits });
    };
    const [a, b] = [make(), make()];
    const person = (n: number) => ({ ...ALICE, id: `p${n}`, objectId: `oid-${n}`, methods: { ...ALICE.methods, mobile: `+4477009008${n}0` } });
    const ask = (service: VerificationService, n: number, requester: CodeRequester) => service.sendCode({ purpose: 'identity', person: person(n), conversationId: `r${n}`, channel: 'sms', method: 'mobile', requester });
    await expect(ask(a, 1, { kind: 'webchat', source: 'webchat:1' })).resolves.toMatchObject({ ok: true });
    await expect(ask(b, 2, OUTSIDER)).resolves.toMatchObject({ ok: true });
    await expect(ask(a, 3, { kind: 'webchat', source: 'webchat:3' })).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
    const restarted = make();
    await expect(ask(restarted, 4, OUTSIDER)).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
    await expect(ask(restarted, 5, { kind: 'teams', source: 'entra:oid-5', entraId: 'oid-5' })).resolves.toMatchObject({ ok: true });
    await expect(ask(b, 6, { kind: 'teams', source: 'entra:oid-6', entraId: 'oid-6' })).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
  });
});
