import { recordFailure, type BackoffPolicy } from '../../src/limits/backoff';
import type { CodeRequester } from '../../src/verification/requester';
import { ALICE, BOB, harness, wrongCode, type Harness } from '../support/verificationFixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;

const OUTSIDER: CodeRequester = { kind: 'webchat', source: 'webchat:attacker', address: 'addr-1' };
const ALICE_IN_TEAMS: CodeRequester = { kind: 'teams', source: `entra:${ALICE.objectId ?? ''}`, entraId: ALICE.objectId };

function send(h: Harness, conversationId: string, requester: CodeRequester | undefined, person = ALICE) {
  return h.service.sendCode({ purpose: 'identity', person, conversationId, channel: 'sms', method: 'mobile', ...(requester ? { requester } : {}) });
}

function check(h: Harness, conversationId: string, code: string, requester: CodeRequester | undefined, person = ALICE) {
  return h.service.checkCode({ personId: person.id, purpose: 'identity', conversationId, code, ...(requester ? { requester } : {}) });
}

/** Two fresh conversations with 5 wrong codes each: 10 failures, the default threshold. */
async function tenWrongCodes(h: Harness, tag: string, requester: CodeRequester | undefined, person = ALICE) {
  const results = [];
  for (const n of [1, 2]) {
    const conversationId = `${tag}-${n}`;
    expect(await send(h, conversationId, requester, person)).toMatchObject({ ok: true });
    const code = h.sender.lastCode();
    for (let i = 0; i < 5; i++) results.push(await check(h, conversationId, wrongCode(code), requester, person));
  }
  return results[results.length - 1];
}

describe('growing back-off (pure)', () => {
  const policy: BackoffPolicy = { threshold: 2, stepsMs: [MIN, 5 * MIN], memoryMs: HOUR };

  it('pauses every threshold failures, one step longer each time, capped at the last step, and forgets after the memory', () => {
    let state = recordFailure(undefined, 0, policy).state;
    const first = recordFailure(state, 1, policy);
    expect(first).toMatchObject({ pausedUntil: 1 + MIN, level: 1 });
    state = recordFailure(first.state, 2 * MIN, policy).state;
    const second = recordFailure(state, 2 * MIN, policy);
    expect(second).toMatchObject({ pausedUntil: 7 * MIN, level: 2 });
    state = recordFailure(second.state, 8 * MIN, policy).state;
    expect(recordFailure(state, 8 * MIN, policy)).toMatchObject({ pausedUntil: 13 * MIN, level: 3 });
    // An hour without a pause: the next one is the first again.
    const later = recordFailure(recordFailure(state, 2 * HOUR, policy).state, 2 * HOUR, policy);
    expect(later).toMatchObject({ pausedUntil: 2 * HOUR + MIN, level: 1 });
  });
});

