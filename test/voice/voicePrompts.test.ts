import { randomUUID } from 'node:crypto';
import { DevOutbox } from '../../src/verification/devOutbox';
import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { find, saysOf, twimlOf, verbsOf, VoiceCaller, type TwimlNode, phoneLineEnv } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-prompt-tests';
const PUBLIC = 'https://bot.example.org';
const HELPDESK = '+443332001133';

const spoken = (root: TwimlNode) => saysOf(root).join(' ');

describe('prompts that understand everyday answers, over HTTP against the real server', () => {
  let t: TestHelpdesk;
  let outbox: DevOutbox;
  const caller = () => new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN });

  beforeAll(async () => {
    outbox = new DevOutbox({ clock: { now: () => Date.now() } });
    t = await startTestHelpdesk(
      {
        ...phoneLineEnv(AUTH_TOKEN, PUBLIC),
        HELPDESK_PHONE_NUMBER: HELPDESK,
      },
      { sender: outbox },
    );
  });
  afterAll(async () => {
    await t.stop();
  });

  it('chat: typing "text" at "How should I send your code?" sends the code, the first time', async () => {
    const id = `prompts-${randomUUID()}`;
    const say = async (text: string) => (await send(t.baseUrl, messageActivity(id, text, { id: randomUUID() }))).map((r) => r.text ?? '').join('\n');
    expect(await say('verify me')).toMatch(/NHSmail email address/);
    expect(await say('alice.smith@example.nhs.net')).toMatch(/How should I send your code\?/);
    const answer = await say('text');
    expect(answer).toMatch(/^I've sent a 6-digit code by text to your mobile ending 101\./);
    expect(answer).not.toMatch(/didn't catch that/);
    expect(outbox.list('+447700900101').map((m) => m.channel)).toEqual(['sms']);
  });

  it('chat: three answers it cannot use get two re-prompts, then the helpdesk is offered', async () => {
    const id = `prompts-${randomUUID()}`;
    const say = async (text: string) => (await send(t.baseUrl, messageActivity(id, text, { id: randomUUID() }))).map((r) => r.text ?? '').join('\n');
    expect(await say('I lost my phone')).toMatch(/another sign-in method/);
    expect(await say('no')).toMatch(/stolen/);
    expect(await say('purple')).toMatch(/^Sorry, I didn't catch that\. Could the phone have been stolen\?/);
    expect(await say('banana')).toMatch(/^Sorry, I didn't catch that\. Could the phone have been stolen\?/);
    const third = await say('fish');
    expect(third).not.toMatch(/didn't catch that/);
    expect(third).toMatch(/Sorry, I still can't make that out\.\nI'll pass you to the helpdesk\.\nShall I check it's you first/);
  });

  it('voice: a spoken partial answer picks the choice ("text message please" at the code prompt)', async () => {
    const c = caller();
    twimlOf(await c.start());
    expect(spoken(twimlOf(await c.say('verify me')))).toMatch(/key in your staff ID/);
    const methods = twimlOf(await c.key('100001'));
    expect(spoken(methods)).toMatch(/How should I send your code\? Press 1 or say Text to mobile ending 1 0 1\./);
    const sent = twimlOf(await c.say('text message please'));
    expect(spoken(sent)).toMatch(/sent a 6-digit code by text to your mobile ending 1 0 1/);
    expect(find(sent, 'Gather')).toBeDefined();
    expect(outbox.list('+447700900101')[0]).toMatchObject({ channel: 'sms' });
  });

  it('voice: "ring me on my office phone" calls the office phone', async () => {
    const c = caller();
    twimlOf(await c.start());
    twimlOf(await c.say('verify me'));
    twimlOf(await c.key('100001'));
    const calling = twimlOf(await c.say('ring me on my office phone'));
    expect(spoken(calling)).toMatch(/calling your office phone ending 1 0 1/);
    expect(outbox.list('+441632960101')[0]).toMatchObject({ channel: 'voice' });
  });

  it('voice: the third spoken answer it cannot use puts the caller through, with a ticket and the whisper', async () => {
    const c = caller();
    twimlOf(await c.start());
    expect(spoken(twimlOf(await c.say('I lost my phone')))).toMatch(/another sign-in method/);
    expect(spoken(twimlOf(await c.key('2')))).toMatch(/stolen/); // 2 = "No"
    const before = (await t.helpdesk.tickets.list({})).items.length;
    for (const junk of ['purple', 'banana']) {
      const again = twimlOf(await c.say(junk));
      expect(find(again, 'Gather')).toBeDefined();
      expect(spoken(again)).toMatch(/^Sorry, I didn't catch that\. Could the phone have been stolen\?/);
    }
    const third = twimlOf(await c.say('fish'));
    expect(find(third, 'Gather')).toBeUndefined();
    expect(verbsOf(third)).toEqual(['Say', 'Say', 'Say', 'Dial']);
    const text = spoken(third);
    expect(text).toMatch(/^Sorry, I still can't make that out\. I've opened ticket M F A, \d \d \d, \d \d \d/);
    const id = text.match(/ticket M F A, (\d \d \d), (\d \d \d)/);
    const ticketId = `MFA-${`${id?.[1]}${id?.[2]}`.replace(/ /g, '')}`;
    expect(find(third, 'Number')?.text).toBe(HELPDESK);
    expect(find(third, 'Number')?.attrs.url).toBe(`${PUBLIC}/api/voice/whisper?ticket=${ticketId}`);
    const { items } = await t.helpdesk.tickets.list({});
    expect(items).toHaveLength(before + 1);
    expect(await t.helpdesk.tickets.get(ticketId)).toMatchObject({ channel: 'voice', verification: { verified: false }, summary: expect.stringMatching(/no usable answer/) });
  });
});
