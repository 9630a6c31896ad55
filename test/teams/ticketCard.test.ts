import { MessageFactory } from 'botbuilder';
import { createNoticeCard, TICKET_CARD_VERBS } from '../../cards';
import { ticketCardAttachment, ticketCardData, verificationBadge, type RelayRecord } from '../../src/teams';
import type { Ticket } from '../../src/tickets';
import { actionsOf, adaptiveCardIssues } from '../cards/adaptiveCardsSdk';

/** Teams refuses messages larger than about 28 KB. */
const TEAMS_MESSAGE_LIMIT = 28 * 1024;

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 'MFA-000042',
    type: 'lost_device',
    details: {
      otherMethodAvailable: false,
      canWork: false,
      lostPhone: { method: 'mobile', numberMasked: '***201' },
      temporaryAccessPass: {
        requested: true,
        secondCheck: { status: 'recorded', method: 'line_manager', by: 'Sam Agent', at: '2025-01-31T09:30:00.000Z', note: 'Jo Bloggs confirmed by phone' },
      },
      actionsNeeded: ['remove_authenticator'],
    },
    priority: 'P2',
    status: 'open',
    requester: { name: 'Alex Smith', email: 'alex.smith@example.nhs.uk', staffId: 'S1234' },
    channel: 'msteams',
    verification: { verified: true, method: 'sms', destinationMasked: '***101', at: '2025-01-31T09:00:00.000Z' },
    accountCompromised: false,
    summary: 'Lost phone; no other method.',
    transcript: [],
    history: [{ at: '2025-01-31T09:00:00.000Z', by: 'bot', action: 'created' }],
    notes: [],
    createdAt: '2025-01-31T09:00:00.000Z',
    updatedAt: '2025-01-31T09:00:00.000Z',
    ...overrides,
  } as Ticket;
}

const relay = (state: RelayRecord['state']): RelayRecord => ({
  ticketId: 'MFA-000042',
  state,
  agent: { id: '29:alice', name: 'Alice Agent' },
  personName: 'Alex Smith',
  personConversationId: 'a:1',
  personReference: { channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: 'a:1', isGroup: false, conversationType: 'personal', name: '' } },
  threadConversationId: '19:t@thread.tacv2;messageid=1',
  threadReference: { channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: '19:t@thread.tacv2;messageid=1', isGroup: true, conversationType: 'channel', name: '' } },
  startedAt: '2025-01-31T09:05:00.000Z',
});

