import { DevOutbox } from '../../src/verification/devOutbox';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { saysOf, twimlOf, VoiceCaller, phoneLineEnv } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-caller-budgets';
const PUBLIC = 'https://bot.example.org';

describe('the phone line: one calling number asking for codes for many staff ids', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk(
      { ...phoneLineEnv(AUTH_TOKEN, PUBLIC), VERIFICATION_SENDS_PER_SOURCE_PER_HOUR: '2' },
      { sender: new DevOutbox({ clock: { now: () => Date.now() } }) },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  /** A new call from `from`: asks to be verified, keys the staff id, and picks the first way offered; returns what was said last. */
  async function callFor(from: string, staffId: string): Promise<string> {
    const c = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN, from });
    await c.start();
    await c.say('verify me');
    const methods = saysOf(twimlOf(await c.key(staffId))).join(' ');
    if (!/Press 1/.test(methods)) return methods;
    return saysOf(twimlOf(await c.key('1'))).join(' ');
  }

  it('stops at the per-caller budget, in new calls too, and the caller hears the helpdesk number; another caller is not stopped', async () => {
    const attacker = '+447700900777';
    expect(await callFor(attacker, '100001')).toMatch(/sent a 6-digit code by text/);
    expect(await callFor(attacker, '100002')).toMatch(/sent a 6-digit code by text/);
    const refused = await callFor(attacker, '100001');
    expect(refused).toMatch(/I've sent as many codes as I can for requests from here for now/);
    expect(refused).toMatch(/call the helpdesk on oh three three three, two oh oh, one one three three/);
    expect(await callFor('+447700900778', '100001')).toMatch(/sent a 6-digit code by text/);
  });
});
