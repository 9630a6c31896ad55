import type { ChannelAccount } from 'botbuilder';
import { isVerifyIdentityResult, NO_CODE_FOR_ACCOUNT, NO_CODE_TRY_AGAIN, offersFor, type VerifyIdentityOptions, type VerifyIdentityResult } from '../../dialogs/verifyIdentity';
import { VerifyIdentityDialog } from '../../dialogs/verifyIdentityDialog';
import { parseCodeReply, PERSON_CHOICE } from '../../dialogs/codeChallenge';
import type { CodeMessage, CodeSender, SendResult } from '../../src/verification/codeSender';
import type { DevOutbox } from '../../src/verification/devOutbox';
import {
  all,
  choices,
  CONVERSATION_ID,
  dialogWorld,
  expectNoLeaks,
  latestCode,
  play,
  session,
  USER,
  type DialogWorld,
  type Transcript,
  type Turn,
} from '../support/dialogTranscripts';
import { ALICE, BOB, wrongCode } from '../support/verificationFixtures';

const MIN = 60_000;

const ALICE_MOBILE = '+447700900101';
const ALICE_OTHER = '+447700900102';
const BOB_MOBILE = '+447700900201';
const DIRECTORY_NUMBERS = [ALICE_MOBILE, ALICE_OTHER, '+441632960101', BOB_MOBILE, '+447700900401', '+447700900501'];

const ALICE_CHOICES = [
  'Text to mobile ending 101',
  'Call to mobile ending 101',
  'Text to other mobile ending 102',
  'Call to other mobile ending 102',
  'Call to office phone ending 101',
];
const BOB_CHOICES = ['Text to mobile ending 201', 'Call to mobile ending 201'];

const INTRO = /^I need to check it's you\. I'll send a code to a phone number that's already on your record\.$/;
const ASK_EMAIL = "What's your NHSmail email address? You can type your staff ID instead.";
const SENT_TEXT_BOB = /^I've sent a 6-digit code by text to your mobile ending 201\. It works for 5 minutes\. Type it here when it arrives\.$/;
const CONFIRMED = (name: string) => new RegExp(`^Thanks, ${name}, that's the right code: you've confirmed it's you\\.`);
const REFUSAL = /^I can only send codes to a number already on your record/;

const code = (to: string) => (w: DialogWorld) => latestCode(w, to);
const wrong = (to: string) => (w: DialogWorld) => wrongCode(latestCode(w, to));
const advance = (ms: number) => (w: DialogWorld) => {
  w.clock.advance(ms);
};

/** Starts, names Bob and has a code texted to his mobile. */
const BOB_BY_TEXT: readonly Turn[] = [
  ['verify me', [INTRO, ASK_EMAIL]],
  ['bob.jones@example.nhs.net', all('How should I send your code?', choices(...BOB_CHOICES))],
  ['1', all(SENT_TEXT_BOB, choices('Send a new code', 'Call me instead'))],
];

const expectVerified = (expected: Partial<Record<string, unknown>>) => (result: VerifyIdentityResult | undefined) => {
  expect(isVerifyIdentityResult(result)).toBe(true);
  expect(result).toMatchObject({ verified: true, ...expected });
  expect(result?.verified && Date.parse(result.at)).toBeTruthy();
};

const expectNotVerified = (reason: string, extra: Partial<Record<string, unknown>> = {}) => (result: VerifyIdentityResult | undefined) => {
  expect(isVerifyIdentityResult(result)).toBe(true);
  expect(result).toMatchObject({ verified: false, reason, ...extra });
  expect(result?.verified === false && result.message.length).toBeGreaterThan(0);
};

/** A step that changes the world between turns (e.g. moves the clock) and expects no reply. */
type Step = Turn | ((w: DialogWorld) => void);

interface Script extends Omit<Transcript<VerifyIdentityOptions, VerifyIdentityResult>, 'turns'> {
  readonly steps: readonly Step[];
  readonly after?: (w: DialogWorld) => void;
  readonly sender?: (outbox: DevOutbox) => CodeSender;
}

