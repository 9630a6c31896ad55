import type { Activity } from 'botbuilder';
import { EscalateDialog } from '../../dialogs/escalateDialog';
import { NOT_VERIFIED_INSTRUCTION, type EscalateOptions } from '../../dialogs/escalateTicket';
import { GAVE_UP_TEXT } from '../../dialogs/prompts';
import { transcriptMiddleware } from '../../src/bot/transcriptMiddleware';
import { createLogger } from '../../src/logger';
import type { Ticket } from '../../src/tickets';
import { all, allCodes, choices, CONVERSATION_ID, latestCode, play, session, type Turn } from '../support/dialogTranscripts';
import { helpdeskWorld, type HelpdeskWorld } from '../support/helpdeskServices';
import { containsCode } from '../support/verificationFixtures';

const ALICE = 'alice.smith@example.nhs.net';
const INTRO = /^I need to check it's you/;
const ASK_EMAIL = /What's your NHSmail email address\?/;

interface Case {
  readonly name: string;
  readonly options: EscalateOptions;
  readonly turns: readonly Turn[];
  /** Checks on the ticket created, or `null` when none may be created. */
  readonly ticket: ((t: Ticket) => void) | null;
}

const lost = (otherMethodAvailable: boolean, canWork: boolean): EscalateOptions => ({
  kind: 'handoff',
  type: 'lost_device',
  summary: otherMethodAvailable ? 'Lost phone; another method is registered' : 'Lost phone; no other method registered',
  details: { otherMethodAvailable, canWork, mayBeStolen: false },
});
const WHICH_LOST = all(/Which of your phones is lost\? I won't send anything to that one\./, choices('Mobile ending 101', 'Other mobile ending 102', 'Office phone ending 101'));

const cases: Case[] = [
  {
    name: 'lost phone, Alice: proven through her other mobile (never the lost one), ticket records the proof',
    options: lost(true, true),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      [ALICE, WHICH_LOST],
      ['Mobile ending 101', all(/How should I send your code\?/, choices('Text to other mobile ending 102', 'Call to other mobile ending 102', 'Call to office phone ending 101'))],
      ['Text to other mobile ending 102', /sent a 6-digit code by text to your other mobile ending 102/],
      [
        (w) => latestCode(w, '+447700900102'),
        [/right code/, /opened ticket \*\*MFA-\d{6}\*\* \(priority P3\).*remove your mobile ending 101.*You don't need a Temporary Access Pass.*Sign in another way/s],
      ],
    ],
    ticket: (t) => {
      expect(t).toMatchObject({ type: 'lost_device', priority: 'P3', requester: { email: ALICE, name: 'Alice Smith', staffId: '100001' } });
      expect(t.verification).toEqual({ verified: true, method: 'sms', destinationMasked: '***102', at: expect.any(String) });
      expect(t.summary).toBe('Lost phone (mobile ending 101); another method is registered: remove the lost phone, no Temporary Access Pass');
      expect(t.details).toEqual({
        otherMethodAvailable: true,
        otherMethods: ['authenticatorApp', 'alternateMobile', 'officePhone'],
        canWork: true,
        lostPhone: { method: 'mobile', numberMasked: '***101' },
        provingPhone: { numberMasked: '***102' },
        temporaryAccessPass: { requested: false },
        actionsNeeded: ['Remove the lost phone (mobile ending 101) from the MFA methods', 'No Temporary Access Pass: the person signs in with their other method ("Sign in another way")'],
      });
    },
  },
  {
    name: 'lost phone, Alice lost her other mobile: the code goes to the mobile, never to the lost one; no pass although she said she has no other method',
    options: lost(false, false),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      [ALICE, WHICH_LOST],
      ['Other mobile ending 102', all(/How should I send your code\?/, choices('Text to mobile ending 101', 'Call to mobile ending 101', 'Call to office phone ending 101'))],
      ['Text to mobile ending 101', /by text to your mobile ending 101/],
      [(w) => latestCode(w, '+447700900101'), [/right code/, /remove your other mobile ending 102.*You don't need a Temporary Access Pass/s]],
    ],
    ticket: (t) => {
      expect(t.priority).toBe('P3');
      expect(t.details).toMatchObject({
        otherMethodAvailable: true,
        otherMethods: ['mobile', 'officePhone'],
        lostPhone: { method: 'alternateMobile', numberMasked: '***102' },
        provingPhone: { numberMasked: '***101' },
        temporaryAccessPass: { requested: false },
      });
    },
  },
  {
    name: 'lost phone, office phone call: proven by voice',
    options: lost(true, true),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      [ALICE, WHICH_LOST],
      ['1', /How should I send your code/],
      ['Call to office phone ending 101', /calling your office phone ending 101/i],
      [(w) => latestCode(w, '+441632960101'), [/right code/, /opened ticket/]],
    ],
    ticket: (t) => expect(t.verification).toMatchObject({ verified: true, method: 'voice', destinationMasked: '***101' }),
  },
  {
    name: "lost phone, Carol (app only): NOT verified, the agent is told to call back on an HR number, and she is told what happens next",
    options: lost(false, false),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['carol.white@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['carol.white@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['Yes, open a ticket', /opened ticket \*\*MFA-\d{6}\*\* with the helpdesk\..*call you back on a number from your HR record/s],
    ],
    ticket: (t) => {
      // What she typed, shown as a claim: the ticket carries no email as if it were proven.
      expect(t).toMatchObject({ type: 'lost_device', priority: 'P2' });
      expect(t.requester).toEqual({ claimed: 'carol.white@example.nhs.net', personId: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e03' });
      expect(t.verification).toEqual({ verified: false, reason: `no phone method; ${NOT_VERIFIED_INSTRUCTION}` });
      expect(t.details).toMatchObject({ otherMethodAvailable: false, otherMethods: [], temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } } });
      expect(t.details).not.toHaveProperty('lostPhone');
    },
  },
  {
    name: 'lost phone, Bob (the lost mobile is his only number): NOT verified',
    options: lost(false, true),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['bob.jones@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['bob.jones@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['yes', all(/opened ticket/, (r) => expect(r.text).not.toMatch(/ending|Temporary Access Pass/))],
    ],
    ticket: (t) => {
      expect(t.verification).toEqual({ verified: false, reason: `no phone method; ${NOT_VERIFIED_INSTRUCTION}` });
      expect(t.details).toMatchObject({
        otherMethodAvailable: false,
        lostPhone: { method: 'mobile', numberMasked: '***201' },
        temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } },
        actionsNeeded: ['Remove the lost phone (mobile ending 201) from the MFA methods', 'Issue a Temporary Access Pass only once the second check (call-back or line manager) is recorded'],
      });
      expect(t.details).not.toHaveProperty('provingPhone');
    },
  },
  {
    name: 'lost phone, Bob cannot be verified and decides against a ticket: none is opened, and he gets the helpdesk number',
    options: lost(false, true),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['bob.jones@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['bob.jones@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['No, thanks', /^OK, I haven't opened a ticket\. You can call the helpdesk on 0333 200 1133/],
    ],
    ticket: null,
  },
  {
    name: 'change of number, Alice: proven on her mobile, then the new number proven too; both proofs on the ticket',
    options: { kind: 'handoff', type: 'change_method', summary: 'Change the MFA phone number to a UK mobile', details: { change: 'phone_number', newNumberE164: '+447700900999', newNumberKind: 'mobile' } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      [ALICE, /How should I send your code/],
      ['Text to mobile ending 101', /by text to your mobile ending 101/],
      [(w) => latestCode(w, '+447700900101'), [/right code/, /check that the new number ending 999 is yours/, /sent a 6-digit code by text to your new number ending 999/]],
      [(w) => latestCode(w, '+447700900999'), [/(proved|confirmed|right code)/i, /opened ticket.*update your MFA phone number/s]],
    ],
    ticket: (t) => {
      expect(t.type).toBe('change_method');
      expect(t.verification).toMatchObject({ verified: true, method: 'sms', destinationMasked: '***101' });
      expect(t.details).toMatchObject({ newNumberE164: '+447700900999', newNumberProof: { verified: true, destinationMasked: '***999' } });
    },
  },
  {
    name: 'new device, Bob: verified by text, then a ticket',
    options: { kind: 'handoff', type: 'new_device', summary: 'Moving MFA to a new phone did not work with self-service', details: { sameNumber: true, method: 'Authenticator app', selfServiceTried: true } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['100002', /How should I send your code/],
      ['1', /by text to your mobile ending 201/],
      [(w) => latestCode(w, '+447700900201'), [/right code/, /opened ticket.*priority P3.*new phone/s]],
    ],
    ticket: (t) => expect(t).toMatchObject({ type: 'new_device', requester: { staffId: '100002' }, verification: { verified: true } }),
  },
  {
    name: 'suspicious prompt approved, Bob verified: P1 and the security team alerted',
    options: { kind: 'handoff', type: 'suspicious_prompt', summary: 'MFA prompts the person did not start; one may have been approved', details: { anyApproved: true, approvalUnsure: false, promptCount: '2 to 5', passwordReset: false } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['bob.jones@example.nhs.net', /How should I send/],
      ['1', /sent a 6-digit code/],
      [(w) => latestCode(w, '+447700900201'), [/right code/, /priority P1.*security team has been alerted/s]],
    ],
    ticket: (t) => {
      expect(t).toMatchObject({ type: 'suspicious_prompt', priority: 'P1' });
      expect(t.details).toEqual({ anyApproved: true, passwordReset: false, promptCount: 2 });
    },
  },
  {
    name: "suspicious prompt, Dan (compromised): not verifiable, but the alarm is raised anyway as P1",
    options: { kind: 'handoff', type: 'suspicious_prompt', summary: 'MFA prompts the person did not start; none approved', details: { anyApproved: false, approvalUnsure: false, promptCount: 'Just one', passwordReset: true } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['dan.brown@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      // The ticket is P1 because of the flag, but nothing said before proof shows it.
      ['dan.brown@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['Yes, open a ticket', (reply) => expect(reply.text).toMatch(/^I've opened ticket \*\*MFA-\d{6}\*\* with the helpdesk\.(?![\s\S]*(priority|urgent))/)],
    ],
    ticket: (t) => {
      expect(t).toMatchObject({ type: 'suspicious_prompt', priority: 'P1', accountCompromised: true, verification: { verified: false, reason: 'compromised' } });
    },
  },
  {
    name: 'suspicious prompt, verification cancelled: the alarm is still raised',
    options: { kind: 'handoff', type: 'suspicious_prompt', summary: 'MFA prompts the person did not start; none approved', details: { anyApproved: false, approvalUnsure: false, promptCount: 'Just one', passwordReset: false } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['cancel', [/stopped that/, /opened ticket \*\*MFA-\d{6}\*\* with the helpdesk/]],
    ],
    ticket: (t) => expect(t).toMatchObject({ priority: 'P2', verification: { verified: false, reason: 'cancelled' } }),
  },
  {
    name: 'exception request, Alice: verified, then duration and line manager (a bad email asked again)',
    options: {
      kind: 'handoff',
      type: 'exception_request',
      summary: "MFA exception request: Phones aren't allowed where I work",
      details: { reasonCategory: "Phones aren't allowed where I work", justification: 'Secure unit, phones stay in lockers.', needsLocalAdminApproval: true },
    },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      [ALICE, /How should I send/],
      ['Text to mobile ending 101', /sent/],
      [(w) => latestCode(w, '+447700900101'), [/right code/, all(/How long do you need the exception for\?/, choices('1 month', '3 months', '6 months', '12 months'))]],
      ['3 months', /line manager's email/],
      ['my boss', /doesn't look like an email address/],
      ['Jo.Bloggs@example.nhs.net', /opened ticket.*local administrator has to approve/s],
    ],
    ticket: (t) => {
      expect(t.details).toEqual({
        reasonCategory: "Phones aren't allowed where I work",
        justification: 'Secure unit, phones stay in lockers.',
        duration: '3 months',
        lineManagerEmail: 'jo.bloggs@example.nhs.net',
        needsLocalAdminApproval: true,
      });
    },
  },
  {
    name: 'exception request, Dan (compromised): the flag is not revealed; the request goes on like any unverified one',
    options: { kind: 'handoff', type: 'exception_request', summary: 'MFA exception request: Something else', details: { reasonCategory: 'Something else', justification: 'I find it annoying to approve prompts.', needsLocalAdminApproval: true } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['dan.brown@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['dan.brown@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['Yes, open a ticket', /How long do you need the exception for\?/],
    ],
    ticket: null,
  },
  {
    name: 'exception request, the duration said in words ("half a year")',
    options: { kind: 'handoff', type: 'exception_request', summary: 'MFA exception request: Something else', details: { reasonCategory: 'Something else', justification: 'I find it annoying to approve prompts.', needsLocalAdminApproval: true } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['dan.brown@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['dan.brown@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['Yes, open a ticket', /How long do you need the exception for\?/],
      ['half a year please', /line manager's email/],
      ['jo.bloggs@example.nhs.net', /opened ticket/],
    ],
    ticket: (t) => expect(t.details).toMatchObject({ duration: '6 months' }),
  },
  {
    name: 'exception request, a duration that gets nothing usable three times: asked again twice, then the helpdesk number, and no half-filled request',
    options: { kind: 'handoff', type: 'exception_request', summary: 'MFA exception request: Something else', details: { reasonCategory: 'Something else', justification: 'I find it annoying to approve prompts.', needsLocalAdminApproval: true } },
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['dan.brown@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['dan.brown@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['yes', /How long do you need the exception for\?/],
      ['forever', /^Sorry, I didn't catch that\. How long do you need the exception for\?/],
      ['as long as possible', /^Sorry, I didn't catch that\. How long do you need the exception for\?/],
      ['dunno', [GAVE_UP_TEXT, /^Please call the helpdesk on 0333 200 1133/]],
    ],
    ticket: null,
  },
  {
    name: 'talk to a person, check declined: a ticket of type other, marked not verified',
    options: { kind: 'handoff', type: 'other', summary: 'Asked for a person during "lostDeviceDialog"', details: { fromConversation: 'lostDeviceDialog', otherMethod: 'no' } },
    turns: [
      ['start', [/pass you to the helpdesk/, all(/check it's you first/, choices("Yes, check it's me", 'No, just pass me on'))]],
      ['No, just pass me on', /opened ticket \*\*MFA-\d{6}\*\* with the helpdesk/],
    ],
    ticket: (t) => {
      expect(t).toMatchObject({ type: 'other', priority: 'P3', verification: { verified: false, reason: 'the person chose not to be verified' } });
      expect(t.details).toEqual({ actionRequested: true, topic: 'lostDeviceDialog' });
      expect(t.requester.name).toMatch(/not verified/);
    },
  },
  {
    name: 'identity check cancelled on a lost phone: no ticket',
    options: lost(true, true),
    turns: [
      ['start', [INTRO, ASK_EMAIL]],
      ['cancel', [/stopped that/, /haven't opened a ticket/]],
    ],
    ticket: null,
  },
];

describe('EscalateDialog: verified tickets', () => {
  let w: HelpdeskWorld;
  beforeEach(async () => {
    w = await helpdeskWorld();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const s = session(new EscalateDialog(w.services), 'webchat', c.options, [transcriptMiddleware(w.transcripts, createLogger({ level: 'silent' }))]);
    await play(s, w, c.turns);
    expectNoPersonalNumbers(s.replies, allCodes(w));
    const { items } = await w.tickets.list({});
    if (c.ticket === null) {
      expect(items).toHaveLength(0);
      return;
    }
    expect(items).toHaveLength(1);
    const ticket = await mustGet(w, items[0].id);
    c.ticket(ticket);
    expect(ticket.sourceActivityId).toBeDefined();
    expect(ticket.conversationRef).toBeDefined();
    // The transcript travels with the ticket, and no code sent ever appears in it.
    const json = JSON.stringify(ticket);
    for (const code of allCodes(w)) expect(containsCode(json, code)).toBe(false);
    expect(ticket.transcript.length).toBeGreaterThan(0);
    expect(ticket.transcript.length).toBeLessThanOrEqual(20);
  });

  it('keeps typed codes out of the transcript: they are stored as [code]', async () => {
    const c = cases[0];
    const s = session(new EscalateDialog(w.services), 'webchat', c.options, [transcriptMiddleware(w.transcripts, createLogger({ level: 'silent' }))]);
    await play(s, w, c.turns);
    const turns = await w.transcripts.recent(CONVERSATION_ID);
    expect(turns.some((turn) => turn.from === 'user' && turn.text === '[code]')).toBe(true);
    for (const code of allCodes(w)) expect(containsCode(JSON.stringify(turns), code)).toBe(false);
  });

  it('the same activity delivered twice gives one ticket', async () => {
    const options: EscalateOptions = { kind: 'handoff', type: 'other', summary: 'Asked to talk to a person', details: {} };
    const a = session(new EscalateDialog(w.services), 'webchat', options);
    const b = session(new EscalateDialog(w.services), 'webchat', options);
    const retry: Partial<Activity> = { type: 'message', text: 'No, just pass me on', id: 'teams-activity-1' };
    await play(a, w, [['start', [/pass you/, /check it's you/]], [retry, /opened ticket/]]);
    await play(b, w, [['start', [/pass you/, /check it's you/]], [retry, /opened ticket/]]);
    expect((await w.tickets.list({})).items).toHaveLength(1);
  });
});

/** No reply holds a code sent or a full phone number; the helpdesk's own number is the one allowed. */
function expectNoPersonalNumbers(replies: readonly Partial<Activity>[], codes: readonly string[]): void {
  for (const reply of replies) {
    for (const field of [reply.text ?? '', reply.speak ?? '']) {
      const withoutHelpdesk = field.replace(/0333 200 1133/g, '');
      expect(withoutHelpdesk).not.toMatch(/\+?\d(?:[\s().-]*\d){6,}/);
      for (const code of codes) expect(containsCode(field, code)).toBe(false);
    }
  }
}

async function mustGet(w: HelpdeskWorld, id: string): Promise<Ticket> {
  const ticket = await w.tickets.get(id);
  if (!ticket) throw new Error(`ticket ${id} not found`);
  return ticket;
}

describe('EscalateDialog: a proof made with the lost phone does not count', () => {
  it('asks for a fresh code to another number even when the conversation was verified by the lost mobile', async () => {
    const w = await helpdeskWorld();
    // Proven a minute ago with a code to Alice's mobile: the very phone now reported lost.
    await w.sessions.remember(
      CONVERSATION_ID,
      { verified: true, personId: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e01', email: ALICE, displayName: 'Alice Smith', staffId: '100001', method: 'sms', destinationMasked: '***101', at: new Date(w.clock.now()).toISOString() },
      'user-1',
    );
    const s = session(new EscalateDialog(w.services), 'webchat', lost(true, true));
    await play(s, w, [
      ['start', [INTRO, ASK_EMAIL]],
      [ALICE, WHICH_LOST],
      ['Mobile ending 101', all(/How should I send your code/, choices('Text to other mobile ending 102', 'Call to other mobile ending 102', 'Call to office phone ending 101'))],
    ]);
    expect(w.outbox.list()).toHaveLength(0);
  });
});
