/**
 * A caller chooses a call-back instead of a code: the bot hangs up, calls a number the
 * directory holds (recorded by a stand-in for Twilio's REST API), and whoever presses # there
 * carries the conversation on in that call. Every webhook is signed with the twilio helper.
 */
import { HttpStandIn, json } from '../support/httpStandIn';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { find, saysOf, twimlOf, verbsOf, VoiceCaller, type TwimlNode } from '../support/voiceCaller';

const SID = `AC${'0'.repeat(32)}`;
const AUTH_TOKEN = 'twilio-auth-token-for-caller-callbacks';
const PUBLIC = 'https://bot.example.org';
const BOT_NUMBER = '+447700900000';
const HELPDESK = '+443332001133';
const ALICE_OFFICE = '+441632960101';

const spoken = (root: TwimlNode): string => saysOf(root).join(' ');

/** The path and query of an absolute URL under PUBLIC_BASE_URL. */
function pathOf(url: string): string {
  expect(url.startsWith(`${PUBLIC}/`)).toBe(true);
  return url.slice(PUBLIC.length);
}

/** The digit that picks a spoken choice ("Press 5 or say Call me back on …"). */
function digitFor(root: TwimlNode, choice: string): string {
  const m = new RegExp(`Press (\\d) or say ${choice}`, 'i').exec(spoken(root));
  if (!m) throw new Error(`"${choice}" was not offered in: ${spoken(root)}`);
  return m[1];
}

