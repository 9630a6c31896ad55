import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import {
  decodeCursor,
  encodeCursor,
  InvalidTicketTransitionError,
  TICKET_NUMBER_COUNTER,
  TICKET_STATUSES,
  TICKET_TYPES,
  TICKETS_COLLECTION,
  TicketAlreadyClaimedError,
  TicketNotFoundError,
  TicketService,
  TicketValidationError,
  type Ticket,
  type TicketEvent,
  type TicketNotifier,
} from '../../src/tickets';
import { capturingLogger, pendingTapTicket, steppingClock, ticketInput } from '../helpers/tickets';

function memoryService(options: { notifiers?: TicketNotifier[]; now?: () => Date } = {}) {
  const store = new SqliteDocumentStore({ filename: ':memory:' });
  const log = capturingLogger();
  const service = new TicketService({ store, logger: log.logger, ...options });
  return { store, service, log };
}

function recordingNotifier(): TicketNotifier & { events: TicketEvent[] } {
  const events: TicketEvent[] = [];
  return { name: 'recorder', events, notify: async (e) => void events.push(e) };
}

describe('TicketService.createTicket', () => {
  it('stores an open ticket with an MFA- id, a priority, history and redacted text', async () => {
    const { service, store } = memoryService({ now: () => new Date('2025-02-01T10:00:00.000Z') });
    const ticket = await service.createTicket(ticketInput({ conversationRef: { conversation: { id: 'conv-1' } }, sourceActivityId: 'act-1' }));
    expect(ticket).toMatchObject({
      id: 'MFA-000001',
      type: 'lost_device',
      priority: 'P3',
      status: 'open',
      channel: 'msteams',
      requester: { email: 'alex.smith@example.nhs.uk', name: 'Alex Smith', staffId: 'S1234' },
      verification: { verified: true, method: 'sms', destinationMasked: '***101' },
      accountCompromised: false,
      notes: [],
      history: [{ at: '2025-02-01T10:00:00.000Z', by: 'bot', action: 'created' }],
      createdAt: '2025-02-01T10:00:00.000Z',
      updatedAt: '2025-02-01T10:00:00.000Z',
      sourceActivityId: 'act-1',
    });
    expect((await store.collection(TICKETS_COLLECTION).get('MFA-000001'))?.doc).toEqual(ticket);
    expect(await service.get('MFA-000001')).toEqual(ticket);
  });

  it('creates 200 tickets in parallel with 200 unique ids, all readable', async () => {
    const { service } = memoryService();
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => service.createTicket(ticketInput({ summary: `ticket ${i}` }))));
    const ids = new Set(created.map((t) => t.id));
    expect(ids.size).toBe(200);
    for (const t of created) expect(t.id).toMatch(/^MFA-\d{6}$/);
    const read = await Promise.all([...ids].map((id) => service.get(id)));
    expect(read.every((t) => t !== undefined)).toBe(true);
    expect(new Set(read.map((t) => t?.summary)).size).toBe(200);
  });

  describe('across two processes sharing one database file', () => {
    let dir: string;
    let stores: SqliteDocumentStore[];
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tickets-'));
      stores = [0, 1].map(() => new SqliteDocumentStore({ filename: join(dir, 'helpdesk.sqlite') }));
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('gives unique ids', async () => {
      const services = stores.map((store) => new TicketService({ store, logger: capturingLogger().logger }));
      const created = await Promise.all(Array.from({ length: 100 }, (_, i) => services[i % 2].createTicket(ticketInput())));
      expect(new Set(created.map((t) => t.id)).size).toBe(100);
      expect(await stores[0].increment(TICKET_NUMBER_COUNTER, 0)).toBe(100);
    });

    it('opens one ticket for one activity delivered to both', async () => {
      const services = stores.map((store) => new TicketService({ store, logger: capturingLogger().logger }));
      const input = ticketInput({ sourceActivityId: 'teams-retry-1' });
      const created = await Promise.all(Array.from({ length: 10 }, (_, i) => services[i % 2].createTicket(input)));
      expect(new Set(created.map((t) => t.id)).size).toBe(1);
      expect(await stores[1].collection(TICKETS_COLLECTION).count()).toBe(1);
    });
  });

  it('is idempotent by source activity: a retried activity returns the first ticket', async () => {
    const notifier = recordingNotifier();
    const { service, store } = memoryService({ notifiers: [notifier] });
    const input = ticketInput({ sourceActivityId: '1:abc', conversationRef: { conversation: { id: 'a:conv' } } });
    const first = await service.createTicket(input);
    const again = await service.createTicket(input);
    expect(again).toEqual(first);
    expect(await store.collection(TICKETS_COLLECTION).count()).toBe(1);
    await service.whenIdle();
    expect(notifier.events.map((e) => e.action)).toEqual(['created']);
  });

  it('is idempotent under concurrent deliveries of the same activity', async () => {
    const notifier = recordingNotifier();
    const { service, store } = memoryService({ notifiers: [notifier] });
    const input = ticketInput({ sourceActivityId: 'concurrent-1' });
    const created = await Promise.all(Array.from({ length: 25 }, () => service.createTicket(input)));
    expect(new Set(created.map((t) => t.id)).size).toBe(1);
    expect(await store.collection(TICKETS_COLLECTION).count()).toBe(1);
    await service.whenIdle();
    expect(notifier.events).toHaveLength(1);
  });

  it('treats the same activity id in another conversation or channel as another ticket', async () => {
    const { service } = memoryService();
    const a = await service.createTicket(ticketInput({ sourceActivityId: 'x', conversationRef: { conversation: { id: 'c1' } } }));
    const b = await service.createTicket(ticketInput({ sourceActivityId: 'x', conversationRef: { conversation: { id: 'c2' } } }));
    const c = await service.createTicket(ticketInput({ sourceActivityId: 'x', channel: 'webchat', conversationRef: { conversation: { id: 'c1' } } }));
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it('completes a ticket whose idempotency record exists without the ticket (creator stopped half-way)', async () => {
    const { service, store } = memoryService();
    const first = await service.createTicket(ticketInput({ sourceActivityId: 'half' }));
    await store.collection(TICKETS_COLLECTION).delete(first.id);
    const again = await service.createTicket(ticketInput({ sourceActivityId: 'half' }));
    expect(again.id).toBe(first.id);
    expect(await service.get(first.id)).toBeDefined();
  });

  it('keeps the last 20 turns and redacts codes and phone numbers in transcript and summary', async () => {
    const { service } = memoryService();
    const turns = Array.from({ length: 30 }, (_, i) => ({
      from: i % 2 === 0 ? ('user' as const) : ('bot' as const),
      text: `turn ${i}`,
      at: new Date(Date.UTC(2025, 0, 31, 9, 0, i)).toISOString(),
    }));
    turns.push(
      { from: 'user', text: 'my code is 482913', at: '2025-01-31T09:01:00.000Z' },
      { from: 'user', text: 'Try 123 456 or 7654321', at: '2025-01-31T09:01:01.000Z' },
      { from: 'user', text: 'my new number is +44 7700 900123, old one 07700900456', at: '2025-01-31T09:01:02.000Z' },
    );
    const ticket = await service.createTicket(ticketInput({ transcript: turns, summary: 'Call me on 07700 900789 (code 998877)' }));
    expect(ticket.transcript).toHaveLength(20);
    expect(ticket.transcript[0].text).toBe('turn 13');
    const texts = ticket.transcript.slice(-3).map((t) => t.text);
    expect(texts).toEqual(['my code is [code]', 'Try [code] or [code]', 'my new number is ***123, old one ***456']);
    expect(ticket.summary).toBe('Call me on ***789 (code [code])');
    const all = JSON.stringify(ticket);
    for (const secret of ['482913', '123 456', '7654321', '7700 900123', '07700900456', '900789', '998877']) expect(all).not.toContain(secret);
  });

  it.each([
    ['an unknown type', { type: 'hack' }, 'type'],
    ['details of the wrong shape', { details: { anyApproved: 'yes' } }, 'details.otherMethodAvailable'],
    ['an unknown channel', { channel: 'fax' }, 'channel'],
    ['unmasked verification', { verification: { verified: true, method: 'sms', destinationMasked: '+447700900101', at: '2025-01-31T09:00:00Z' } }, 'verification.destinationMasked'],
    ['a requester without any field', { requester: {} }, 'requester'],
    ['an empty summary', { summary: '  ' }, 'summary'],
  ])('rejects %s with a TicketValidationError naming the field', async (_name, override, field) => {
    const { service, store } = memoryService();
    const err = await service.createTicket({ ...ticketInput(), ...override } as ReturnType<typeof ticketInput>).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketValidationError);
    expect((err as TicketValidationError).fields.map((f) => f.field)).toContain(field);
    expect(await store.collection(TICKETS_COLLECTION).count()).toBe(0);
  });

  it('accepts every ticket type with its details', async () => {
    const { service } = memoryService();
    const inputs = [
      ticketInput({ type: 'change_method', details: { newNumberE164: '+447700900123', newNumberProof: { verified: true, method: 'sms', destinationMasked: '***123', at: '2025-01-31T09:00:00Z' } } }),
      ticketInput({ type: 'new_device', details: { oldDeviceAvailable: false, platform: 'ios' } }),
      ticketInput({ type: 'suspicious_prompt', details: { promptCount: 3, firstSeenAt: '2025-01-31T08:00:00Z', anyApproved: false, passwordReset: true } }),
      ticketInput({
        type: 'exception_request',
        details: { reasonCategory: 'no_mobile_signal', justification: 'Works in a basement', duration: '30 days', lineManagerEmail: 'Boss@Example.nhs.uk', needsLocalAdminApproval: true },
      }),
      ticketInput({ type: 'other', details: { actionRequested: false, topic: 'grace period' } }),
    ];
    const created = await Promise.all(inputs.map((i) => service.createTicket(i)));
    expect(created.map((t) => [t.type, t.priority])).toEqual([
      ['change_method', 'P3'],
      ['new_device', 'P3'],
      ['suspicious_prompt', 'P2'],
      ['exception_request', 'P3'],
      ['other', 'P4'],
    ]);
    const exception = created[3];
    expect(exception.type === 'exception_request' && exception.details.lineManagerEmail).toBe('boss@example.nhs.uk');
    const newDevice = created[1];
    expect(newDevice.type === 'new_device' && newDevice.details.actionsNeeded).toEqual([]);
  });

  it('makes a ticket for an account flagged compromised P1', async () => {
    const { service } = memoryService();
    expect((await service.createTicket(ticketInput({ accountCompromised: true }))).priority).toBe('P1');
  });
});

