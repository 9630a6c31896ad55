/**
 * A lost phone on the phone line, with Twilio-signed webhooks: the caller hears their numbers
 * on record masked and keys in which one is lost; the code never goes to it; a caller whose
 * only number is the lost one is put through to a person, and the ticket's pass waits for a
 * second check.
 */
import { DevOutbox } from '../../src/verification/devOutbox';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { FULL_NUMBERS, GWEN, HAL, lostPhoneDirectory } from '../support/lostPhoneDirectory';
import { find, saysOf, twimlOf, verbsOf, VoiceCaller, type TwimlNode, phoneLineEnv } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-lost-phone-calls';
const PUBLIC = 'https://bot.example.org';
const TOKEN = 'lost-phone-voice-agent-token-012345';

const spoken = (root: TwimlNode): string => saysOf(root).join(' ');

function ticketIdSpoken(root: TwimlNode): string {
  const m = /ticket M F A, (\d \d \d), (\d \d \d)/.exec(spoken(root));
  if (!m) throw new Error(`no ticket number in: ${spoken(root)}`);
  return `MFA-${`${m[1]}${m[2]}`.replace(/ /g, '')}`;
}

describe('a lost phone on the phone line', () => {
  let t: TestHelpdesk;
  let outbox: DevOutbox;
  let directory: ReturnType<typeof lostPhoneDirectory>;
  const caller = () => new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN });
  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    directory = lostPhoneDirectory();
    outbox = new DevOutbox({ clock: { now: () => Date.now() } });
    t = await startTestHelpdesk(
      {
        ...phoneLineEnv(AUTH_TOKEN, PUBLIC),
        HELPDESK_PHONE_NUMBER: '+443332001133',
        AGENT_API_TOKENS: `Val Agent:${TOKEN}`,
        DIRECTORY_FILE: directory.file,
      },
      { sender: outbox },
    );
  });
  afterAll(async () => {
    await t.stop();
    directory.remove();
  });

  /** From the greeting to the staff ID: "I lost my phone", no other method, just lost, can't work, a person please. */
  async function toStaffId(c: VoiceCaller): Promise<void> {
    twimlOf(await c.start());
    expect(spoken(twimlOf(await c.say('I lost my phone')))).toMatch(/another sign-in method registered/);
    expect(spoken(twimlOf(await c.say('No')))).toMatch(/stolen/);
    expect(spoken(twimlOf(await c.say('Just lost or broken')))).toMatch(/still do your work/);
    expect(spoken(twimlOf(await c.say("No, I can't work")))).toMatch(/take it from here/);
    expect(spoken(twimlOf(await c.key('1')))).toMatch(/key in your staff ID/);
  }

  it('Gwen keys in that her other mobile is lost: the code goes to the mobile, and the ticket records both numbers masked', async () => {
    const c = caller();
    await toStaffId(c);
    const which = twimlOf(await c.key(GWEN.staffId));
    expect(find(which, 'Gather')).toBeDefined();
    expect(spoken(which)).toMatch(/Which of your phones is lost\?.*Press 1 or say Mobile ending 3 0 1\. Press 2 or say Other mobile ending 3 0 2\./);
    const offers = twimlOf(await c.key('2'));
    expect(spoken(offers)).toMatch(/Press 1 or say Text to mobile ending 3 0 1/);
    expect(spoken(offers)).not.toMatch(/ending 3 0 2/);
    expect(spoken(twimlOf(await c.key('1')))).toMatch(/sent a 6-digit code by text to your mobile ending 3 0 1/);
    const message = outbox.list(GWEN.mobile).at(-1);
    const code = /code (?:is:? )?((?:\d[,\s]*){6})/.exec(message?.text ?? '')?.[1].replace(/\D/g, '') ?? '';
    const done = twimlOf(await c.key(code));
    expect(spoken(done)).toMatch(/right code/);
    expect(verbsOf(done).at(-1)).toBe('Dial');
    expect(outbox.list(GWEN.alternateMobile)).toEqual([]);

    const got = await api(`/api/tickets/${ticketIdSpoken(done)}`);
    expect(got.body).toMatchObject({
      channel: 'voice',
      type: 'lost_device',
      verification: { verified: true, method: 'sms', destinationMasked: '***301' },
      details: {
        lostPhone: { method: 'alternateMobile', numberMasked: '***302' },
        provingPhone: { numberMasked: '***301' },
        otherMethodAvailable: true,
        temporaryAccessPass: { requested: false },
      },
    });
  });

  it('Hal, whose only number is the lost one, is put through to a person; nothing is sent to it, and the pass shows its second check pending, then recorded', async () => {
    const c = caller();
    await toStaffId(c);
    expect(spoken(twimlOf(await c.key(HAL.staffId)))).toMatch(/I can't send a code for that account\. If you mistyped it/);
    expect(spoken(twimlOf(await c.key(HAL.staffId)))).toMatch(/A person at the helpdesk will verify you instead.*Shall I still open a ticket\?/);
    const done = twimlOf(await c.key('1'));
    expect(verbsOf(done).at(-1)).toBe('Dial');
    expect(spoken(done)).not.toMatch(/ending|Temporary Access Pass/);
    expect(outbox.list(HAL.mobile)).toEqual([]);
    const id = ticketIdSpoken(done);

    const opened = await api(`/api/tickets/${id}`);
    expect(opened.body).toMatchObject({
      verification: { verified: false },
      details: { lostPhone: { method: 'mobile', numberMasked: '***401' }, temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } } },
    });
    // A call-back would ring the lost phone: refused, and no call is placed.
    expect(await api(`/api/tickets/${id}/verify-by-callback`, { staffId: HAL.staffId })).toMatchObject({ status: 409, body: { error: 'no_number' } });
    expect(outbox.list(HAL.mobile)).toEqual([]);
    expect((await api(`/api/tickets/${id}/second-check`, { method: 'line_manager', note: 'Line manager confirmed on Teams' })).status).toBe(200);
    expect((await api(`/api/tickets/${id}`)).body).toMatchObject({
      details: { temporaryAccessPass: { requested: true, secondCheck: { status: 'recorded', method: 'line_manager', by: 'Val Agent' } } },
    });
    for (const number of FULL_NUMBERS) expect(t.logLines.filter((l) => l.includes(number.slice(1)))).toEqual([]);
  });
});
