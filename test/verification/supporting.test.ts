import { statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { codeMatches, generateCode, hashCode } from '../../src/verification/codes';
import { DevOutbox } from '../../src/verification/devOutbox';
import { LookupLimiter } from '../../src/verification/lookupLimiter';
import { describeWhen, verificationMessage, type VerificationFailure } from '../../src/verification/messages';
import { resolveVerificationSecret } from '../../src/verification/secret';
import { VoiceRepeatTokens } from '../../src/verification/voiceRepeat';
import { capturingLogger, ManualClock, SECRET, tempDir } from '../support/verificationFixtures';

const MIN = 60_000;

describe('codes', () => {
  it('are 6 digits from otplib and verified only through their HMAC', async () => {
    const code = await generateCode();
    expect(code).toMatch(/^\d{6}$/);
    const hash = hashCode(SECRET, 'c1', 1, code);
    expect(hash).not.toContain(code);
    expect(codeMatches(SECRET, 'c1', 1, code, hash)).toBe(true);
    expect(codeMatches(SECRET, 'c2', 1, code, hash)).toBe(false);
    expect(codeMatches(SECRET, 'c1', 2, code, hash)).toBe(false);
    expect(codeMatches(Buffer.from('another-secret-another-secret-xx'), 'c1', 1, code, hash)).toBe(false);
  });
});

describe('messages', () => {
  const now = Date.UTC(2025, 0, 15, 9, 0, 0); // 09:00 in London (GMT)
  const opts = { now };

  it('say when to try again', () => {
    expect(describeWhen(now + 45_000, opts)).toBe('in 45 seconds');
    expect(describeWhen(now + 12 * MIN, opts)).toBe('in 12 minutes (at 09:12)');
    expect(describeWhen(now + 5 * 60 * MIN, opts)).toBe('at 14:00 today');
    expect(describeWhen(now + 24 * 60 * MIN, opts)).toBe('at 09:00 tomorrow');
    expect(describeWhen(now + 3 * 24 * 60 * MIN, opts)).toBe('at 09:00 on Saturday 18 January');
  });

  it('exist for every limit and say when', () => {
    const limits: VerificationFailure[] = [
      { ok: false, reason: 'cooldown', retryAt: now + 40_000 },
      { ok: false, reason: 'person_15min_limit', retryAt: now + 10 * MIN },
      { ok: false, reason: 'person_daily_limit', retryAt: now + 20 * 60 * MIN },
      { ok: false, reason: 'destination_limit', retryAt: now + 20 * 60 * MIN },
      { ok: false, reason: 'global_budget', retryAt: now + 30 * MIN },
      { ok: false, reason: 'locked_out', retryAt: now + 5 * MIN },
      { ok: false, reason: 'too_many_attempts', retryAt: now + 15 * MIN },
      { ok: false, reason: 'lookup_limit', retryAt: now + 24 * 60 * MIN },
    ];
    const texts = limits.map((f) => verificationMessage(f, opts));
    expect(new Set(texts).size).toBe(limits.length);
    expect(texts[0]).toBe("I've just sent you a code. Please wait 40 seconds before asking for another one.");
    expect(texts[1]).toContain('in 10 minutes (at 09:10)');
    expect(texts[2]).toContain('at 05:00 tomorrow');
    expect(texts[4]).toContain('in 30 minutes (at 09:30)');
    expect(texts[5]).toContain('try again in 5 minutes (at 09:05)');
    for (const t of texts.slice(1)) expect(t).toMatch(/person|helpdesk/);
  });

  it('cover the other outcomes', () => {
    expect(verificationMessage({ ok: false, reason: 'wrong_code', attemptsLeft: 1 }, opts)).toBe("That code isn't right. You have 1 more try.");
    // Guests and flagged accounts get one neutral reply: nothing tells which it is.
    const guest = verificationMessage({ ok: false, reason: 'not_eligible', detail: 'guest' }, opts);
    expect(guest).toMatch(/person at the helpdesk/);
    expect(verificationMessage({ ok: false, reason: 'not_eligible', detail: 'compromised' }, opts)).toBe(guest);
    expect(guest).not.toMatch(/guest|compromised|security/i);
    expect(verificationMessage({ ok: false, reason: 'send_failed', failure: { kind: 'landline', delivered: 'no', userMessage: 'landline msg' } }, opts)).toBe('landline msg');
    expect(verificationMessage({ ok: false, reason: 'expired' }, opts)).toMatch(/expired/);
  });
});

describe('LookupLimiter', () => {
  it('allows 3 different identifiers per conversation, repeats for free, kept in the store', async () => {
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const clock = new ManualClock();
    const limiter = new LookupLimiter({ store, clock });
    for (const id of ['alice.smith@example.nhs.net', '100002', 'carol.white@example.nhs.net']) await expect(limiter.check('conv', id)).resolves.toEqual({ ok: true });
    await expect(limiter.check('conv', 'ALICE.SMITH@example.nhs.net ')).resolves.toEqual({ ok: true });
    await expect(limiter.check('conv', '100004')).resolves.toEqual({ ok: false, reason: 'lookup_limit', retryAt: clock.now() + 24 * 60 * MIN });
    await expect(new LookupLimiter({ store, clock }).check('conv', '100005')).resolves.toMatchObject({ reason: 'lookup_limit' });
    await expect(limiter.check('other-conv', '100004')).resolves.toEqual({ ok: true });
    await store.close();
  });
});

describe('DevOutbox', () => {
  it('keeps readable messages in memory, newest first', async () => {
    const clock = new ManualClock();
    const outbox = new DevOutbox({ clock });
    await outbox.send({ to: '+447700900101', channel: 'sms', code: '123456', ttlSeconds: 300, purpose: 'identity' });
    clock.advance(1000);
    await outbox.send({ to: '+447700900201', channel: 'voice', code: '654321', ttlSeconds: 300, purpose: 'identity' });
    const all = outbox.list();
    expect(all.map((m) => m.to)).toEqual(['+447700900201', '+447700900101']);
    expect(all[1]?.text).toMatch(/code 123 456.*expires in 5 minutes/);
    expect(all[0]?.text).toContain('6, 5, 4, 3, 2, 1');
    expect(outbox.list('+447700900101')).toHaveLength(1);
    expect(all[0]?.at).toBe(new Date(clock.now()).toISOString());
  });
});

describe('VoiceRepeatTokens', () => {
  it('opens its own tokens until the code expires, and nothing else', () => {
    const clock = new ManualClock();
    const tokens = new VoiceRepeatTokens(SECRET, clock);
    const token = tokens.seal({ code: '482913', purpose: 'identity', expiresAt: clock.now() + 5 * MIN });
    expect(token).not.toContain('482913');
    expect(tokens.open(token)).toEqual({ code: '482913', purpose: 'identity', expiresAt: clock.now() + 5 * MIN });
    expect(new VoiceRepeatTokens(Buffer.from('a-different-secret-of-32-bytes!!'), clock).open(token)).toBeUndefined();
    expect(tokens.open(`${token.slice(0, -2)}AA`)).toBeUndefined();
    expect(tokens.open('garbage')).toBeUndefined();
    clock.advance(5 * MIN);
    expect(tokens.open(token)).toBeUndefined();
  });
});

describe('resolveVerificationSecret', () => {
  it('generates a development secret once, kept with mode 0600', async () => {
    const tmp = tempDir();
    try {
      const { logger } = capturingLogger();
      const first = await resolveVerificationSecret({ nodeEnv: 'development', dataDir: tmp.dir, logger });
      const second = await resolveVerificationSecret({ nodeEnv: 'development', dataDir: tmp.dir, logger });
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(second.equals(first)).toBe(true);
      if (process.platform !== 'win32') expect(statSync(join(tmp.dir, 'verification.secret')).mode & 0o777).toBe(0o600);
    } finally {
      tmp.cleanup();
    }
  });

  it('uses the configured secret and refuses to start in production without one', async () => {
    const { logger } = capturingLogger();
    const configured = 'c'.repeat(40);
    await expect(resolveVerificationSecret({ secret: configured, nodeEnv: 'production', dataDir: '/nonexistent', logger })).resolves.toEqual(Buffer.from(configured));
    await expect(resolveVerificationSecret({ nodeEnv: 'production', dataDir: '/nonexistent', logger })).rejects.toThrow(/VERIFICATION_SECRET is required/);
  });
});