describe('TicketService lifecycle', () => {
  let service: TicketService;
  let notifier: TicketNotifier & { events: TicketEvent[] };
  let ticket: Ticket;
  beforeEach(async () => {
    notifier = recordingNotifier();
    service = memoryService({ notifiers: [notifier], now: steppingClock() }).service;
    ticket = await service.createTicket(ticketInput());
  });

  it('lets exactly one of two concurrent claims win; the loser is told who holds it', async () => {
    const results = await Promise.allSettled([service.claim(ticket.id, 'alice'), service.claim(ticket.id, 'bob')]);
    const won = results.filter((r): r is PromiseFulfilledResult<Ticket> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0].value.assignee;
    expect(['alice', 'bob']).toContain(winner);
    expect(lost[0].reason).toBeInstanceOf(TicketAlreadyClaimedError);
    expect((lost[0].reason as TicketAlreadyClaimedError).holder).toBe(winner);
    expect((lost[0].reason as Error).message).toContain(`claimed by ${winner}`);
    const stored = await service.get(ticket.id);
    expect(stored?.history.filter((h) => h.action === 'claimed')).toHaveLength(1);
  });

  it('lets exactly one of many concurrent claims win across two store connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickets-claim-'));
    const stores = [0, 1].map(() => new SqliteDocumentStore({ filename: join(dir, 'helpdesk.sqlite') }));
    try {
      const [a, b] = stores.map((store) => new TicketService({ store, logger: capturingLogger().logger }));
      const t = await a.createTicket(ticketInput());
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claim(t.id, `agent-${i}`)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const holder = (await b.get(t.id))?.assignee;
      for (const r of results) if (r.status === 'rejected') expect((r.reason as TicketAlreadyClaimedError).holder).toBe(holder);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('treats a repeated claim by the holder as a no-op', async () => {
    await service.claim(ticket.id, 'alice');
    const again = await service.claim(ticket.id, 'alice');
    expect(again.status).toBe('claimed');
    expect(again.history.map((h) => h.action)).toEqual(['created', 'claimed']);
  });

  it('walks open → claimed → resolved, appending history and notifying each step', async () => {
    await service.claim(ticket.id, 'alice');
    await service.addNote(ticket.id, { agent: 'alice', text: 'Removed the old phone.', visibleToUser: true });
    const resolved = await service.resolve(ticket.id, { agent: 'alice', resolution: 'Authenticator re-registered.' });
    expect(resolved).toMatchObject({ status: 'resolved', assignee: 'alice', resolution: 'Authenticator re-registered.' });
    expect(resolved.history.map((h) => [h.action, h.by])).toEqual([
      ['created', 'bot'],
      ['claimed', 'alice'],
      ['note_added', 'alice'],
      ['resolved', 'alice'],
    ]);
    expect(resolved.notes).toEqual([{ at: expect.any(String), agent: 'alice', text: 'Removed the old phone.', visibleToUser: true }]);
    expect(resolved.updatedAt > resolved.createdAt).toBe(true);
    await service.whenIdle();
    expect(notifier.events.map((e) => e.action)).toEqual(['created', 'claimed', 'note_added', 'resolved']);
    expect(notifier.events[2].note?.text).toBe('Removed the old phone.');
  });

  it('resolves an open ticket directly, making the resolver the assignee', async () => {
    const resolved = await service.resolve(ticket.id, { agent: 'carol', resolution: 'Done' });
    expect(resolved).toMatchObject({ status: 'resolved', assignee: 'carol' });
  });

  type Step = (s: TicketService, id: string) => Promise<unknown>;
  const resolveBy = (agent: string): Step => (s, id) => s.resolve(id, { agent, resolution: 'r' });
  const cancelBy = (agent: string): Step => (s, id) => s.cancel(id, agent);
  const claimBy = (agent: string): Step => (s, id) => s.claim(id, agent);
  it.each<[string, Step, Step, typeof InvalidTicketTransitionError | typeof TicketAlreadyClaimedError]>([
    ['claim a resolved ticket', resolveBy('a'), claimBy('b'), InvalidTicketTransitionError],
    ['resolve a cancelled ticket', cancelBy('a'), resolveBy('a'), InvalidTicketTransitionError],
    ['cancel a resolved ticket', resolveBy('a'), cancelBy('a'), InvalidTicketTransitionError],
    ['resolve a resolved ticket', resolveBy('a'), resolveBy('a'), InvalidTicketTransitionError],
    ['cancel a cancelled ticket', cancelBy('a'), cancelBy('a'), InvalidTicketTransitionError],
    ['claim a cancelled ticket', cancelBy('a'), claimBy('a'), InvalidTicketTransitionError],
    ['resolve a ticket another agent holds', claimBy('alice'), resolveBy('bob'), TicketAlreadyClaimedError],
  ])('refuses to %s, changing nothing', async (_name, setup, attempt, errorType) => {
    await setup(service, ticket.id);
    await service.whenIdle();
    const before = await service.get(ticket.id);
    const eventsBefore = notifier.events.length;
    await expect(attempt(service, ticket.id)).rejects.toBeInstanceOf(errorType);
    await service.whenIdle();
    expect(await service.get(ticket.id)).toEqual(before);
    expect(notifier.events).toHaveLength(eventsBefore);
  });

  it('cancels a claimed ticket', async () => {
    await service.claim(ticket.id, 'alice');
    expect((await service.cancel(ticket.id, 'bob')).status).toBe('cancelled');
  });

  it('adds notes to a closed ticket too', async () => {
    await service.cancel(ticket.id, 'a');
    const t = await service.addNote(ticket.id, { agent: 'a', text: 'Duplicate of another ticket' });
    expect(t.notes[0]).toMatchObject({ visibleToUser: false });
  });

  it.each(['MFA-999999', 'MFA-1', 'nope', '../tickets'])('throws TicketNotFoundError for %s', async (id) => {
    await expect(service.claim(id, 'a')).rejects.toBeInstanceOf(TicketNotFoundError);
    await expect(service.get(id)).resolves.toBeUndefined();
  });

  it('rejects an empty agent name', async () => {
    await expect(service.claim(ticket.id, ' ')).rejects.toBeInstanceOf(TicketValidationError);
  });

  it('keeps the ticket when a notifier fails, and logs it', async () => {
    const log = capturingLogger();
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const failing: TicketNotifier = { name: 'broken', notify: () => Promise.reject(new Error('down')) };
    const throwing: TicketNotifier = {
      name: 'throws',
      notify: () => {
        throw new Error('sync');
      },
    };
    const s = new TicketService({ store, logger: log.logger, notifiers: [failing, throwing] });
    const t = await s.createTicket(ticketInput());
    expect(await s.whenIdle(1000)).toBe(true);
    expect(await s.get(t.id)).toBeDefined();
    expect(log.lines().filter((l) => l.msg === 'ticket notifier failed').map((l) => l.notifier).sort()).toEqual(['broken', 'throws']);
  });

  it('lets a notifier be added and removed later', async () => {
    const late = recordingNotifier();
    const remove = service.addNotifier(late);
    await service.claim(ticket.id, 'a');
    remove();
    await service.cancel(ticket.id, 'a');
    await service.whenIdle();
    expect(late.events.map((e) => e.action)).toEqual(['claimed']);
  });
});