describe('VerificationService: wrong codes pause with growing back-off, per person lane and per requester', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.store.close();
  });

  it('10 wrong codes pause for 1 minute, the next 10 for 5, the next 10 for 15, instead of one 24-hour lock', async () => {
    const pauses: number[] = [];
    for (const round of ['a', 'b', 'c']) {
      const last = await tenWrongCodes(h, round, undefined);
      expect(last).toMatchObject({ ok: false, reason: 'locked_out' });
      if (!last.ok && last.reason === 'locked_out') pauses.push(last.retryAt - h.clock.now());
      await expect(send(h, `${round}-after`, undefined)).resolves.toMatchObject({ ok: false, reason: 'locked_out' });
      // Past the pause (and past the person's 15-minute send budget) the person can try again.
      h.clock.advance(Math.max(pauses[pauses.length - 1] ?? 0, 15 * MIN));
    }
    expect(pauses).toEqual([MIN, 5 * MIN, 15 * MIN]);
    expect((await h.audit.list({ personId: ALICE.id })).filter((e) => e.type === 'lockout').map((e) => e.reason)).toEqual(['backoff_3:outsider', 'backoff_2:outsider', 'backoff_1:outsider']);
    await expect(send(h, 'd', undefined)).resolves.toMatchObject({ ok: true });
  });

  it("an outsider's wrong codes never pause the person in their own Teams chat", async () => {
    expect(await tenWrongCodes(h, 'web', OUTSIDER)).toMatchObject({ ok: false, reason: 'locked_out' });
    await expect(send(h, 'web-3', { kind: 'webchat', source: 'webchat:someone-else' })).resolves.toMatchObject({ ok: false, reason: 'locked_out' });
    await expect(h.service.lockedOutUntil(ALICE.id, 'own', ALICE_IN_TEAMS)).resolves.toBeUndefined();
    // Alice in Teams (her Entra id is the directory's) still gets a code and it works.
    expect(await send(h, 'teams-alice', ALICE_IN_TEAMS)).toMatchObject({ ok: true });
    await expect(check(h, 'teams-alice', h.sender.lastCode(), ALICE_IN_TEAMS)).resolves.toMatchObject({ ok: true });
  });

  it('a Teams user asking about someone else is an outsider to that person', async () => {
    await tenWrongCodes(h, 'web', OUTSIDER);
    const malloryInTeams: CodeRequester = { kind: 'teams', source: 'entra:aad-mallory', entraId: 'aad-mallory' };
    await expect(send(h, 'teams-mallory', malloryInTeams)).resolves.toMatchObject({ ok: false, reason: 'locked_out' });
  });

  it('the person in Teams is paused by their own wrong codes, in their own lane only', async () => {
    expect(await tenWrongCodes(h, 'own', ALICE_IN_TEAMS)).toMatchObject({ ok: false, reason: 'locked_out' });
    await expect(h.service.lockedOutUntil(ALICE.id, 'own')).resolves.toBe(h.clock.now() + MIN);
    await expect(h.service.lockedOutUntil(ALICE.id, 'outsider')).resolves.toBeUndefined();
  });

  it('one requester trying several people is paused although no person reached the threshold', async () => {
    for (const person of [ALICE, BOB]) {
      await send(h, `spray-${person.id}`, OUTSIDER, person);
      const code = h.sender.lastCode();
      for (let i = 0; i < 5; i++) await check(h, `spray-${person.id}`, wrongCode(code), OUTSIDER, person);
    }
    await expect(h.service.lockedOutUntil(ALICE.id)).resolves.toBeUndefined();
    await expect(h.service.lockedOutUntil(BOB.id)).resolves.toBeUndefined();
    // The requester is paused, whoever they name next; another requester is not.
    await expect(send(h, 'spray-3', OUTSIDER, BOB)).resolves.toMatchObject({ ok: false, reason: 'locked_out', retryAt: h.clock.now() + MIN });
    await expect(send(h, 'other', { kind: 'webchat', source: 'webchat:real-bob' }, BOB)).resolves.toMatchObject({ ok: true });
    expect((await h.audit.list({ personId: BOB.id })).map((e) => e.type)).toContain('requester_paused');
  });

  it("tells the person by text when an outsider's wrong codes pause them: no code, no link, once per interval", async () => {
    await tenWrongCodes(h, 'a', OUTSIDER);
    expect(h.sender.notices).toHaveLength(1);
    const [notice] = h.sender.notices;
    expect(notice?.to).toBe(ALICE.methods.mobile);
    expect(notice?.text).toMatch(/someone typed wrong codes while trying to confirm they were you/);
    // The only digits are the helpdesk's number; nothing looks like an address to follow.
    expect(notice?.text.replace('0333 200 1133', '')).not.toMatch(/\d|https?:|www\.|\.(uk|net|com|org)\b/);
    for (const code of h.sender.sent.map((m) => m.code)) expect(notice?.text).not.toContain(code);
    // A second pause the same day sends no second notice.
    h.clock.advance(15 * MIN);
    await tenWrongCodes(h, 'b', { ...OUTSIDER, source: 'webchat:attacker-2' });
    expect(h.sender.notices).toHaveLength(1);
    // After the interval (24 hours by default) a new pause is told again.
    h.clock.advance(25 * HOUR);
    await tenWrongCodes(h, 'c', { ...OUTSIDER, source: 'webchat:attacker-3' });
    expect(h.sender.notices).toHaveLength(2);
    expect((await h.audit.list({ personId: ALICE.id })).filter((e) => e.type === 'notice_sent')).toHaveLength(2);
  });

  it('sends no notice for the person\'s own wrong codes in Teams', async () => {
    await tenWrongCodes(h, 'own', ALICE_IN_TEAMS);
    expect(h.sender.notices).toHaveLength(0);
  });
});
