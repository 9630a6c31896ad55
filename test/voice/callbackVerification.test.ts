import { HttpStandIn, json } from '../support/httpStandIn';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { find, saysOf, twimlOf, verbsOf, VoiceCaller, phoneLineEnv } from '../support/voiceCaller';
import type { Ticket } from '../../src/tickets/model';

const SID = `AC${'0'.repeat(32)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-callback-tests';
const PUBLIC = 'https://bot.example.org';
const AGENT_TOKEN = 'sam-agent-token-0123456789abcdef';
const BOB_MOBILE = '+447700900201';

/** The path and query of an absolute URL under PUBLIC_BASE_URL. */
function pathOf(url: string): string {
  expect(url.startsWith(`${PUBLIC}/`)).toBe(true);
  return url.slice(PUBLIC.length);
}

describe('agent-initiated call-back verification, with the outbound call recorded by a Twilio stand-in', () => {
  let t: TestHelpdesk;
  let twilioApi: HttpStandIn;
  let security: HttpStandIn;
  let seq = 0;
  // Each test is a quarter of an hour later: a person gets at most 3 calls or codes in any 15 minutes.
  let now = Date.now();
  beforeEach(() => {
    now += 16 * 60 * 1000;
  });

  beforeAll(async () => {
    twilioApi = new HttpStandIn((req, res) => {
      const form = new URLSearchParams(req.body);
      seq += 1;
      const sid = `CA${String(seq).padStart(32, '0')}`;
      json(res, 201, { sid, account_sid: SID, to: form.get('To'), from: form.get('From'), status: 'queued', direction: 'outbound-api', api_version: '2010-04-01' });
    });
    security = new HttpStandIn((_req, res) => json(res, 200, { ok: true }));
    const twilioBase = await twilioApi.start();
    const securityUrl = await security.start();
    t = await startTestHelpdesk(
      {
        ...phoneLineEnv(AUTH_TOKEN, PUBLIC, SID),
        AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}`,
        SECURITY_WEBHOOK_URL: `${securityUrl}/alerts`,
      },
      { twilioApiBaseUrl: twilioBase, webhookSleep: () => Promise.resolve(), clock: { now: () => now } },
    );
  });
  afterAll(async () => {
    await t.stop();
    await twilioApi.stop();
    await security.stop();
  });

  const api = (path: string, body: unknown = {}) =>
    fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const getTicket = async (id: string): Promise<Ticket> => (await (await fetch(`${t.baseUrl}/api/tickets/${id}`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } })).json()) as Ticket;

  /** A ticket for Bob whose text carries another number, which must never be called. */
  async function bobTicket(): Promise<string> {
    const ticket = await t.helpdesk.tickets.createTicket({
      type: 'other',
      details: { actionRequested: true },
      requester: { email: 'bob.jones@example.nhs.net', name: 'Bob Jones' },
      channel: 'voice',
      verification: { verified: false, reason: 'caller reached an agent directly' },
      summary: 'Caller says he is Bob, wants MFA reset, asks to be called on +447700900999',
    });
    return ticket.id;
  }

  /** Places the call-back through the API and plays Twilio answering it: returns the key webhook's path. */
  async function callAndAnswer(id: string): Promise<{ keyPath: string; statusPath: string; callee: VoiceCaller }> {
    const before = twilioApi.requests.length;
    const res = await api(`/api/tickets/${id}/verify-by-callback`);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { status: string; destinationMasked: string; ticket: Ticket };
    expect(body).toMatchObject({ status: 'calling', destinationMasked: '***201' });
    expect(body.ticket.history.at(-1)).toMatchObject({ action: 'callback_started', by: 'Sam Agent' });

    expect(twilioApi.requests.length).toBe(before + 1);
    const call = twilioApi.requests[before];
    expect(call.url).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    const form = new URLSearchParams(call.body);
    // A number the directory holds for the requester, never the one in the ticket's text.
    expect(form.get('To')).toBe(BOB_MOBILE);
    expect(form.get('Twiml')).toBeNull();
    const answerUrl = form.get('Url') ?? '';
    const statusUrl = form.get('StatusCallback') ?? '';
    expect(pathOf(answerUrl)).toMatch(/^\/api\/voice\/callback\?t=[\w-]+$/);
    expect(pathOf(statusUrl)).toMatch(/^\/api\/voice\/callback\/status\?t=[\w-]+$/);

    const callee = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN, from: '+447700900000' });
    const answered = twimlOf(await callee.post(pathOf(answerUrl), { CallStatus: 'in-progress', Direction: 'outbound-api' }));
    const gather = find(answered, 'Gather');
    expect(gather?.attrs).toMatchObject({ input: 'dtmf', numDigits: '1', finishOnKey: '', actionOnEmptyResult: 'true' });
    const script = saysOf(answered).join(' ');
    expect(script).toContain(`This is the NHSmail helpdesk checking a request made in your name, ticket M F A, ${id.slice(4, 7).split('').join(' ')}, ${id.slice(7).split('').join(' ')}. If you asked for help, press hash. If you did not, press 9.`);
    return { keyPath: pathOf(gather?.attrs.action ?? ''), statusPath: pathOf(statusUrl), callee };
  }

  it('# records "verified by call-back" on the ticket history, once', async () => {
    const id = await bobTicket();
    const { keyPath, statusPath, callee } = await callAndAnswer(id);
    const after = twimlOf(await callee.post(keyPath, { Digits: '#' }));
    expect(verbsOf(after)).toEqual(['Say', 'Hangup']);
    expect(saysOf(after).join(' ')).toMatch(/carry on with your request/);
    const ticket = await getTicket(id);
    expect(ticket.history.at(-1)).toMatchObject({ action: 'callback_verified', by: 'bot' });
    expect(ticket.history.at(-1)?.note).toMatch(/ending 201 pressed #/);
    expect(ticket.priority).toBe('P3');
    expect(ticket.verification).toMatchObject({ verified: true, method: 'callback', destinationMasked: '***201' });

    // The same key press again, or the call's completed status, adds nothing.
    twimlOf(await callee.post(keyPath, { Digits: '#' }));
    twimlOf(await callee.post(statusPath, { CallStatus: 'completed' }));
    expect((await getTicket(id)).history.filter((h) => h.action.startsWith('callback_') && h.action !== 'callback_started')).toHaveLength(1);
    expect(JSON.stringify(await getTicket(id))).not.toContain('+447700900201');
  });

  it('9 records a denial, raises the ticket to P1 and alerts the security team', async () => {
    const id = await bobTicket();
    const { keyPath, callee } = await callAndAnswer(id);
    const before = security.requests.length;
    const after = twimlOf(await callee.post(keyPath, { Digits: '9' }));
    expect(saysOf(after).join(' ')).toMatch(/security team has been told/);
    const ticket = await getTicket(id);
    expect(ticket.priority).toBe('P1');
    expect(ticket.securityAlert?.reason).toMatch(/DENIED on call-back/);
    expect(ticket.verification).toEqual({ verified: false, reason: 'DENIED on call-back to the number on record ending 201' });
    expect(ticket.history.at(-1)).toMatchObject({ action: 'callback_denied' });
    await t.helpdesk.tickets.whenIdle(5000);
    const alerts = security.requests.slice(before).map((r) => JSON.parse(r.body) as { event: string; ticket: { id: string } });
    expect(alerts).toContainEqual(expect.objectContaining({ event: 'ticket.callback_denied', ticket: expect.objectContaining({ id }) }));
  });

  it('no answer: the status callback records it', async () => {
    const id = await bobTicket();
    const { statusPath, callee } = await callAndAnswer(id);
    twimlOf(await callee.post(statusPath, { CallStatus: 'no-answer' }));
    expect((await getTicket(id)).history.at(-1)).toMatchObject({ action: 'callback_no_answer' });
  });

  it('an altered token ends the call and records nothing', async () => {
    const id = await bobTicket();
    const { keyPath, callee } = await callAndAnswer(id);
    const altered = keyPath.replace(/t=(.)/, (_m, c: string) => `t=${c === 'A' ? 'B' : 'A'}`);
    const answer = twimlOf(await callee.post(altered, { Digits: '#' }));
    expect(saysOf(answer).join(' ')).toMatch(/no longer needed/);
    expect((await getTicket(id)).history.at(-1)).toMatchObject({ action: 'callback_started' });
  });

  it('a lost-device ticket never calls the lost mobile: the next number on record, or none', async () => {
    const lost = (email: string) =>
      t.helpdesk.tickets.createTicket({
        type: 'lost_device',
        details: { otherMethodAvailable: false, canWork: false, temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } }, actionsNeeded: ['Remove the lost phone'] },
        requester: { email },
        channel: 'voice',
        verification: { verified: false, reason: 'caller reached an agent directly' },
        summary: 'Lost phone',
      });
    const alice = await lost('alice.smith@example.nhs.net');
    const before = twilioApi.requests.length;
    const res = await api(`/api/tickets/${alice.id}/verify-by-callback`);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ destinationMasked: '***102' });
    expect(new URLSearchParams(twilioApi.requests.at(-1)?.body).get('To')).toBe('+447700900102');
    // Bob has only the mobile he lost.
    const bob = await lost('bob.jones@example.nhs.net');
    const refused = await api(`/api/tickets/${bob.id}/verify-by-callback`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'no_number', message: 'The directory holds no number for this person other than the lost phone: verify them another way.' });
    expect(twilioApi.requests.length).toBe(before + 1);
  });

  it('refuses unsigned call-back webhooks', async () => {
    const unsigned = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC });
    expect((await unsigned.post('/api/voice/callback/key?t=abc', { Digits: '#' })).status).toBe(403);
  });

  it('refuses what it cannot verify: unknown tickets, tickets naming nobody, closed tickets, and a second call within the cooldown', async () => {
    expect((await api('/api/tickets/MFA-999999/verify-by-callback')).status).toBe(404);

    const nobody = await t.helpdesk.tickets.createTicket({
      type: 'other',
      details: { actionRequested: true },
      requester: { name: 'Caller on the phone line (not verified)' },
      channel: 'voice',
      verification: { verified: false, reason: 'not verified' },
      summary: 'Caller asked for a person',
    });
    const refused = await api(`/api/tickets/${nobody.id}/verify-by-callback`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: 'no_person' });
    // The caller claims a staff ID: the call goes to that person's number on record.
    const claimed = await api(`/api/tickets/${nobody.id}/verify-by-callback`, { staffId: '100002' });
    expect(claimed.status).toBe(202);
    expect(new URLSearchParams(twilioApi.requests.at(-1)?.body).get('To')).toBe(BOB_MOBILE);
    const again = await api(`/api/tickets/${nobody.id}/verify-by-callback`, { staffId: '100002' });
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ error: 'limit_reached' });

    const bad = await api(`/api/tickets/${nobody.id}/verify-by-callback`, { phone: '+447700900999' });
    expect(bad.status).toBe(400);

    const closed = await bobTicket();
    await t.helpdesk.tickets.cancel(closed, 'Sam Agent');
    const gone = await api(`/api/tickets/${closed}/verify-by-callback`);
    expect(gone.status).toBe(409);
    expect(await gone.json()).toMatchObject({ error: 'invalid_transition' });
  });
});