describe('ticket card', () => {
  it.each([
    ['open', ticket()],
    ['claimed with a live chat', ticket({ status: 'claimed', assignee: 'Alice Agent' })],
    ['resolved', ticket({ status: 'resolved', assignee: 'Alice Agent', resolution: 'Done.' })],
  ])('%s: the Adaptive Cards SDK parses it without issues, with fallback text and speech', (_name, t) => {
    const attachment = ticketCardAttachment(t, { relay: relay('live') });
    const card = attachment.content as Record<string, unknown>;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(adaptiveCardIssues(card)).toEqual([]);
    expect(String(card.fallbackText)).toContain('MFA-000042');
    expect(String(card.speak)).toContain('MFA-000042');
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it('every button is an Action.Execute (or opens one) with a verb and the ticket id', () => {
    const card = ticketCardAttachment(ticket({ status: 'claimed', assignee: 'Alice Agent' }), { relay: relay('live') }).content as Record<string, unknown>;
    const executes = actionsOf(card).filter((a) => a.type === 'Action.Execute');
    expect(executes.map((a) => a.verb).sort()).toEqual(
      ['addNote', 'cancelTicket', 'endChat', 'refreshTicket', 'resolveTicket', 'verifyByCallback'].sort(),
    );
    for (const a of executes) expect(a.data).toEqual({ ticketId: 'MFA-000042' });
    expect(actionsOf(card).filter((a) => a.type === 'Action.Submit')).toEqual([]);
    expect(Object.values(TICKET_CARD_VERBS)).toContain('claimTicket');
    const inputs = JSON.stringify(card);
    expect(inputs).toContain('"id":"noteText"');
    expect(inputs).toContain('"id":"visibleToUser"');
    expect(inputs).toContain('"id":"resolution"');
  });

  it('a lost phone: both numbers masked, and a pass waiting for its second check replaces Resolve with "Record second check"', () => {
    const pending = ticket({
      details: {
        otherMethodAvailable: false,
        canWork: false,
        lostPhone: { method: 'alternateMobile', numberMasked: '***102' },
        provingPhone: { numberMasked: '***101' },
        temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } },
        actionsNeeded: [],
      },
    });
    const facts = Object.fromEntries(ticketCardData(pending).facts.map((f) => [f.title, f.value]));
    expect(facts).toMatchObject({
      'Lost phone': 'other mobile ending 102',
      'Proved by': 'number ending 101',
      'Temporary Access Pass': expect.stringMatching(/^Requested\. Second check PENDING/) as unknown,
    });
    const card = ticketCardAttachment(pending).content as Record<string, unknown>;
    expect(adaptiveCardIssues(card)).toEqual([]);
    const verbs = actionsOf(card).filter((a) => a.type === 'Action.Execute').map((a) => a.verb);
    expect(verbs).toContain('recordSecondCheck');
    expect(verbs).not.toContain('resolveTicket');
    // Once recorded, Resolve is back and the card says who checked, how and when.
    const done = ticketCardData(ticket());
    expect(done.can).toMatchObject({ resolve: true, recordSecondCheck: false });
    expect(done.facts.find((f) => f.title === 'Temporary Access Pass')?.value).toBe(
      "Requested. Second check recorded: line manager's confirmation by Sam Agent, 2025-01-31 09:30 UTC (Jo Bloggs confirmed by phone).",
    );
    const notNeeded = ticketCardData(
      ticket({ details: { otherMethodAvailable: true, otherMethods: ['officePhone', 'fido2'], canWork: true, temporaryAccessPass: { requested: false }, actionsNeeded: [] } }),
    );
    expect(notNeeded.facts.find((f) => f.title === 'Temporary Access Pass')?.value).toBe('Not needed: another method is registered (office phone, security key). Remove the lost phone only.');
    expect(notNeeded.facts.find((f) => f.title === 'Lost phone')?.value).toBe('Not known: ask which phone was lost');
    // A ticket stored before tickets recorded the pass still renders, with Resolve.
    const older = ticketCardData({ ...ticket(), details: { otherMethodAvailable: false, canWork: false, actionsNeeded: [] } } as unknown as Ticket);
    expect(older.facts.find((f) => f.title === 'Temporary Access Pass')?.value).toMatch(/^Not recorded on this ticket/);
    expect(older.can).toMatchObject({ resolve: true, recordSecondCheck: false });
  });

  it('shows the verification badge both ways', () => {
    expect(verificationBadge({ verified: true, method: 'sms', destinationMasked: '***101', at: '2025-01-31T09:00:00.000Z' })).toBe(
      'Verified by SMS to mobile ending 101',
    );
    expect(verificationBadge({ verified: true, method: 'voice', destinationMasked: '***202', at: '2025-01-31T09:00:00.000Z' })).toBe(
      'Verified by voice call to number ending 202',
    );
    expect(verificationBadge({ verified: false, reason: 'no number on record' })).toBe('Identity NOT verified: no number on record');
    const card = JSON.stringify(ticketCardAttachment(ticket({ verification: { verified: false, reason: 'locked out' } })).content);
    expect(card).toContain('Identity NOT verified: locked out');
    expect(card).toContain('"style":"attention"');
  });

  it('shows an unverified requester as a claim, with what was typed, never as the requester', () => {
    const card = JSON.stringify(
      ticketCardAttachment(ticket({ requester: { claimed: 'bob.jones@example.nhs.net', personId: 'p-2' }, verification: { verified: false, reason: 'send failed' } })).content,
    );
    expect(card).toContain('Claimed, not verified: \\"bob.jones@example.nhs.net\\"');
    expect(card).not.toMatch(/Requester[^}]*"value":"bob\.jones@/);
  });

  it('never shows a full phone number or a code, and does not evaluate template syntax in ticket text', () => {
    const risky = ticket({
        requester: { name: 'Alex 07700 900123', email: 'alex@example.nhs.uk' },
        summary: 'Wants +447700900123 added; said code 123456. ${status} ${fallbackText} [reset here](https://evil.example/)',
        notes: [{ at: '2025-01-31T09:10:00.000Z', agent: 'Alice Agent', text: 'Rang 07700900123', visibleToUser: false }],
        personNotNotified: { at: '2025-01-31T09:11:00.000Z', reason: 'the bot is no longer in their chat' },
    });
    const data = ticketCardData(risky);
    const card = JSON.stringify(ticketCardAttachment(risky).content);
    expect(card).toContain('${status} ${fallbackText}');
    expect(card).toContain('[reset here] (https://evil.example/)');
    const all = JSON.stringify(data) + card;
    expect(all).not.toMatch(/900123|123456/);
    expect(data.summary).toContain('***123');
    expect(data.summary).toContain('[code]');
    expect(data.summary).toContain('${status}');
    expect(data.personNotNotified).toContain('The person could not be notified (the bot is no longer in their chat)');
  });

  it('stays well under the Teams message size with a 20-turn transcript of long messages, long notes and a long summary', () => {
    const long = (i: number): string => `Turn ${i}: ${'a long message about the lost phone and the new one '.repeat(80)}`.slice(0, 4000);
    const big = ticket({
      status: 'resolved',
      assignee: 'Alice Agent',
      summary: long(0),
      resolution: long(99),
      transcript: Array.from({ length: 20 }, (_, i) => ({ from: i % 2 ? ('bot' as const) : ('user' as const), text: long(i), at: '2025-01-31T09:00:00.000Z' })),
      notes: Array.from({ length: 12 }, (_, i) => ({ at: '2025-01-31T09:10:00.000Z', agent: 'Alice Agent', text: long(i), visibleToUser: i % 2 === 0 })),
    });
    const attachment = ticketCardAttachment(big, { relay: relay('live'), message: 'x'.repeat(300) });
    const message = MessageFactory.attachment(attachment);
    const size = Buffer.byteLength(JSON.stringify(message), 'utf8');
    expect(size).toBeLessThan(TEAMS_MESSAGE_LIMIT);
    const text = JSON.stringify(attachment.content);
    expect(text).toContain('20 conversation turns in the ticket (GET /api/tickets/MFA-000042).');
    expect(text).toContain('Recent notes (9 earlier in the ticket)');
    expect(text).not.toContain('Turn 5:');
  });

  it('read-only cards (security team, non-members) have no buttons but still refresh', () => {
    const card = ticketCardAttachment(ticket(), { readOnly: true }).content as Record<string, unknown>;
    expect(actionsOf({ body: card.body, actions: card.actions })).toEqual([]);
    expect(card.refresh).toMatchObject({ action: { verb: 'refreshTicket' } });
  });

  it('the notice card parses cleanly', () => {
    const card = createNoticeCard({ title: 'Only the helpdesk team can work on tickets', text: 'You are not a member.' }).content as Record<string, unknown>;
    expect(adaptiveCardIssues(card)).toEqual([]);
    expect(card.fallbackText).toBe('Only the helpdesk team can work on tickets: You are not a member.');
    expect(card.speak).toBe('You are not a member.');
  });
});