describe('TicketService.list', () => {
  it('pages newest first with a cursor, without duplicates or gaps, also when timestamps tie', async () => {
    // Every reading of this clock advances 500 ms, but pairs of tickets share a timestamp.
    let reading = 0;
    const now = () => new Date(Date.UTC(2025, 1, 1, 8, 0, Math.floor(reading++ / 2)));
    const { service } = memoryService({ now });
    for (let i = 0; i < 45; i++) await service.createTicket(ticketInput({ summary: `n${i}` }));
    const seen: Ticket[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<TicketService['list']>> = await service.list({ limit: 10, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(45);
    expect(new Set(seen.map((t) => t.id)).size).toBe(45);
    const order = seen.map((t) => `${t.createdAt}|${t.id}`);
    expect(order).toEqual([...order].sort().reverse());
    expect(seen[0].summary).toBe('n44');
  });

  it('filters by status, priority and type', async () => {
    const { service } = memoryService({ now: steppingClock() });
    const p1 = await service.createTicket(ticketInput({ type: 'suspicious_prompt', details: { anyApproved: true, passwordReset: false } }));
    const p4 = await service.createTicket(ticketInput({ type: 'other', details: { actionRequested: false } }));
    const p3 = await service.createTicket(ticketInput());
    await service.claim(p3.id, 'alice');
    expect((await service.list({ priority: 'P1' })).items.map((t) => t.id)).toEqual([p1.id]);
    expect((await service.list({ type: 'other' })).items.map((t) => t.id)).toEqual([p4.id]);
    expect((await service.list({ status: 'claimed' })).items.map((t) => t.id)).toEqual([p3.id]);
    expect((await service.list({ status: 'open' })).items.map((t) => t.id)).toEqual([p4.id, p1.id]);
    expect((await service.list({ status: 'open', priority: 'P4', type: 'other' })).items.map((t) => t.id)).toEqual([p4.id]);
    expect(await service.list({ status: 'resolved' })).toEqual({ items: [], nextCursor: null });
  });

  it('rejects a forged cursor and values outside the enums', async () => {
    const { service } = memoryService();
    await expect(service.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(TicketValidationError);
    const forged = Buffer.from(JSON.stringify({ createdAt: { $gt: '' }, id: 'MFA-000001' })).toString('base64url');
    await expect(service.list({ cursor: forged })).rejects.toBeInstanceOf(TicketValidationError);
    await expect(service.list({ status: 'pending' as 'open' })).rejects.toBeInstanceOf(TicketValidationError);
  });

  it('round-trips cursors', () => {
    const position = { createdAt: '2025-02-01T08:00:00.000Z', id: 'MFA-000007' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
    expect(decodeCursor('e30')).toBeUndefined();
  });
});

describe('TicketService requester-facing calls', () => {
  let service: TicketService;
  let mine: Ticket;
  let theirs: Ticket;
  beforeEach(async () => {
    service = memoryService({ now: steppingClock() }).service;
    mine = await service.createTicket(ticketInput({ requester: { email: 'Me@Example.nhs.uk', personId: 'p-1' } }));
    theirs = await service.createTicket(ticketInput({ requester: { email: 'other@example.nhs.uk' } }));
  });

  it('lists the requester\'s own tickets by email (any case) or person id, without internal details', async () => {
    await service.addNote(mine.id, { agent: 'alice', text: 'internal: check the audit log', visibleToUser: false });
    await service.addNote(mine.id, { agent: 'alice', text: 'We are on it.', visibleToUser: true });
    const second = await service.createTicket(ticketInput({ requester: { personId: 'p-1' } }));
    const byEmail = await service.listForRequester({ email: 'ME@example.NHS.UK' });
    expect(byEmail.map((t) => t.id)).toEqual([mine.id]);
    expect(byEmail[0]).toEqual({
      id: mine.id,
      type: 'lost_device',
      status: 'open',
      summary: mine.summary,
      createdAt: mine.createdAt,
      updatedAt: expect.any(String),
      notes: [{ at: expect.any(String), text: 'We are on it.' }],
    });
    expect(JSON.stringify(byEmail)).not.toContain('internal');
    expect((await service.listForRequester({ personId: 'p-1' })).map((t) => t.id)).toEqual([second.id, mine.id]);
    expect((await service.listForRequester({ email: 'me@example.nhs.uk', personId: 'p-1' })).map((t) => t.id)).toEqual([second.id, mine.id]);
    await expect(service.listForRequester({})).rejects.toBeInstanceOf(TicketValidationError);
  });

  it('cancels the requester\'s own open ticket', async () => {
    const view = await service.cancelOwn(mine.id, { email: 'me@example.nhs.uk' });
    expect(view.status).toBe('cancelled');
    expect((await service.get(mine.id))?.history.at(-1)).toMatchObject({ action: 'cancelled', by: 'requester' });
  });

  it('does not cancel someone else\'s ticket, and does not reveal it exists', async () => {
    await expect(service.cancelOwn(theirs.id, { email: 'me@example.nhs.uk' })).rejects.toBeInstanceOf(TicketNotFoundError);
    expect((await service.get(theirs.id))?.status).toBe('open');
  });

  it('does not cancel a ticket an agent has already claimed', async () => {
    await service.claim(mine.id, 'alice');
    await expect(service.cancelOwn(mine.id, { personId: 'p-1' })).rejects.toBeInstanceOf(InvalidTicketTransitionError);
  });
});

describe('TicketService.countsSince', () => {
  it('counts the tickets opened since a time by type and current status, zeros included, across batches', async () => {
    let now = Date.parse('2025-03-01T00:00:00.000Z');
    const { service } = memoryService({ now: () => new Date(now) });
    const open = async (overrides: Parameters<typeof ticketInput>[0], at: string) => {
      now = Date.parse(at);
      return service.createTicket(ticketInput(overrides));
    };
    await open({}, '2025-02-20T09:00:00.000Z'); // before the period: not counted
    const question = { type: 'other', details: { actionRequested: false } } as const;
    const since = new Date('2025-02-22T00:00:00.000Z');
    for (let i = 0; i < 510; i++) await open(question, new Date(Date.parse('2025-02-23T00:00:00.000Z') + i * 1000).toISOString());
    const lost = await open({}, '2025-02-27T10:00:00.000Z');
    const another = await open({}, '2025-02-28T10:00:00.000Z');
    await service.claim(lost.id, 'alice');
    await service.resolve(another.id, { agent: 'alice', resolution: 'Done' });
    now = Date.parse('2025-03-01T00:00:00.000Z');

    const stats = await service.countsSince(since);
    expect(stats).toMatchObject({ since: since.toISOString(), until: '2025-03-01T00:00:00.000Z', total: 512 });
    expect(stats.counts).toHaveLength(TICKET_TYPES.length * TICKET_STATUSES.length);
    const count = (type: string, status: string) => stats.counts.find((c) => c.type === type && c.status === status)?.count;
    expect(count('other', 'open')).toBe(510);
    expect(count('lost_device', 'claimed')).toBe(1);
    expect(count('lost_device', 'resolved')).toBe(1);
    expect(count('lost_device', 'open')).toBe(0);
    expect(count('suspicious_prompt', 'cancelled')).toBe(0);
  });

  it('counts nothing in an empty store', async () => {
    const { service } = memoryService();
    const stats = await service.countsSince(new Date(Date.now() - 86_400_000));
    expect(stats.total).toBe(0);
    expect(stats.counts.every((c) => c.count === 0)).toBe(true);
  });
});

describe('TicketService: the second check of a Temporary Access Pass', () => {
  const tapTicket = () =>
    ticketInput(pendingTapTicket());

  it('a call-back answered with # records it, as a call-back by the bot, and the number called becomes the proving number', async () => {
    const { service } = memoryService();
    const opened = await service.createTicket(tapTicket());
    await expect(service.resolve(opened.id, { agent: 'Sam', resolution: 'TAP issued' })).rejects.toMatchObject({ code: 'second_check_pending' });
    const after = await service.recordCallbackOutcome(opened.id, 'verified', '***102');
    expect(after.type === 'lost_device' && after.details).toMatchObject({
      provingPhone: { numberMasked: '***102' },
      temporaryAccessPass: { requested: true, secondCheck: { status: 'recorded', method: 'callback', by: 'bot', note: expect.stringMatching(/ending 102/) as unknown } },
    });
    expect(after.history.map((h) => h.action)).toEqual(['created', 'callback_verified', 'second_check_recorded']);
    expect((await service.resolve(opened.id, { agent: 'Sam', resolution: 'TAP issued' })).status).toBe('resolved');
  });

  it('a denied or unanswered call-back leaves it pending', async () => {
    const { service } = memoryService();
    const opened = await service.createTicket(tapTicket());
    for (const outcome of ['no_answer', 'denied'] as const) {
      const after = await service.recordCallbackOutcome(opened.id, outcome, '***102');
      expect(after.type === 'lost_device' && after.details.temporaryAccessPass).toEqual({ requested: true, secondCheck: { status: 'pending' } });
    }
  });

  it('refuses a check on a ticket that is closed, or that asks for no pass', async () => {
    const { service } = memoryService();
    const noPass = await service.createTicket(ticketInput());
    await expect(service.recordSecondCheck(noPass.id, { agent: 'Sam', method: 'line_manager', note: 'ok' })).rejects.toMatchObject({ code: 'second_check_not_requested' });
    const closed = await service.createTicket(tapTicket());
    await service.cancel(closed.id, 'Sam');
    await expect(service.recordSecondCheck(closed.id, { agent: 'Sam', method: 'line_manager', note: 'ok' })).rejects.toMatchObject({ code: 'invalid_transition' });
    await expect(service.recordSecondCheck(closed.id, { agent: 'Sam\u202e', method: 'line_manager', note: 'ok' })).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