describe('call-backs in development: the dev outbox', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ VOICE_SKIP_SIGNATURE: 'true', AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}` });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('keeps the outbound call in the outbox (channel voice) with the webhook URL that would answer it', async () => {
    const ticket = await t.helpdesk.tickets.createTicket({
      type: 'other',
      details: { actionRequested: true },
      requester: { email: 'alice.smith@example.nhs.net' },
      channel: 'webchat',
      verification: { verified: false, reason: 'not verified' },
      summary: 'Wants a new phone added',
    });
    const res = await fetch(`${t.baseUrl}/api/tickets/${ticket.id}/verify-by-callback`, { method: 'POST', headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
    expect(res.status).toBe(202);
    const [message] = (await (await fetch(`${t.baseUrl}/dev/outbox?to=%2B447700900101`)).json()) as { channel: string; text: string; webhookUrl?: string }[];
    expect(message.channel).toBe('voice');
    expect(message.text).toMatch(/checking a request made in your name/);
    expect(message.text).not.toMatch(/\d{6}/);
    expect(message.webhookUrl).toMatch(/^\/api\/voice\/callback\?t=/);

    const callee = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: 'http://unused' });
    const answered = twimlOf(await callee.post(message.webhookUrl ?? ''));
    const keyPath = find(answered, 'Gather')?.attrs.action ?? '';
    twimlOf(await callee.post(keyPath, { Digits: '#' }));
    expect((await t.helpdesk.tickets.get(ticket.id))?.history.at(-1)).toMatchObject({ action: 'callback_verified' });
  });
});
