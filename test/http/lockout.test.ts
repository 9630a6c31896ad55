import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { ManualClock } from '../support/verificationFixtures';
import { latestCodeTo, otherCode, outboxTo, teamsChat, webChat, type Turn } from '../support/verifyOverHttp';
import { ConnectorStandIn } from '../teams/connectorStandIn';

const ALICE_EMAIL = 'alice.smith@example.nhs.net';
const ALICE_MOBILE = '+447700900101';
/** Alice as Teams names her: her Entra object id is the directory's. */
const ALICE_IN_TEAMS = { id: '29:alice-smith', name: 'Alice Smith', aadObjectId: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e01' };
const BOB = { email: 'bob.jones@example.nhs.net', mobile: '+447700900201', choice: 'Text to mobile ending 201' };
const ALICE = { email: ALICE_EMAIL, mobile: ALICE_MOBILE, choice: 'Text to mobile ending 101' };
const MIN = 60_000;

/** The reply to a code typed, or a code asked for, while checks are paused. */
const PAUSED_FOR = (when: RegExp): RegExp => new RegExp(`too many wrong codes, so for your security I've paused checking codes\\. You can try again in ${when.source}`);

/** Asks for a code for the person and types five wrong ones; returns what the bot said to the last (or where it stopped). */
async function fiveWrongCodes(t: TestHelpdesk, say: Turn, person = ALICE): Promise<string> {
  await say('verify me');
  const how = await say(person.email);
  if (!/How should I send your code/.test(how)) return how;
  const sent = await say(person.choice);
  if (!/sent a 6-digit code/.test(sent)) return sent;
  const code = await latestCodeTo(t, person.mobile);
  let last = '';
  for (let i = 0; i < 5; i++) last = await say(otherCode(code));
  return last;
}

describe('wrong codes typed by others, over HTTP against the real server', () => {
  let t: TestHelpdesk;
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  const clock = new ManualClock(Date.UTC(2026, 0, 12, 9, 0, 0));

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    t = await startTestHelpdesk({}, { clock });
  });
  afterAll(async () => {
    await t.stop();
    await connector.stop();
  });

  it("wrong codes typed in web chat pause web chat for the person, never their own Teams chat, and the person is told by text", async () => {
    const before = (await outboxTo(t, ALICE_MOBILE)).length;
    expect(await fiveWrongCodes(t, webChat(t))).toMatch(/cancelled this code/);
    expect(await fiveWrongCodes(t, webChat(t))).toMatch(PAUSED_FOR(/60 seconds/));
    // Web chat is paused for Alice, whoever asks: no code goes out.
    const again = webChat(t);
    await again('verify me');
    expect(await again(ALICE_EMAIL)).toMatch(PAUSED_FOR(/\d+ seconds/));
    const sent = await outboxTo(t, ALICE_MOBILE);
    expect(sent).toHaveLength(before + 3);

    // Alice is told by text, with no code and no link in it.
    const notices = sent.filter((m) => /wrong codes/.test(m.text));
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice?.channel).toBe('sms');
    expect(notice?.text).toMatch(/someone typed wrong codes while trying to confirm they were you/);
    expect(notice?.text.replace('0333 200 1133', '')).not.toMatch(/\d|https?:|www\.|\.(uk|net|com|org)\b/);

    // In her own Teams chat Alice still gets a code, and it works.
    const teams = teamsChat(t, serviceUrl, ALICE_IN_TEAMS);
    expect(await teams('verify me')).toMatch(/How should I send your code/);
    expect(await teams('Text to mobile ending 101')).toMatch(/sent a 6-digit code by text to your mobile ending 101/);
    expect(await teams(await latestCodeTo(t, ALICE_MOBILE))).toMatch(/that's the right code/);
  });

  it('the pause grows: 1 minute, then 5, then 15, and the person is told only once', async () => {
    const said: string[] = [];
    for (let round = 0; round < 3; round++) {
      await fiveWrongCodes(t, webChat(t), BOB);
      said.push(await fiveWrongCodes(t, webChat(t), BOB));
      clock.advance(15 * MIN);
    }
    expect(said[0]).toMatch(PAUSED_FOR(/60 seconds/));
    expect(said[1]).toMatch(PAUSED_FOR(/5 minutes \(at \d\d:\d\d\)/));
    expect(said[2]).toMatch(PAUSED_FOR(/15 minutes \(at \d\d:\d\d\)/));
    expect((await outboxTo(t, BOB.mobile)).filter((m) => /wrong codes/.test(m.text))).toHaveLength(1);
  });
});

describe('wrong codes are counted per requester too, over HTTP', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('one sender typing wrong codes for several people is paused, while each person can still verify from elsewhere', async () => {
    const from = 'user-one-attacker';
    expect(await fiveWrongCodes(t, webChat(t, { from }))).toMatch(/cancelled this code/);
    expect(await fiveWrongCodes(t, webChat(t, { from }), BOB)).toMatch(PAUSED_FOR(/60 seconds/));
    // The sender is paused whoever they name next.
    const next = webChat(t, { from });
    await next('verify me');
    expect(await next(ALICE_EMAIL)).toMatch(PAUSED_FOR(/\d+ seconds/));
    // Bob himself, from his own web chat, is not paused: five wrong codes are below his threshold.
    const bob = webChat(t);
    await bob('verify me');
    await bob(BOB.email);
    expect(await bob('Text to mobile ending 201')).toMatch(/sent a 6-digit code/);
    expect(await bob(await latestCodeTo(t, BOB.mobile))).toMatch(/that's the right code/);
  });
});
