import { KILLED_CHALLENGE_BLOCK_MS } from '../../src/verification/verificationService';
import { ALICE, BOB, harness, personWithNumber, wrongCode, type Harness } from '../support/verificationFixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CONV = 'conv-1';

function identity(h: Harness, person = ALICE, conversationId = CONV) {
  return h.service.sendCode({ purpose: 'identity', person, conversationId, channel: 'sms', method: 'mobile' });
}

function check(h: Harness, code: string, person = ALICE, conversationId = CONV, purpose: 'identity' | 'new_number' = 'identity') {
  return h.service.checkCode({ personId: person.id, purpose, conversationId, code });
}

describe('VerificationService', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.store.close();
  });

  it('sends a 6-digit code to the directory number and accepts it once', async () => {
    const sent = await identity(h);
    expect(sent).toMatchObject({ ok: true, channel: 'sms', destination: '***101', attemptsLeft: 5, resent: false });
    expect(h.sender.sent).toHaveLength(1);
    expect(h.sender.sent[0]).toMatchObject({ to: '+447700900101', channel: 'sms', ttlSeconds: 300, purpose: 'identity' });
    const code = h.sender.lastCode();
    expect(code).toMatch(/^\d{6}$/);

    await expect(check(h, code)).resolves.toMatchObject({ ok: true, personId: ALICE.id, purpose: 'identity', destination: '***101' });
    await expect(check(h, code)).resolves.toEqual({ ok: false, reason: 'already_used' });
    await expect(h.service.isIdentityProven(ALICE.id, CONV)).resolves.toBe(true);
  });

  it('generates different codes each time', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 3; i++) {
      await identity(h, personWithNumber(`p${i}`, `+4477009003${i}0`));
      codes.add(h.sender.lastCode());
    }
    expect(codes.size).toBeGreaterThan(1);
  });

  it('binds the code to its purpose and conversation', async () => {
    await identity(h);
    const code = h.sender.lastCode();
    await expect(check(h, code, ALICE, 'other-conversation')).resolves.toEqual({ ok: false, reason: 'no_challenge' });
    await expect(check(h, code, ALICE, CONV, 'new_number')).resolves.toEqual({ ok: false, reason: 'no_challenge' });
    await expect(check(h, code, BOB)).resolves.toEqual({ ok: false, reason: 'no_challenge' });
    await expect(check(h, code)).resolves.toMatchObject({ ok: true });
  });

  it('expires codes after the TTL (5 minutes by default)', async () => {
    await identity(h);
    const code = h.sender.lastCode();
    h.clock.advance(5 * MIN);
    await expect(check(h, code)).resolves.toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts a code just before expiry and honours a shorter configured TTL', async () => {
    await identity(h);
    h.clock.advance(5 * MIN - 1);
    await expect(check(h, h.sender.lastCode())).resolves.toMatchObject({ ok: true });

    const short = harness({ overrides: { ttlSeconds: 60 } });
    await identity(short);
    expect(short.sender.sent[0]?.ttlSeconds).toBe(60);
    short.clock.advance(61_000);
    await expect(check(short, short.sender.lastCode())).resolves.toEqual({ ok: false, reason: 'expired' });
    await short.store.close();
  });

  it('refuses a TTL above 10 minutes', () => {
    expect(() => harness({ overrides: { ttlSeconds: 601 } })).toThrow(/60 to 600/);
  });

  it('does not count input that is not 6 digits', async () => {
    await identity(h);
    await expect(check(h, 'hello')).resolves.toEqual({ ok: false, reason: 'invalid_format' });
    await expect(check(h, '12345')).resolves.toEqual({ ok: false, reason: 'invalid_format' });
    const code = h.sender.lastCode();
    await expect(check(h, `${code.slice(0, 3)} ${code.slice(3)}`)).resolves.toMatchObject({ ok: true });
  });

  it('kills a challenge after 5 wrong codes, even if the right one comes next', async () => {
    await identity(h);
    const code = h.sender.lastCode();
    for (let left = 4; left >= 1; left--) {
      await expect(check(h, wrongCode(code))).resolves.toEqual({ ok: false, reason: 'wrong_code', attemptsLeft: left });
    }
    const fifth = await check(h, wrongCode(code));
    expect(fifth).toEqual({ ok: false, reason: 'too_many_attempts', retryAt: h.clock.now() + KILLED_CHALLENGE_BLOCK_MS });
    await expect(check(h, code)).resolves.toMatchObject({ ok: false, reason: 'too_many_attempts' });

    h.clock.advance(2 * MIN);
    const resend = await identity(h);
    expect(resend).toMatchObject({ ok: false, reason: 'too_many_attempts' });
    expect(h.sender.sent).toHaveLength(1);

    h.clock.advance(KILLED_CHALLENGE_BLOCK_MS);
    await expect(identity(h)).resolves.toMatchObject({ ok: true, attemptsLeft: 5, resent: false });
  });

  it('keeps the failure count across a resend', async () => {
    await identity(h);
    const first = h.sender.lastCode();
    for (let i = 0; i < 3; i++) await check(h, wrongCode(first));
    h.clock.advance(MIN);
    const resent = await identity(h);
    expect(resent).toMatchObject({ ok: true, resent: true, attemptsLeft: 2 });
    const second = h.sender.lastCode();
    await expect(check(h, first === second ? wrongCode(second) : first)).resolves.toEqual({ ok: false, reason: 'wrong_code', attemptsLeft: 1 });
    await expect(check(h, wrongCode(second))).resolves.toMatchObject({ ok: false, reason: 'too_many_attempts' });
    await expect(check(h, second)).resolves.toMatchObject({ ok: false, reason: 'too_many_attempts' });
  });

  it('invalidates the old code when a new one is sent', async () => {
    await identity(h);
    const first = h.sender.lastCode();
    h.clock.advance(MIN);
    await identity(h);
    const second = h.sender.lastCode();
    if (first !== second) {
      await expect(check(h, first)).resolves.toMatchObject({ ok: false, reason: 'wrong_code' });
    }
    await expect(check(h, second)).resolves.toMatchObject({ ok: true });
  });

  it('enforces a 60-second resend cooldown, whatever the channel or number', async () => {
    const t0 = h.clock.now();
    await identity(h);
    h.clock.advance(30_000);
    await expect(identity(h)).resolves.toEqual({ ok: false, reason: 'cooldown', retryAt: t0 + MIN });
    await expect(h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: CONV, channel: 'voice', method: 'alternateMobile' })).resolves.toMatchObject({
      reason: 'cooldown',
    });
    h.clock.advance(30_000);
    await expect(identity(h)).resolves.toMatchObject({ ok: true, resent: true });
  });

  it('lets a new number be proven straight after identity (the cooldown is per challenge)', async () => {
    await identity(h);
    await check(h, h.sender.lastCode());
    h.clock.advance(5_000);
    await expect(h.service.sendCode({ purpose: 'new_number', person: ALICE, conversationId: CONV, channel: 'sms', newNumber: '07700900777' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('allows at most 3 sends per person in 15 minutes', async () => {
    const t0 = h.clock.now();
    for (let i = 0; i < 3; i++) {
      await expect(identity(h, ALICE, `c${i}`)).resolves.toMatchObject({ ok: true });
      h.clock.advance(MIN);
    }
    await expect(identity(h, ALICE, 'c3')).resolves.toEqual({ ok: false, reason: 'person_15min_limit', retryAt: t0 + 15 * MIN });
    h.clock.current = t0 + 15 * MIN;
    await expect(identity(h, ALICE, 'c3')).resolves.toMatchObject({ ok: true });
  });

  it('allows at most 10 sends per person per day', async () => {
    const t0 = h.clock.now();
    for (let i = 0; i < 10; i++) {
      await expect(identity(h, ALICE, `c${i}`)).resolves.toMatchObject({ ok: true });
      h.clock.advance(20 * MIN);
    }
    const refused = await identity(h, ALICE, 'c10');
    expect(refused).toEqual({ ok: false, reason: 'person_daily_limit', retryAt: t0 + 24 * HOUR });
    h.clock.current = t0 + 24 * HOUR;
    await expect(identity(h, ALICE, 'c10')).resolves.toMatchObject({ ok: true });
  });

  it('allows at most 10 sends to one number per day, whoever asks', async () => {
    const shared = '+447700900999';
    const t0 = h.clock.now();
    for (let i = 0; i < 10; i++) {
      await expect(identity(h, personWithNumber(`person-${i}`, shared))).resolves.toMatchObject({ ok: true });
    }
    await expect(identity(h, personWithNumber('person-10', shared))).resolves.toEqual({ ok: false, reason: 'destination_limit', retryAt: t0 + 24 * HOUR });
    // the refused person's own budget was not used up by the refusal
    await expect(identity(h, personWithNumber('person-10', '+447700900998'))).resolves.toMatchObject({ ok: true });
  });

  it('stops sending when the hourly budget of the service is spent, logs an error and audits it', async () => {
    const small = harness({ overrides: { limits: { maxSendsPerHour: 3, teamsReservePerHour: 0 } } });
    small.clock.current = Date.UTC(2025, 0, 15, 9, 10, 0);
    for (let i = 0; i < 3; i++) await expect(identity(small, personWithNumber(`g${i}`, `+4477009005${i}0`))).resolves.toMatchObject({ ok: true });
    const refused = await identity(small, personWithNumber('g3', '+447700900530'));
    // The hour runs from the first send of the window.
    expect(refused).toEqual({ ok: false, reason: 'global_budget', retryAt: Date.UTC(2025, 0, 15, 10, 10, 0) });
    expect(small.sender.sent).toHaveLength(3);
    const errors = small.lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    expect(errors.some((e) => /hourly send budget/.test(e.msg))).toBe(true);
    expect((await small.audit.list({ personId: 'g3' })).map((e) => e.type)).toContain('budget_stop');
    // the refused person can send once the window renews
    small.clock.current = Date.UTC(2025, 0, 15, 10, 10, 0);
    await expect(identity(small, personWithNumber('g3', '+447700900530'))).resolves.toMatchObject({ ok: true });
    await small.store.close();
  });

  it('does not lock out for failures spread over more than 24 hours', async () => {
    for (let round = 0; round < 3; round++) {
      await identity(h, ALICE, `r${round}`);
      for (let i = 0; i < 4; i++) await check(h, wrongCode(h.sender.lastCode()), ALICE, `r${round}`);
      h.clock.advance(13 * HOUR);
    }
    await expect(h.service.lockedOutUntil(ALICE.id)).resolves.toBeUndefined();
  });

  it('refuses guests and compromised accounts, and numbers the directory lacks', async () => {
    await expect(identity(h, { ...BOB, compromised: true })).resolves.toEqual({ ok: false, reason: 'not_eligible', detail: 'compromised' });
    await expect(identity(h, { ...BOB, guest: true })).resolves.toEqual({ ok: false, reason: 'not_eligible', detail: 'guest' });
    await expect(h.service.sendCode({ purpose: 'identity', person: BOB, conversationId: CONV, channel: 'sms', method: 'officePhone' })).resolves.toEqual({
      ok: false,
      reason: 'no_number',
    });
    expect(h.sender.sent).toHaveLength(0);
  });

  it('sends to a new number only after identity was proven in the same conversation', async () => {
    const newNumber = (conversationId: string, n = '07700 900777') =>
      h.service.sendCode({ purpose: 'new_number', person: ALICE, conversationId, channel: 'sms', newNumber: n });
    await expect(newNumber(CONV)).resolves.toEqual({ ok: false, reason: 'identity_not_proven' });
    await expect(newNumber(CONV, '+12025550123')).resolves.toEqual({ ok: false, reason: 'invalid_number' });

    await identity(h);
    await check(h, h.sender.lastCode());
    h.clock.advance(MIN);
    await expect(newNumber('another-conversation')).resolves.toEqual({ ok: false, reason: 'identity_not_proven' });
    const sent = await newNumber(CONV);
    expect(sent).toMatchObject({ ok: true, destination: '***777' });
    expect(h.sender.sent[1]).toMatchObject({ to: '+447700900777', purpose: 'new_number' });
    await expect(check(h, h.sender.lastCode(), ALICE, CONV, 'new_number')).resolves.toMatchObject({ ok: true, provenNumber: '+447700900777' });
  });

  it('does not count a delivery that certainly failed, and voids its code', async () => {
    h.sender.next = { ok: false, failure: { kind: 'not_sms_capable', delivered: 'no', userMessage: 'no sms', suggestedChannel: 'voice', providerCode: 21614 } };
    const failed = await identity(h);
    expect(failed).toMatchObject({ ok: false, reason: 'send_failed', failure: { kind: 'not_sms_capable' } });
    const voided = h.sender.lastCode();
    await expect(check(h, voided)).resolves.toEqual({ ok: false, reason: 'no_challenge' });
    // no cooldown: a call can be offered straight away
    await expect(h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: CONV, channel: 'voice', method: 'mobile' })).resolves.toMatchObject({ ok: true });
  });

  it('counts a delivery whose outcome is unknown (timeout) and never retries', async () => {
    h.sender.next = { ok: false, failure: { kind: 'timeout', delivered: 'unknown', userMessage: 'timeout' } };
    await identity(h);
    expect(h.sender.sent).toHaveLength(1);
    await expect(identity(h)).resolves.toMatchObject({ reason: 'cooldown' });
  });

  it('reports the challenge status without the code', async () => {
    await identity(h);
    const status = await h.service.challengeStatus(ALICE.id, 'identity', CONV);
    expect(status).toMatchObject({ status: 'pending', channel: 'sms', destination: '***101', attemptsLeft: 5 });
    expect(JSON.stringify(status)).not.toContain(h.sender.lastCode());
  });
});