/** A sender that refuses texts to one number as "not SMS capable" and passes the rest to the outbox. */
function noTextsTo(number: string): (outbox: DevOutbox) => CodeSender {
  return (outbox) => ({
    send(message: CodeMessage): Promise<SendResult> {
      if (message.to === number && message.channel === 'sms') {
        return Promise.resolve({
          ok: false,
          failure: { kind: 'not_sms_capable', delivered: 'no', suggestedChannel: 'voice', userMessage: "That number can't receive text messages, so I couldn't send your code." },
        });
      }
      return outbox.send(message);
    },
  });
}

const scripts: Script[] = [
  {
    name: 'success by text message, with only masked numbers offered',
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['alice.smith@example.nhs.net', all('How should I send your code?', choices(...ALICE_CHOICES), (r) => expect(r.speak).toContain('Press 1 or say Text to mobile ending 1 0 1.'))],
      ['1', /^I've sent a 6-digit code by text to your mobile ending 101\. It works for 5 minutes\./],
      [code(ALICE_MOBILE), CONFIRMED('Alice Smith')],
    ],
    result: expectVerified({ personId: ALICE.id, email: ALICE.email, displayName: 'Alice Smith', staffId: '100001', method: 'sms', destinationMasked: '***101' }),
    after: (w) => expect(w.outbox.list().map((m) => [m.to, m.channel])).toEqual([[ALICE_MOBILE, 'sms']]),
  },
  {
    name: 'success by a call, found by staff ID, the code typed with a space',
    options: { purpose: 'before I change your phone number' },
    steps: [
      ['hello', [/^I need to check it's you before I change your phone number\./, ASK_EMAIL]],
      ['my staff id is 100002', choices(...BOB_CHOICES)],
      ['Call to mobile ending 201', all(/^I'm calling your mobile ending 201 now with a 6-digit code\. It works for 5 minutes\./, choices('Send a new code', 'Text me instead'))],
      [(w) => `${latestCode(w, BOB_MOBILE).slice(0, 3)} ${latestCode(w, BOB_MOBILE).slice(3)}`, CONFIRMED('Bob Jones')],
    ],
    result: expectVerified({ personId: BOB.id, method: 'voice', destinationMasked: '***201' }),
    after: (w) => expect(w.outbox.list()[0]).toMatchObject({ to: BOB_MOBILE, channel: 'voice' }),
  },
  {
    name: 'a wrong code, then the right one',
    steps: [...BOB_BY_TEXT, [wrong(BOB_MOBILE), "That code isn't right. You have 4 more tries. Please type the code again."], [code(BOB_MOBILE), CONFIRMED('Bob Jones')]],
    result: expectVerified({ personId: BOB.id, method: 'sms' }),
  },
  {
    name: 'five wrong codes cancel the code and a person is offered',
    steps: [
      ...BOB_BY_TEXT,
      [wrong(BOB_MOBILE), /You have 4 more tries/],
      [wrong(BOB_MOBILE), /You have 3 more tries/],
      [wrong(BOB_MOBILE), /You have 2 more tries/],
      [wrong(BOB_MOBILE), /You have 1 more try\./],
      [wrong(BOB_MOBILE), /^That's too many wrong codes, so I've cancelled this code for your security\. You can ask for a new one in 15 minutes \(at 09:15\), or talk to a person at the helpdesk\.$/],
    ],
    result: expectNotVerified('too_many_attempts', { personId: BOB.id, email: BOB.email }),
  },
  {
    name: 'an expired code: told so, a new code offered and sent',
    steps: [
      ...BOB_BY_TEXT,
      advance(5 * MIN),
      [code(BOB_MOBILE), all(/^That code has expired\. Choose \*\*Send a new code\*\*/, choices('Send a new code', 'Call me instead'))],
      ['Send a new code', /^I've sent a new 6-digit code by text to your mobile ending 201\./],
      [code(BOB_MOBILE), CONFIRMED('Bob Jones')],
    ],
    result: expectVerified({ personId: BOB.id }),
    after: (w) => expect(w.outbox.list(BOB_MOBILE)).toHaveLength(2),
  },
  {
    name: 'resend within the cooldown is refused with when; "call me instead" works after it',
    steps: [
      ...BOB_BY_TEXT,
      advance(20_000),
      ['resend', "I've just sent you a code. Please wait 40 seconds before asking for another one. Please type the code you already have."],
      ['call me instead', /^I've just sent you a code\. Please wait 40 seconds/],
      advance(40_000),
      ['call me instead', /^I'm calling your mobile ending 201 now with a new 6-digit code\./],
      [code(BOB_MOBILE), CONFIRMED('Bob Jones')],
    ],
    result: expectVerified({ method: 'voice' }),
    after: (w) => expect(w.outbox.list(BOB_MOBILE).map((m) => m.channel)).toEqual(['voice', 'sms']),
  },
  {
    name: 'unknown emails: a clear message, nothing sent, a person offered after the third lookup',
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['nobody@example.nhs.net', `${NO_CODE_TRY_AGAIN} ${ASK_EMAIL}`],
      ['someone.else@example.nhs.net', `${NO_CODE_TRY_AGAIN} ${ASK_EMAIL}`],
      ['999999', NO_CODE_FOR_ACCOUNT],
    ],
    result: expectNotVerified('lookup_limit'),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'the conversation lookup limit is checked before the directory',
    before: async (w) => {
      for (const id of ['a@example.nhs.net', 'b@example.nhs.net', 'c@example.nhs.net']) await w.lookups.check(CONVERSATION_ID, id);
    },
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['alice.smith@example.nhs.net', /^I can only look up a few different accounts in one conversation\. .*talk to a person at the helpdesk\.$/],
    ],
    result: expectNotVerified('lookup_limit'),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'a guest gets the same neutral reply as every account without a code',
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['erin.guest@example.org', `${NO_CODE_TRY_AGAIN} ${ASK_EMAIL}`],
      ['Erin.Guest@example.org', NO_CODE_FOR_ACCOUNT],
    ],
    result: expectNotVerified('guest', { personId: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e05' }),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'a compromised account gets no code, and the same neutral reply: the flag is not revealed',
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['DAN.BROWN@example.nhs.net', `${NO_CODE_TRY_AGAIN} ${ASK_EMAIL}`],
      ['dan.brown@example.nhs.net', NO_CODE_FOR_ACCOUNT],
    ],
    result: expectNotVerified('compromised'),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'Carol has the app only: no phone method, the same neutral reply',
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['carol.white@example.nhs.net', `${NO_CODE_TRY_AGAIN} ${ASK_EMAIL}`],
      ['carol.white@example.nhs.net', NO_CODE_FOR_ACCOUNT],
    ],
    result: expectNotVerified('no_phone_method', { email: 'carol.white@example.nhs.net' }),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'a typed phone number is refused at every step and never used',
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['07700 900101', `I can only send codes to a number already on your record, so I can't use a number typed here. ${ASK_EMAIL}`],
      ['alice.smith@example.nhs.net', choices(...ALICE_CHOICES)],
      ['send it to 07700 900999', all(REFUSAL, choices(...ALICE_CHOICES))],
      ['+44 7700 900999', all(REFUSAL, choices(...ALICE_CHOICES))],
      ['Text to mobile ending 101', /^I've sent a 6-digit code by text to your mobile ending 101\./],
      [
        'no, text 07700900999 instead',
        all("I can only send codes to a number already on your record, so I can't use a number typed here. Please type the 6-digit code I sent you.", choices('Send a new code', 'Call me instead')),
      ],
      ['help', [/^Answer the question above to carry on\./, /^I've sent a 6-digit code by text to your mobile ending 101\./]],
      [code(ALICE_MOBILE), CONFIRMED('Alice Smith')],
    ],
    result: expectVerified({ destinationMasked: '***101' }),
    after: (w) => expect(w.outbox.list().map((m) => m.to)).toEqual([ALICE_MOBILE]),
  },
  {
    name: 'a person paused by wrong codes elsewhere gets no code and is told when to try again',
    before: async (w) => {
      const bob = await w.directory.findByEmail(BOB.email);
      if (!bob) throw new Error('Bob is missing from the sample directory');
      for (const conversationId of ['earlier-1', 'earlier-2']) {
        await w.service.sendCode({ purpose: 'identity', person: bob, conversationId, channel: 'sms', method: 'mobile' });
        for (let i = 0; i < 5; i++) await w.service.checkCode({ personId: bob.id, purpose: 'identity', conversationId, code: wrongCode(latestCode(w, BOB_MOBILE)) });
      }
      w.outbox.clear();
    },
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['bob.jones@example.nhs.net', /^There have been too many wrong codes, so for your security I've paused checking codes\. You can try again in 60 seconds, or talk to a person at the helpdesk now\.$/],
    ],
    result: expectNotVerified('locked_out', { personId: BOB.id }),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'a send failure gives the provider message and offers the other ways or a person, sending nothing on its own',
    sender: noTextsTo(ALICE_OTHER),
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['alice.smith@example.nhs.net', choices(...ALICE_CHOICES)],
      ['3', all(/^That number can't receive text messages, so I couldn't send your code\. Would you like me to try another way\?$/, choices(...ALICE_CHOICES.filter((_c, i) => i !== 2), PERSON_CHOICE))],
      ['Call to other mobile ending 102', /^I'm calling your other mobile ending 102 now/],
      [code(ALICE_OTHER), CONFIRMED('Alice Smith')],
    ],
    result: expectVerified({ method: 'voice', destinationMasked: '***102' }),
    after: (w) => expect(w.outbox.list().map((m) => [m.to, m.channel])).toEqual([[ALICE_OTHER, 'voice']]),
  },
  {
    name: 'after a send failure the user can ask for a person',
    sender: noTextsTo(BOB_MOBILE),
    steps: [
      ['verify me', [INTRO, ASK_EMAIL]],
      ['bob.jones@example.nhs.net', choices(...BOB_CHOICES)],
      ['1', choices('Call to mobile ending 201', PERSON_CHOICE)],
      [PERSON_CHOICE, 'OK. A person at the helpdesk will verify you instead.'],
    ],
    result: expectNotVerified('send_failed', { personId: BOB.id }),
    after: (w) => expect(w.outbox.list()).toHaveLength(0),
  },
  {
    name: 'in Teams the person is found by their Entra object id',
    channel: 'msteams',
    from: { id: '29:alice', name: 'Alice Smith', aadObjectId: ALICE.objectId },
    steps: [
      ['verify me', [INTRO, choices(...ALICE_CHOICES)]],
      ['2', /^I'm calling your mobile ending 101 now/],
      [code(ALICE_MOBILE), CONFIRMED('Alice Smith')],
    ],
    result: expectVerified({ personId: ALICE.id, method: 'voice' }),
  },
  {
    name: 'in Teams an unknown object id falls back to asking',
    channel: 'msteams',
    from: { id: '29:someone', name: 'Someone', aadObjectId: '00000000-0000-4000-8000-000000000000' },
    steps: [['verify me', [INTRO, /^I couldn't match your Teams account to our directory\. What's your NHSmail email address\?/]]],
  },
  {
    name: 'on the phone line the staff ID is keyed in and choices are numbered for speech',
    channel: 'voice',
    steps: [
      ['verify me', [INTRO, 'Please key in your staff ID on your keypad, then press hash.']],
      [
        '100002#',
        all(choices(...BOB_CHOICES, 'Call me back on mobile ending 201'), (r) => expect(r.speak).toContain('Press 2 or say Call to mobile ending 2 0 1. Press 3 or say Call me back on mobile ending 2 0 1.')),
      ],
      ['2', /^I'm calling your mobile ending 201 now with a 6-digit code\. It works for 5 minutes\. Key it in when you have it\.$/],
      [code(BOB_MOBILE), CONFIRMED('Bob Jones')],
    ],
    result: expectVerified({ method: 'voice' }),
  },
  {
    name: 'already verified in this conversation: no second code, then asked again after 15 minutes',
    options: { standalone: true },
    steps: [
      ...BOB_BY_TEXT,
      [code(BOB_MOBILE), /^Thanks, Bob Jones, that's the right code: you've confirmed it's you\. You'll stay verified in this conversation for 15 minutes/],
      advance(10 * MIN),
      ['verify me', "You're already verified in this conversation, so I don't need to send you another code."],
      advance(5 * MIN + 1),
      ['verify me', [INTRO, ASK_EMAIL]],
    ],
    after: (w) => expect(w.outbox.list()).toHaveLength(1),
  },
  {
    name: '"talk to a person" ends the check with person_requested',
    steps: [...BOB_BY_TEXT, ['talk to a person', /^OK, I've stopped the identity check\. A person at the helpdesk will verify you instead\.$/]],
    result: expectNotVerified('person_requested', { personId: BOB.id }),
  },
  {
    name: '"cancel" ends the check with cancelled',
    steps: [...BOB_BY_TEXT, ['cancel', /^OK, I've stopped that\./]],
    result: expectNotVerified('cancelled', { personId: BOB.id }),
  },
];

describe('VerifyIdentityDialog', () => {
  let w: DialogWorld;
  afterEach(async () => {
    await w.store.close();
  });

  it.each(scripts.map((s) => [s.name, s] as const))('%s', async (_name, script) => {
    w = await dialogWorld({ sender: script.sender });
    await script.before?.(w);
    const s = session(new VerifyIdentityDialog(w.deps), script.channel ?? 'webchat', script.options);
    const from: ChannelAccount = script.from ?? USER;
    for (const step of script.steps) {
      if (typeof step === 'function') step(w);
      else await play(s, w, [step], from);
    }
    expect(s.replies.length).toBeGreaterThan(0);
    script.result?.(s.client.dialogTurnResult.result as VerifyIdentityResult | undefined, w);
    script.after?.(w);
    expectNoLeaks(s, w);
    const state = JSON.stringify(s.memory);
    for (const number of DIRECTORY_NUMBERS) expect(state).not.toContain(number.slice(3));
  });

  it('does not reuse a proof for another user in the same conversation', async () => {
    w = await dialogWorld();
    const s = session(new VerifyIdentityDialog(w.deps));
    await play(s, w, [...BOB_BY_TEXT, [code(BOB_MOBILE), CONFIRMED('Bob Jones')]]);
    const other: ChannelAccount = { id: 'user-2', name: 'Someone else' };
    await play(s, w, [['verify me', [INTRO, ASK_EMAIL]]], other);
    expect(w.outbox.list()).toHaveLength(1);
  });

  it('remembers the proof in the store, not in memory', async () => {
    w = await dialogWorld();
    const s = session(new VerifyIdentityDialog(w.deps));
    await play(s, w, [...BOB_BY_TEXT, [code(BOB_MOBILE), CONFIRMED('Bob Jones')]]);
    const fresh = session(new VerifyIdentityDialog(w.deps));
    await play(fresh, w, [['verify me', /^You're already verified in this conversation/]]);
    expect(fresh.client.dialogTurnResult.result).toMatchObject({ verified: true, personId: BOB.id, method: 'sms' });
    await expect(w.sessions.recall(CONVERSATION_ID, USER.id)).resolves.toMatchObject({ personId: BOB.id });
    await expect(w.sessions.recall('another-conversation', USER.id)).resolves.toBeUndefined();
  });
});

describe('helpers', () => {
  it('read requests at the code prompt', () => {
    expect(parseCodeReply('Send a new code')).toEqual({ kind: 'resend' });
    expect(parseCodeReply("I didn't get it")).toEqual({ kind: 'resend' });
    expect(parseCodeReply('call me instead')).toEqual({ kind: 'switch', channel: 'voice' });
    expect(parseCodeReply('Text me instead')).toEqual({ kind: 'switch', channel: 'sms' });
    expect(parseCodeReply(' 123 456 ')).toEqual({ kind: 'code', code: '123 456' });
  });

  it('offer only registered phone methods, texts to mobiles only', async () => {
    const world = await dialogWorld();
    const carol = await world.directory.findByEmail('carol.white@example.nhs.net');
    expect(carol && offersFor(carol)).toEqual([]);
    const alice = await world.directory.findByEmail(ALICE.email);
    expect(alice && offersFor(alice).map((o) => o.title)).toEqual(ALICE_CHOICES);
    expect(JSON.stringify(alice && offersFor(alice))).not.toContain('7700900');
    await world.store.close();
  });
});
