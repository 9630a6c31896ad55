import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALICE, containsCode, harness, ManualClock, tempDir, wrongCode, type Harness } from '../support/verificationFixtures';

const MIN = 60_000;

/** Every byte of the SQLite database, including its write-ahead log. */
function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

describe('VerificationService on a shared SQLite file', () => {
  let tmp: { dir: string; cleanup: () => void };
  let file: string;
  let a: Harness;
  let b: Harness;
  let clock: ManualClock;

  beforeEach(() => {
    tmp = tempDir();
    file = join(tmp.dir, 'bot.sqlite');
    clock = new ManualClock();
    a = harness({ filename: file, clock });
    b = harness({ filename: file, clock });
  });

  afterEach(async () => {
    await a.store.close();
    await b.store.close();
    tmp.cleanup();
  });

  it('uses two separate store instances on the same file', () => {
    expect(a.store).not.toBe(b.store);
  });

  it('keeps the cooldown across instances', async () => {
    await expect(a.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'c1', channel: 'sms', method: 'mobile' })).resolves.toMatchObject({ ok: true });
    await expect(b.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'c1', channel: 'sms', method: 'mobile' })).resolves.toMatchObject({ ok: false, reason: 'cooldown' });
  });

  it('keeps the per-person budget across instances', async () => {
    for (let i = 0; i < 3; i++) {
      const h = i % 2 === 0 ? a : b;
      await expect(h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: `c${i}`, channel: 'sms', method: 'mobile' })).resolves.toMatchObject({ ok: true });
      clock.advance(MIN);
    }
    await expect(b.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'c3', channel: 'sms', method: 'mobile' })).resolves.toMatchObject({ reason: 'person_15min_limit' });
  });

  it('counts wrong codes across instances, and a code sent by one is checked by the other once', async () => {
    await a.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'c1', channel: 'sms', method: 'mobile' });
    const code = a.sender.lastCode();
    const req = { personId: ALICE.id, purpose: 'identity' as const, conversationId: 'c1' };
    await expect(b.service.checkCode({ ...req, code: wrongCode(code) })).resolves.toEqual({ ok: false, reason: 'wrong_code', attemptsLeft: 4 });
    await expect(a.service.checkCode({ ...req, code: wrongCode(code) })).resolves.toEqual({ ok: false, reason: 'wrong_code', attemptsLeft: 3 });
    await expect(b.service.checkCode({ ...req, code })).resolves.toMatchObject({ ok: true });
    await expect(a.service.checkCode({ ...req, code })).resolves.toEqual({ ok: false, reason: 'already_used' });
  });

  it('keeps a 5-try kill and a lockout across instances and across a restart', async () => {
    const req = { personId: ALICE.id, purpose: 'identity' as const };
    await a.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'k1', channel: 'sms', method: 'mobile' });
    const first = a.sender.lastCode();
    for (let i = 0; i < 5; i++) await (i % 2 ? a : b).service.checkCode({ ...req, conversationId: 'k1', code: wrongCode(first) });
    await expect(a.service.checkCode({ ...req, conversationId: 'k1', code: first })).resolves.toMatchObject({ reason: 'too_many_attempts' });

    clock.advance(MIN);
    await b.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'k2', channel: 'sms', method: 'mobile' });
    const second = b.sender.lastCode();
    for (let i = 0; i < 4; i++) await (i % 2 ? a : b).service.checkCode({ ...req, conversationId: 'k2', code: wrongCode(second) });
    await expect(a.service.checkCode({ ...req, conversationId: 'k2', code: wrongCode(second) })).resolves.toMatchObject({ reason: 'locked_out' });

    // a restarted process sees the lockout
    await a.store.close();
    const restarted = harness({ filename: file, clock });
    await expect(
      restarted.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'k3', channel: 'sms', method: 'mobile' }),
    ).resolves.toMatchObject({ ok: false, reason: 'locked_out' });
    a = restarted;
  });

  it('never writes a code in plain text to the database file or its WAL', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const h = i % 2 ? b : a;
      const person = { ...ALICE, id: `person-${i}`, methods: { ...ALICE.methods, mobile: `+4477009001${i}0` } };
      await h.service.sendCode({ purpose: 'identity', person, conversationId: `raw-${i}`, channel: 'sms', method: 'mobile' });
      const code = h.sender.lastCode();
      seen.push(code);
      await h.service.checkCode({ personId: person.id, purpose: 'identity', conversationId: `raw-${i}`, code: wrongCode(code) });
      const bytes = rawBytes(file);
      expect(bytes.length).toBeGreaterThan(0);
      for (const c of seen) {
        expect(containsCode(bytes, c)).toBe(false);
        expect(bytes.includes(Buffer.from(c, 'utf16le'))).toBe(false);
      }
      if (i === 2) await h.service.checkCode({ personId: person.id, purpose: 'identity', conversationId: `raw-${i}`, code });
    }
    // after a passed check, too
    const bytes = rawBytes(file);
    for (const c of seen) expect(containsCode(bytes, c)).toBe(false);
    // control: a plain-text code written to the store is found by the same search
    await a.store.collection('control').put('x', { value: 'ctl-987654' });
    expect(containsCode(rawBytes(file), '987654')).toBe(true);
  });
});
