import { RateAlarm, type UnusualRate } from '../../src/limits/rateAlarm';
import { WindowBudgets } from '../../src/limits/windowBudgets';
import type { CodeRequester } from '../../src/verification/requester';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import type { VerificationLimits } from '../../src/verification/types';
import { ALICE, ManualClock, capturingLogger, harness, personWithNumber, type Harness } from '../support/verificationFixtures';

const MIN = 60_000;
const HOUR = 60 * MIN;
const web = (n: number, address?: string): CodeRequester => ({ kind: 'webchat', source: `webchat:user-${n}`, ...(address ? { address } : {}) });
const caller = (n: number): CodeRequester => ({ kind: 'voice', source: `caller:+4477009009${String(n).padStart(2, '0')}` });
const teams = (entraId: string): CodeRequester => ({ kind: 'teams', source: `entra:${entraId}`, entraId });

function send(h: Harness, n: number, requester: CodeRequester | undefined) {
  const person = personWithNumber(`p${n}`, `+4477009007${String(n).padStart(2, '0')}`);
  return h.service.sendCode({ purpose: 'identity', person: { ...person, objectId: `oid-${n}` }, conversationId: `c${n}`, channel: 'sms', method: 'mobile', ...(requester ? { requester } : {}) });
}

describe('budgets of codes per source, address, outsider channel and for the service', () => {
  let h: Harness;
  let alerts: UnusualRate[];
  /** The service with these limits and an alarm whose alerts are kept in `alerts`. */
  const build = (limits: Partial<VerificationLimits>): void => {
    alerts = [];
    const clock = new ManualClock();
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const { logger } = capturingLogger();
    const alarm = new RateAlarm({ budgets: new WindowBudgets(store, clock), intervalMs: 15 * MIN, logger, clock, sinks: [async (a) => void alerts.push(a)] });
    h = harness({ clock, overrides: { store, limits, alarm } });
  };
  afterEach(async () => {
    await h.store.close();
  });

  it('keeps a reserve for Teams: outsiders stop short of it, a Teams user still gets a code', async () => {
    build({ maxSendsPerHour: 4, teamsReservePerHour: 2 });
    await expect(send(h, 1, web(1))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 2, caller(2))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 3, web(3))).resolves.toMatchObject({ ok: false, reason: 'global_budget', retryAt: h.clock.now() + HOUR });
    await expect(send(h, 4, caller(4))).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
    await expect(send(h, 5, teams('oid-5'))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 6, teams('oid-6'))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 7, teams('oid-7'))).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
  });

  it('web chat and the phone line have budgets of their own', async () => {
    build({ maxWebchatSendsPerHour: 2, maxVoiceSendsPerHour: 1 });
    await expect(send(h, 1, web(1))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 2, web(2))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 3, web(3))).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
    await expect(send(h, 4, caller(4))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 5, caller(5))).resolves.toMatchObject({ ok: false, reason: 'global_budget' });
    await expect(send(h, 6, teams('oid-6'))).resolves.toMatchObject({ ok: true });
  });

  it('one source or one address asking for many people stops at its own budget, and only it does', async () => {
    build({ maxSendsPerSourcePerHour: 2, maxSendsPerAddressPerHour: 3 });
    await expect(send(h, 1, web(1))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 2, web(1))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 3, web(1))).resolves.toMatchObject({ ok: false, reason: 'source_limit', retryAt: h.clock.now() + HOUR });
    await expect(send(h, 4, web(2))).resolves.toMatchObject({ ok: true });
    for (const n of [5, 6, 7]) await expect(send(h, n, web(n, 'office'))).resolves.toMatchObject({ ok: true });
    await expect(send(h, 8, web(8, 'office'))).resolves.toMatchObject({ ok: false, reason: 'source_limit' });
    await expect(send(h, 9, web(9, 'elsewhere'))).resolves.toMatchObject({ ok: true });
    // A refusal takes nothing: the refused person's own budget is untouched.
    h.clock.advance(HOUR);
    await expect(send(h, 3, web(1))).resolves.toMatchObject({ ok: true });
  });

  it('an undelivered code gives its sends back to every budget', async () => {
    build({ maxSendsPerSourcePerHour: 1 });
    h.sender.next = { ok: false, failure: { kind: 'invalid_number', delivered: 'no', userMessage: 'no' } };
    await expect(send(h, 1, web(1))).resolves.toMatchObject({ ok: false, reason: 'send_failed' });
    await expect(send(h, 2, web(1))).resolves.toMatchObject({ ok: true });
  });

  it('raises one alert per budget per interval, however many refusals follow', async () => {
    build({ maxSendsPerSourcePerHour: 1, maxWebchatSendsPerHour: 3 });
    await send(h, 1, web(1));
    for (const n of [2, 3, 4]) await send(h, n, web(1));
    expect(alerts.map((a) => a.budget)).toEqual(['code_source']);
    await send(h, 5, web(5));
    await send(h, 6, web(6));
    for (const n of [7, 8]) await send(h, n, web(n));
    expect(alerts.map((a) => a.budget)).toEqual(['code_source', 'code_webchat']);
    expect(alerts[1]).toMatchObject({ limit: 3, windowMinutes: 60, channel: 'webchat' });
    h.clock.advance(16 * MIN);
    await send(h, 9, web(1));
    expect(alerts.map((a) => a.budget)).toEqual(['code_source', 'code_webchat', 'code_source']);
  });

  it("an outsider asking for the person's codes does not use up the person's own sends in Teams", async () => {
    build({});
    const oid = ALICE.objectId ?? '';
    for (let i = 0; i < 3; i++) await expect(h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: `w${i}`, channel: 'sms', method: 'mobile', requester: web(i) })).resolves.toMatchObject({ ok: true });
    await expect(h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 'w4', channel: 'sms', method: 'mobile', requester: web(4) })).resolves.toMatchObject({ ok: false, reason: 'person_15min_limit' });
    await expect(h.service.sendCode({ purpose: 'identity', person: ALICE, conversationId: 't1', channel: 'sms', method: 'mobile', requester: teams(oid) })).resolves.toMatchObject({ ok: true });
  });
});
