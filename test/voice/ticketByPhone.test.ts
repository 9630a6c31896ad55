/**
 * A caller continues a ticket from chat: they key in its number, prove who they are on the
 * phone, and only then hear its status, and only if it is theirs. The ticket's history gains
 * the call's evidence. Webhooks are signed with the twilio helper; codes come from the outbox.
 */
import { DevOutbox } from '../../src/verification/devOutbox';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { saysOf, VoiceCaller, type TwimlNode, type WebhookAnswer, phoneLineEnv } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-ticket-calls';
const PUBLIC = 'https://bot.example.org';
const BOB_MOBILE = '+447700900201';

function spoken(answer: WebhookAnswer): string {
  expect(answer.status).toBe(200);
  const root: TwimlNode | undefined = answer.twiml;
  if (!root) throw new Error(`no TwiML in ${answer.body}`);
  return saysOf(root).join(' ');
}

function codeFrom(text: string): string {
  const m = /code (?:is:? )?((?:\d[,\s]*){6})/.exec(text);
  if (!m) throw new Error(`no code in ${text}`);
  return m[1].replace(/\D/g, '');
}

describe('a ticket from chat, continued on the phone', () => {
  let t: TestHelpdesk;
  let outbox: DevOutbox;
  let now = Date.now();
  beforeEach(() => {
    now += 16 * 60 * 1000;
  });
  const caller = () => new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN });

  beforeAll(async () => {
    outbox = new DevOutbox({ clock: { now: () => now } });
    t = await startTestHelpdesk(
      phoneLineEnv(AUTH_TOKEN, PUBLIC),
      { sender: outbox, clock: { now: () => now } },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  const chatTicket = async (email: string, summary: string) => {
    const person = await t.helpdesk.directory.findByEmail(email);
    return t.helpdesk.tickets.createTicket({
      type: 'new_device',
      details: { oldDeviceAvailable: false, actionsNeeded: ['Move the Authenticator app'] },
      requester: { email, personId: person?.id, name: person?.displayName },
      channel: 'webchat',
      verification: { verified: false, reason: 'the person chose to be passed on' },
      summary,
    });
  };
  /** "0 0 0 1 2 3" for MFA-000123, as a caller keys it. */
  const keyed = (id: string) => `${id.slice(4)}#`;

  /** Asks about a ticket and proves Bob's identity with a code by text. */
  async function asBob(c: VoiceCaller, ticketNumber: string): Promise<string> {
    spoken(await c.start());
    const asked = spoken(await c.say("what's the status of my ticket"));
    expect(asked).toMatch(/key in its six digits, then press hash/);
    const check = spoken(await c.key(ticketNumber));
    expect(check).toMatch(/check it's you before I tell you about that ticket.*key in your staff ID/);
    expect(spoken(await c.key('100002#'))).toMatch(/Press 1 or say Text to mobile ending 2 0 1/);
    expect(spoken(await c.key('1'))).toMatch(/sent a 6-digit code by text to your mobile ending 2 0 1/);
    const message = outbox.list(BOB_MOBILE)[0]; // newest first
    return spoken(await c.key(codeFrom(message?.text ?? '')));
  }

  it('the ticket number, then proof of identity, then its status; the ticket records how the caller was verified', async () => {
    const ticket = await chatTicket('bob.jones@example.nhs.net', 'New phone: move the Authenticator app');
    const c = caller();
    const answer = await asBob(c, keyed(ticket.id));
    expect(answer).toMatch(/Thanks, Bob Jones, that's the right code/);
    expect(answer).toMatch(/Here is your ticket\. Ticket M F A, 0 0 0, \d \d \d: New phone: move the Authenticator app\. Status: waiting for an agent\./);
    const after = await t.helpdesk.tickets.get(ticket.id);
    expect(after?.history.at(-1)).toMatchObject({ action: 'caller_verified', by: 'bot' });
    expect(after?.history.at(-1)?.note).toBe(`Bob Jones called the phone line about this ticket and was verified by a code by text to the number on record ending 201 (call ${c.callSid})`);
  });

  it("someone else's ticket number: nothing about it, before or after proof, and nothing on its history", async () => {
    const alices = await chatTicket('alice.smith@example.nhs.net', 'Alice wants an exception');
    const c = caller();
    const answer = await asBob(c, keyed(alices.id));
    expect(answer).toMatch(/Thanks, Bob Jones/);
    expect(answer).toMatch(/I can't find a ticket M F A, 0 0 0, \d \d \d of yours/);
    expect(answer).not.toMatch(/exception/);
    expect((await t.helpdesk.tickets.get(alices.id))?.history.map((h) => h.action)).toEqual(['created']);
  });

  it('the number alone proves nothing: a caller who cannot prove who they are hears nothing about the ticket', async () => {
    const ticket = await chatTicket('bob.jones@example.nhs.net', 'Secret summary of the request');
    const c = caller();
    spoken(await c.start());
    spoken(await c.say('ticket status'));
    expect(spoken(await c.key(keyed(ticket.id)))).toMatch(/key in your staff ID/);
    // Carol has no phone number on record: no code can be sent. She is asked again, as for an unknown staff ID.
    expect(spoken(await c.key('100003#'))).toMatch(/I can't send a code for that account\. If you mistyped it/);
    const refused = spoken(await c.key('100003#'));
    expect(refused).toMatch(/I can only show tickets to the person they belong to/);
    expect(refused).not.toMatch(/Secret summary|waiting for an agent/);
    expect((await t.helpdesk.tickets.get(ticket.id))?.history.map((h) => h.action)).toEqual(['created']);
  });

  it('keyed digits and spoken numbers are read as ticket numbers, anything else is not', async () => {
    const { parseTicketNumber } = await import('../../src/knowledge/identifiers');
    expect(parseTicketNumber('000123#')).toBe('MFA-000123');
    expect(parseTicketNumber('123')).toBe('MFA-000123');
    expect(parseTicketNumber('MFA 000 123')).toBe('MFA-000123');
    expect(parseTicketNumber('mfa-000123')).toBe('MFA-000123');
    expect(parseTicketNumber('*')).toBeUndefined();
    expect(parseTicketNumber('000000')).toBeUndefined();
    expect(parseTicketNumber('1234567')).toBeUndefined();
    expect(parseTicketNumber('my ticket')).toBeUndefined();
  });
});