describe('a caller-chosen call-back on the phone line', () => {
  let t: TestHelpdesk;
  let twilioApi: HttpStandIn;
  let security: HttpStandIn;
  let seq = 0;
  // Each test is a quarter of an hour later, so the send limits of one test do not reach the next.
  let now = Date.now();
  beforeEach(() => {
    now += 16 * 60 * 1000;
  });
  const caller = () => new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN });

  beforeAll(async () => {
    twilioApi = new HttpStandIn((req, res) => {
      const form = new URLSearchParams(req.body);
      seq += 1;
      json(res, 201, { sid: `CA${String(seq).padStart(32, 'f')}`, account_sid: SID, to: form.get('To'), from: form.get('From'), status: 'queued', api_version: '2010-04-01' });
    });
    security = new HttpStandIn((_req, res) => json(res, 200, { ok: true }));
    const twilioBase = await twilioApi.start();
    const securityUrl = await security.start();
    t = await startTestHelpdesk(
      {
        TWILIO_ACCOUNT_SID: SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM_NUMBER: BOT_NUMBER,
        PUBLIC_BASE_URL: PUBLIC,
        HELPDESK_PHONE_NUMBER: HELPDESK,
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

  /** Walks a call to the code question of a lost phone, for Alice (staff ID 100001). */
  async function lostPhoneToMethods(c: VoiceCaller): Promise<TwimlNode> {
    twimlOf(await c.start());
    twimlOf(await c.say('I lost my phone'));
    twimlOf(await c.key('1'));
    twimlOf(await c.say('Just lost or broken'));
    expect(spoken(twimlOf(await c.key('1')))).toMatch(/key in your staff ID/);
    const which = twimlOf(await c.key('100001'));
    expect(spoken(which)).toMatch(/Which of your phones is lost\?.*Press 1 or say Mobile ending 1 0 1\. Press 2 or say Other mobile ending 1 0 2\. Press 3 or say Office phone ending 1 0 1\./);
    return twimlOf(await c.key('1'));
  }

  /** Picks the call-back to Alice's office phone: the call ends, and the stand-in records the outbound call. */
  async function chooseCallBack(c: VoiceCaller, methods: TwimlNode): Promise<{ answerPath: string; statusPath: string }> {
    const before = twilioApi.requests.length;
    const hungUp = twimlOf(await c.key(digitFor(methods, 'Call me back on office phone ending 1 0 1')));
    expect(verbsOf(hungUp)).toEqual(['Say', 'Hangup']);
    expect(spoken(hungUp)).toMatch(/hang up now and call your office phone ending 1 0 1 straight back\. Answer it and press hash/);
    expect(twilioApi.requests.length).toBe(before + 1);
    const form = new URLSearchParams(twilioApi.requests[before].body);
    expect(twilioApi.requests[before].url).toBe(`/2010-04-01/Accounts/${SID}/Calls.json`);
    // A number the directory holds, never the number the call came from.
    expect(form.get('To')).toBe(ALICE_OFFICE);
    expect(form.get('From')).toBe(BOT_NUMBER);
    expect(form.get('Twiml')).toBeNull();
    return { answerPath: pathOf(form.get('Url') ?? ''), statusPath: pathOf(form.get('StatusCallback') ?? '') };
  }

  /** Twilio's webhooks of the outbound call: answered, then the key pressed. */
  async function answerAndPress(answerPath: string, digits: string): Promise<{ after: TwimlNode; keyPath: string; callee: VoiceCaller }> {
    const callee = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN, from: BOT_NUMBER });
    const answered = twimlOf(await callee.post(answerPath, { CallStatus: 'in-progress', Direction: 'outbound-api' }));
    const gather = find(answered, 'Gather');
    expect(gather?.attrs).toMatchObject({ input: 'dtmf', numDigits: '1' });
    expect(spoken(answered)).toMatch(/calling you back, as you asked on our phone line.*press hash/);
    const keyPath = pathOf(gather?.attrs.action ?? '');
    return { after: twimlOf(await callee.post(keyPath, { Digits: digits })), keyPath, callee };
  }

  it('# on the call-back carries the conversation on in that call: verified by call-back, the ticket, the transfer', async () => {
    const c = caller();
    const methods = await lostPhoneToMethods(c);
    // The call-backs come after the codes, one for each number on record (the lost mobile excluded).
    expect(spoken(methods)).toMatch(/Text to other mobile ending 1 0 2.*Call me back on other mobile ending 1 0 2.*Call me back on office phone ending 1 0 1/);
    expect(spoken(methods)).not.toMatch(/Call me back on mobile ending 1 0 1/);
    const { answerPath, statusPath } = await chooseCallBack(c, methods);

    const { after, keyPath, callee } = await answerAndPress(answerPath, '#');
    const text = spoken(after);
    expect(text).toMatch(/Thanks, Alice Smith: you pressed hash on the number on your record, so you've confirmed it's you/);
    const ticketSpoken = /ticket M F A, (\d \d \d), (\d \d \d)/.exec(text);
    expect(ticketSpoken).not.toBeNull();
    const ticketId = `MFA-${`${ticketSpoken?.[1]}${ticketSpoken?.[2]}`.replace(/ /g, '')}`;
    expect(verbsOf(after).at(-1)).toBe('Dial');
    expect(find(after, 'Number')?.text).toBe(HELPDESK);

    const ticket = await t.helpdesk.tickets.get(ticketId);
    expect(ticket).toMatchObject({ channel: 'voice', type: 'lost_device', verification: { verified: true, method: 'callback', destinationMasked: '***101' } });
    const whisper = twimlOf(await callee.post(`/api/voice/whisper?ticket=${ticketId}`));
    expect(spoken(whisper)).toMatch(/verified by call-back to a number on record/);

    // The same # again, or the call's end, changes nothing.
    expect(spoken(twimlOf(await callee.post(keyPath, { Digits: '#' })))).toMatch(/no longer needed/);
    twimlOf(await callee.post(statusPath, { CallStatus: 'completed' }));
    expect((await t.helpdesk.tickets.list({ limit: 100 })).items.filter((i) => i.requester.email === 'alice.smith@example.nhs.net')).toHaveLength(1);
    expect(t.logLines.some((l) => l.includes(ALICE_OFFICE))).toBe(false);
  });

  it('9 on the call-back opens a P1 ticket for the person, with a security alert', async () => {
    const c = caller();
    const { answerPath } = await chooseCallBack(c, await lostPhoneToMethods(c));
    const before = security.requests.length;
    const { after } = await answerAndPress(answerPath, '9');
    expect(verbsOf(after)).toEqual(['Say', 'Hangup']);
    expect(spoken(after)).toMatch(/security team has been told/);
    const denied = (await t.helpdesk.tickets.list({ limit: 100 })).items.find((i) => i.history.some((h) => h.action === 'callback_denied'));
    expect(denied).toMatchObject({ priority: 'P1', channel: 'voice', requester: { email: 'alice.smith@example.nhs.net' }, verification: { verified: false } });
    expect(denied?.securityAlert?.reason).toMatch(/pressed 9/);
    await t.helpdesk.tickets.whenIdle(5000);
    const alerts = security.requests.slice(before).map((r) => JSON.parse(r.body) as { event: string; ticket: { id: string } });
    expect(alerts).toContainEqual(expect.objectContaining({ event: 'ticket.callback_denied', ticket: expect.objectContaining({ id: denied?.id }) }));
  });

  it('nobody answers: the status callback ends it, nothing is verified', async () => {
    const c = caller();
    const { statusPath } = await chooseCallBack(c, await lostPhoneToMethods(c));
    const callee = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN, from: BOT_NUMBER });
    expect(twimlOf(await callee.post(statusPath, { CallStatus: 'no-answer' })).children).toEqual([]);
    expect(await t.helpdesk.verification.sessions.recall(c.callSid, `caller:${c.callSid}`)).toBeUndefined();
  });

  it('a call-back counts as a send: after three in a quarter of an hour the next is refused and no call is placed', async () => {
    for (let i = 0; i < 3; i += 1) {
      const c = caller();
      await chooseCallBack(c, await lostPhoneToMethods(c));
    }
    const c = caller();
    const methods = await lostPhoneToMethods(c);
    const before = twilioApi.requests.length;
    const refused = twimlOf(await c.key(digitFor(methods, 'Call me back on office phone ending 1 0 1')));
    expect(twilioApi.requests.length).toBe(before);
    expect(verbsOf(refused)).not.toContain('Hangup');
    expect(spoken(refused)).toMatch(/You've asked for several codes in a short time\. You can ask for another one in 15 minutes/);
  });

  it('refuses unsigned call-back webhooks', async () => {
    const unsigned = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC });
    expect((await unsigned.post('/api/voice/callback?t=abc', {})).status).toBe(403);
  });
});
