import { TicketStatusDialog } from '../../dialogs/ticketStatusDialog';
import type { Ticket } from '../../src/tickets';
import { latestCode, play, session, type Turn } from '../support/dialogTranscripts';
import { helpdeskWorld, type HelpdeskWorld } from '../support/helpdeskServices';

const ALICE = { email: 'alice.smith@example.nhs.net', personId: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e01' };

async function ticketFor(w: HelpdeskWorld, requester: { email: string; personId?: string }, summary: string): Promise<Ticket> {
  return w.tickets.createTicket({
    type: 'other',
    details: { actionRequested: true },
    requester,
    channel: 'webchat',
    verification: { verified: false, reason: 'test' },
    summary,
  });
}

const VERIFY_ALICE: Turn[] = [
  ['start', [/check it's you before I show you your tickets/, /NHSmail email address/]],
  ['alice.smith@example.nhs.net', /How should I send your code/],
  ['Text to mobile ending 101', /sent a 6-digit code/],
];

describe('TicketStatusDialog', () => {
  let w: HelpdeskWorld;
  beforeEach(async () => {
    w = await helpdeskWorld();
  });

  it('shows only the verified person’s own tickets', async () => {
    const mine = await ticketFor(w, ALICE, 'Lost phone');
    const theirs = await ticketFor(w, { email: 'bob.jones@example.nhs.net' }, 'Someone else');
    await w.tickets.claim(mine.id, 'Agent Smith');
    await w.tickets.addNote(mine.id, { agent: 'Agent Smith', text: 'Calling you at 2pm', visibleToUser: true });
    await w.tickets.addNote(mine.id, { agent: 'Agent Smith', text: 'internal: check HR record', visibleToUser: false });
    const s = session(new TicketStatusDialog(w.services), 'webchat', { action: 'status' });
    await play(s, w, [
      ...VERIFY_ALICE,
      [
        (x) => latestCode(x, '+447700900101'),
        [
          /right code/,
          (r) => {
            expect(r.text).toContain(mine.id);
            expect(r.text).toMatch(/an agent is working on it/);
            expect(r.text).toContain('Calling you at 2pm');
            expect(r.text).not.toContain('internal');
            expect(r.text).not.toContain(theirs.id);
          },
        ],
      ],
    ]);
  });

  it('cancels the person’s own open ticket', async () => {
    const mine = await ticketFor(w, ALICE, 'Asked for a person');
    const s = session(new TicketStatusDialog(w.services), 'webchat', { action: 'cancel' });
    await play(s, w, [...VERIFY_ALICE, [(x) => latestCode(x, '+447700900101'), [/right code/, /Which ticket would you like to cancel/]], [`Cancel ${mine.id}`, /is cancelled/]]);
    expect((await w.tickets.get(mine.id))?.status).toBe('cancelled');
  });

  it('will not cancel someone else’s ticket named by id', async () => {
    const theirs = await ticketFor(w, { email: 'bob.jones@example.nhs.net' }, 'Bob’s ticket');
    const s = session(new TicketStatusDialog(w.services), 'webchat', { action: 'cancel', ticketId: theirs.id });
    await play(s, w, [...VERIFY_ALICE, [(x) => latestCode(x, '+447700900101'), [/right code/, /don't have an open ticket I can cancel/]]]);
    expect((await w.tickets.get(theirs.id))?.status).toBe('open');
  });

  it('shows nothing without a verified identity', async () => {
    await ticketFor(w, { email: 'carol.white@example.nhs.net' }, 'Carol’s ticket');
    const s = session(new TicketStatusDialog(w.services), 'webchat', { action: 'status' });
    await play(s, w, [
      ['start', [/check it's you/, /email address/]],
      ['carol.white@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['carol.white@example.nhs.net', [/I can't send a code for that account/, /can only show tickets to the person they belong to/]],
    ]);
  });
});
