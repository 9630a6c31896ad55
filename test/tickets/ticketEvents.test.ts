import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { TicketNotFoundError, TicketService, TicketValidationError, type TicketEvent } from '../../src/tickets';
import { capturingLogger, steppingClock, ticketInput } from '../helpers/tickets';

function service() {
  const events: TicketEvent[] = [];
  const tickets = new TicketService({
    store: new SqliteDocumentStore({ filename: ':memory:' }),
    logger: capturingLogger().logger,
    now: steppingClock(),
    notifiers: [{ name: 'recorder', notify: async (e) => void events.push(e) }],
  });
  return { tickets, events };
}

describe('TicketService.markPersonNotNotified', () => {
  it('sets the flag and a history entry once per reason, and announces it', async () => {
    const { tickets, events } = service();
    const t = await tickets.createTicket(ticketInput());
    const marked = await tickets.markPersonNotNotified(t.id, 'the bot is no longer in their chat');
    expect(marked.personNotNotified).toEqual({ at: marked.updatedAt, reason: 'the bot is no longer in their chat' });
    expect(marked.history.at(-1)).toMatchObject({ action: 'person_not_notified', by: 'bot', note: 'the bot is no longer in their chat' });
    const again = await tickets.markPersonNotNotified(t.id, 'the bot is no longer in their chat');
    expect(again.history).toHaveLength(2);
    await tickets.whenIdle();
    expect(events.map((e) => e.action)).toEqual(['created', 'person_not_notified']);
    const other = await tickets.markPersonNotNotified(t.id, 'their conversation no longer exists');
    expect(other.personNotNotified?.reason).toBe('their conversation no longer exists');
    expect(other.status).toBe('open');
  });

  it('refuses an empty reason and unknown tickets', async () => {
    const { tickets } = service();
    const t = await tickets.createTicket(ticketInput());
    await expect(tickets.markPersonNotNotified(t.id, ' ')).rejects.toBeInstanceOf(TicketValidationError);
    await expect(tickets.markPersonNotNotified('MFA-999999', 'gone')).rejects.toBeInstanceOf(TicketNotFoundError);
  });
});

describe('TicketService.recordEvent', () => {
  it('appends chat and handoff entries in any status without changing the ticket otherwise', async () => {
    const { tickets, events } = service();
    const t = await tickets.createTicket(ticketInput());
    await tickets.claim(t.id, 'alice');
    await tickets.recordEvent(t.id, 'chat_started', 'alice');
    await tickets.resolve(t.id, { agent: 'alice', resolution: 'done' });
    const after = await tickets.recordEvent(t.id, 'chat_ended', 'alice', 'chat ended: resolved');
    expect(after).toMatchObject({ status: 'resolved', assignee: 'alice', resolution: 'done' });
    expect(after.history.map((h) => [h.action, h.note])).toEqual([
      ['created', undefined],
      ['claimed', undefined],
      ['chat_started', undefined],
      ['resolved', 'done'],
      ['chat_ended', 'chat ended: resolved'],
    ]);
    await tickets.whenIdle();
    expect(events.map((e) => e.action)).toEqual(['created', 'claimed', 'chat_started', 'resolved', 'chat_ended']);
  });

  it('accepts only the event actions', async () => {
    const { tickets } = service();
    const t = await tickets.createTicket(ticketInput());
    // @ts-expect-error -- status changes go through their own methods
    await expect(tickets.recordEvent(t.id, 'resolved', 'alice')).rejects.toBeInstanceOf(TicketValidationError);
  });
});
