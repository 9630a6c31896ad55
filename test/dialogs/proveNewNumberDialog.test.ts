import { ProveNewNumberDialog, newNumberOffers, type ProveNewNumberOptions, type ProveNewNumberResult } from '../../dialogs/proveNewNumberDialog';
import { VerifyIdentityDialog } from '../../dialogs/verifyIdentityDialog';
import { all, choices, dialogWorld, expectNoLeaks, latestCode, play, session, type DialogWorld, type Turn } from '../support/dialogTranscripts';
import { BOB, wrongCode } from '../support/verificationFixtures';

const MIN = 60_000;
const BOB_MOBILE = '+447700900201';
const NEW_NUMBER = '+447700900999';
const OPTIONS: ProveNewNumberOptions = { newNumber: NEW_NUMBER };

const code = (to: string) => (w: DialogWorld) => latestCode(w, to);
const wrong = (to: string) => (w: DialogWorld) => wrongCode(latestCode(w, to));

/** Bob proves who he is by a text to his directory mobile, in the same conversation. */
const VERIFY_BOB: readonly Turn[] = [
  ['verify me', [/^I need to check it's you/, /NHSmail email address/]],
  ['bob.jones@example.nhs.net', choices('Text to mobile ending 201', 'Call to mobile ending 201')],
  ['1', /^I've sent a 6-digit code by text to your mobile ending 201\./],
  [code(BOB_MOBILE), /^Thanks, Bob Jones, that's the right code/],
];

const START: Turn = [
  'ok',
  [
    "Next I'll check that the new number ending 999 is yours.",
    all(/^I've sent a 6-digit code by text to your new number ending 999\. It works for 5 minutes\./, choices('Send a new code', 'Call me instead')),
  ],
];
const PROVEN = "Thanks, that's the right code: the new number ending 999 is yours.";

interface Script {
  readonly name: string;
  /** Prove identity first in the same conversation. */
  readonly verified: boolean;
  readonly minutesBetween?: number;
  readonly turns: readonly Turn[];
  readonly result: (result: ProveNewNumberResult | undefined, w: DialogWorld) => void;
}

const scripts: Script[] = [
  {
    name: 'before identity is proven: refused, nothing sent',
    verified: false,
    turns: [['ok', 'Before I can check a new number, I need to confirm it is you with a code sent to a number we already hold. We can do that now.']],
    result: (result, w) => {
      expect(result).toMatchObject({ proven: false, reason: 'identity_not_proven' });
      expect(w.outbox.list()).toHaveLength(0);
    },
  },
  {
    name: 'more than 15 minutes after identity was proven: refused',
    verified: true,
    minutesBetween: 16,
    turns: [['ok', /^Before I can check a new number, I need to confirm it is you/]],
    result: (result, w) => {
      expect(result).toMatchObject({ proven: false, reason: 'identity_not_proven' });
      expect(w.outbox.list(NEW_NUMBER)).toHaveLength(0);
    },
  },
  {
    name: 'success: the code goes to the new number and is checked',
    verified: true,
    turns: [START, [code(NEW_NUMBER), PROVEN]],
    result: (result, w) => {
      expect(result).toMatchObject({ proven: true, numberE164: NEW_NUMBER, method: 'sms', destinationMasked: '***999' });
      expect(result?.proven && Date.parse(result.at)).toBeTruthy();
      expect(w.outbox.list(NEW_NUMBER)).toHaveLength(1);
      expect(w.outbox.list(NEW_NUMBER)[0].text).toMatch(/confirm your new phone number/);
    },
  },
  {
    name: 'a wrong code, then the right one',
    verified: true,
    turns: [START, [wrong(NEW_NUMBER), "That code isn't right. You have 4 more tries. Please type the code again."], [code(NEW_NUMBER), PROVEN]],
    result: (result) => expect(result).toMatchObject({ proven: true, numberE164: NEW_NUMBER }),
  },
  {
    name: 'five wrong codes: not proven, a person offered',
    verified: true,
    turns: [
      START,
      [wrong(NEW_NUMBER), /4 more tries/],
      [wrong(NEW_NUMBER), /3 more tries/],
      [wrong(NEW_NUMBER), /2 more tries/],
      [wrong(NEW_NUMBER), /1 more try/],
      [wrong(NEW_NUMBER), /^That's too many wrong codes.*talk to a person at the helpdesk\.$/],
    ],
    result: (result) => expect(result).toMatchObject({ proven: false, reason: 'too_many_attempts' }),
  },
];

describe('ProveNewNumberDialog', () => {
  let w: DialogWorld;
  afterEach(async () => {
    await w.store.close();
  });

  it.each(scripts.map((s) => [s.name, s] as const))('%s', async (_name, script) => {
    w = await dialogWorld();
    if (script.verified) {
      const identity = session(new VerifyIdentityDialog(w.deps));
      await play(identity, w, VERIFY_BOB);
      expect(identity.client.dialogTurnResult.result).toMatchObject({ verified: true, personId: BOB.id });
      w.clock.advance((script.minutesBetween ?? 1) * MIN);
    }
    const s = session(new ProveNewNumberDialog(w.deps), 'webchat', OPTIONS);
    await play(s, w, script.turns);
    script.result(s.client.dialogTurnResult.result as ProveNewNumberResult | undefined, w);
    expectNoLeaks(s, w);
  });

  it('"call me instead" calls the new number, never the directory one', async () => {
    w = await dialogWorld();
    await play(session(new VerifyIdentityDialog(w.deps)), w, VERIFY_BOB);
    w.clock.advance(2 * MIN);
    const s = session(new ProveNewNumberDialog(w.deps), 'webchat', OPTIONS);
    await play(s, w, [START, ['call me instead', /^I've just sent you a code\. Please wait/]]);
    w.clock.advance(MIN);
    await play(s, w, [['call me instead', /^I'm calling your new number ending 999 now with a new 6-digit code\./], [code(NEW_NUMBER), PROVEN]]);
    expect(s.client.dialogTurnResult.result).toMatchObject({ proven: true, method: 'voice' });
    expect(w.outbox.list(NEW_NUMBER).map((m) => m.channel)).toEqual(['voice', 'sms']);
    expect(w.outbox.list(BOB_MOBILE)).toHaveLength(1);
    expectNoLeaks(s, w);
  });

  it('offers only the new number, masked', () => {
    expect(newNumberOffers(NEW_NUMBER).map((o) => [o.title, o.masked])).toEqual([
      ['Text to new number ending 999', '***999'],
      ['Call to new number ending 999', '***999'],
    ]);
  });
});
