import { AuditLog } from '../../src/audit/auditLog';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { ALICE, BOB, containsCode, harness, ManualClock, wrongCode } from '../support/verificationFixtures';

describe('AuditLog', () => {
  it('appends entries with ISO timestamps and lists them newest first, by person or conversation', async () => {
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const clock = new ManualClock(Date.UTC(2025, 2, 1, 12, 0, 0));
    const audit = new AuditLog(store, clock);
    await audit.record({ type: 'challenge_created', personId: 'p1', conversationId: 'c1' });
    clock.advance(1000);
    await audit.record({ type: 'code_sent', personId: 'p1', conversationId: 'c1', channel: 'sms', destination: '***101' });
    await audit.record({ type: 'code_sent', personId: 'p2', conversationId: 'c2', channel: 'voice', destination: '***201' });

    const p1 = await audit.list({ personId: 'p1' });
    expect(p1.map((e) => e.type)).toEqual(['code_sent', 'challenge_created']);
    expect(p1[0]).toMatchObject({ at: '2025-03-01T12:00:01.000Z', channel: 'sms', destination: '***101', conversationId: 'c1' });
    expect((await audit.list({ conversationId: 'c2' })).map((e) => e.personId)).toEqual(['p2']);
    expect(await audit.list({ limit: 2 })).toHaveLength(2);
    await store.close();
  });

  it('keeps only known fields, so nothing else can be slipped in', async () => {
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const audit = new AuditLog(store, new ManualClock());
    const sneaky = { type: 'code_sent' as const, personId: 'p1', code: '123456' };
    const entry = await audit.record(sneaky);
    expect(JSON.stringify(entry)).not.toContain('123456');
    expect(JSON.stringify(await audit.list())).not.toContain('123456');
    await store.close();
  });

  it('records the whole verification story without any code', async () => {
    const h = harness();
    await h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'conv-a', channel: 'sms', method: 'mobile' });
    const code = h.sender.lastCode();
    await h.service.checkCode({ personId: ALICE.id, purpose: 'identity', conversationId: 'conv-a', code: wrongCode(code) });
    await h.service.checkCode({ personId: ALICE.id, purpose: 'identity', conversationId: 'conv-a', code });
    await h.service.sendCode({ purpose: 'identity', person: BOB, conversationId: 'conv-b', channel: 'voice', method: 'mobile' });
    const bobCode = h.sender.lastCode();

    const alice = await h.audit.list({ personId: ALICE.id });
    expect(alice.map((e) => e.type)).toEqual(['check_passed', 'check_failed', 'code_sent', 'challenge_created']);
    expect(alice.find((e) => e.type === 'code_sent')).toMatchObject({ destination: '***101', channel: 'sms', conversationId: 'conv-a', personId: ALICE.id });
    expect(alice.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.at))).toBe(true);

    const everything = JSON.stringify(await h.audit.list({ limit: 1000 }));
    expect(containsCode(everything, code)).toBe(false);
    expect(containsCode(everything, bobCode)).toBe(false);
    expect(everything).not.toContain('+447700900101');

    // nor in the log output
    const logs = h.lines.join('');
    expect(h.lines.length).toBeGreaterThan(0);
    expect(containsCode(logs, code)).toBe(false);
    expect(containsCode(logs, bobCode)).toBe(false);
    expect(logs).not.toContain('+447700900101');
    expect(logs).toContain('***101');
    await h.store.close();
  });
});
