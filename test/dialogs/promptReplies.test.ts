import type { Activity } from 'botbuilder';
import { GAVE_UP_TEXT, MAX_PROMPT_ATTEMPTS } from '../../dialogs/prompts';
import { mainDialogClients } from '../support/helpdeskServices';
import { both, playTranscript, suggestionTitles, type Turn } from '../helpers/transcript';

const { client, world: currentWorld } = mainDialogClients();

const ALICE_EMAIL = 'alice.smith@example.nhs.net';
const ASK_METHOD = /^How should I send your code\?$/;
const RETRY_METHOD = /^Sorry, I didn't catch that\. How should I send your code\? Please choose one of: Text to mobile ending 101, /;
const ALICE_CHOICES = ['Text to mobile ending 101', 'Call to mobile ending 101', 'Text to other mobile ending 102', 'Call to other mobile ending 102', 'Call to office phone ending 101'];

/** "verify me", then Alice's address: the bot asks how to send the code. */
const ALICE_ASKED: Turn[] = [
  ['verify me', [/I need to check it's you/, /NHSmail email address/]],
  [ALICE_EMAIL, both(ASK_METHOD, (r) => expect(suggestionTitles(r)).toEqual(ALICE_CHOICES))],
];

const SENT_BY_TEXT = (place: string) => new RegExp(`^I've sent a 6-digit code by text to your ${place}\\.`);
const CALLING = (place: string) => new RegExp(`^I'm calling your ${place} now with a 6-digit code\\.`);

/** Everyday answers to "How should I send your code?", and where each sends the code. */
const METHOD_REPLIES: [reply: string, expected: RegExp, to: string][] = [
  ['text', SENT_BY_TEXT('mobile ending 101'), '+447700900101'],
  ['Text', SENT_BY_TEXT('mobile ending 101'), '+447700900101'],
  ['by text message please', SENT_BY_TEXT('mobile ending 101'), '+447700900101'],
  ['sms', SENT_BY_TEXT('mobile ending 101'), '+447700900101'],
  ['text my other mobile', SENT_BY_TEXT('other mobile ending 102'), '+447700900102'],
  ['call me', CALLING('mobile ending 101'), '+447700900101'],
  ['ring me on my office phone', CALLING('office phone ending 101'), '+441632960101'],
  ['phone my office', CALLING('office phone ending 101'), '+441632960101'],
  ['the second one', CALLING('mobile ending 101'), '+447700900101'],
  ['2', CALLING('mobile ending 101'), '+447700900101'],
  ['the third', SENT_BY_TEXT('other mobile ending 102'), '+447700900102'],
];

describe('choice prompts take everyday answers', () => {
  it.each(METHOD_REPLIES)('"%s" at "How should I send your code?" sends the code at once', async (reply, expected, to) => {
    await playTranscript(client(), [...ALICE_ASKED, [reply, expected]]);
    const sent = currentWorld().outbox.list();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to, channel: to === '+441632960101' || expected.source.includes('calling') ? 'voice' : 'sms' });
  });

  it('"text" is understood the first time: no "Sorry, I didn\'t catch that" at all', async () => {
    const replies = await playTranscript(client(), [...ALICE_ASKED, ['text', SENT_BY_TEXT('mobile ending 101')]]);
    expect(replies.map((r) => r.text).join('\n')).not.toMatch(/didn't catch that/);
  });

  const YES_NO: [reply: string, expected: RegExp][] = [
    ['yeah I do', /Could the phone have been stolen\?/],
    ['yep', /Could the phone have been stolen\?/],
    ['nope', /Could the phone have been stolen\?/],
    ['not really', /Could the phone have been stolen\?/],
    ["I don't know", /Could the phone have been stolen\?/],
  ];
  const OTHER_METHOD = /^Do you have another sign-in method registered/;

  it.each(YES_NO)('"%s" answers "Do you have another sign-in method?"', async (reply, expected) => {
    await playTranscript(client(), [['I lost my phone', [/Sorry to hear that/, OTHER_METHOD]], [reply, expected]]);
  });

  it.each([
    ['yeah I do', 'yes'],
    ['nope', 'no'],
    ['not really', 'no'],
    ["I don't know", 'unsure'],
  ])('"%s" is taken as %s', async (reply, otherMethod) => {
    const c = client();
    await playTranscript(c, [['I lost my phone', [/Sorry to hear that/, OTHER_METHOD]], [reply, /stolen/]]);
    const first = await c.sendActivity('just lost');
    const texts: string[] = [first?.text ?? ''];
    for (let r = c.getNextReply(); r; r = c.getNextReply()) texts.push(r.text ?? '');
    const text = texts.join('\n');
    // The advice depends on the answer: "Sign in another way" only with another method.
    if (otherMethod === 'no') expect(text).not.toMatch(/Sign in another way/);
    else expect(text).toMatch(/Sign in another way/);
    expect(text).toMatch(otherMethod === 'yes' ? /remove the lost phone from your account/ : /still do your work/);
  });

  it.each(['webchat', 'msteams', 'directline', 'voice'])('partial answers work the same on channel %s', async (channel) => {
    const c = client(channel);
    await playTranscript(c, [
      ['I have a new phone', /still have your old phone/],
      ['yeah I still do', /same mobile number/],
      ["I'm getting a new number", [/update your MFA details/, /What is your new mobile number/]],
    ]);
  });
});

describe('a prompt asks at most twice again, then offers a person', () => {
  const STOLEN = /^Could the phone have been stolen\?$/;
  const RETRY_STOLEN = /^Sorry, I didn't catch that\. Could the phone have been stolen\?/;

  it(`the ${MAX_PROMPT_ATTEMPTS}rd miss hands over: the helpdesk is offered, and never a fourth identical re-prompt`, async () => {
    const replies = await playTranscript(client(), [
      ['I lost my phone', [/Sorry to hear that/, /another sign-in method/]],
      ['no', STOLEN],
      ['purple', RETRY_STOLEN],
      ['banana', RETRY_STOLEN],
      ['fish', [GAVE_UP_TEXT, /pass you to the helpdesk/, /check it's you first/]],
    ]);
    expect(replies.filter((r) => RETRY_STOLEN.test(r.text ?? ''))).toHaveLength(2);
  });

  it('the offer of a check that gets nothing usable either still opens a ticket, saying why there was no check', async () => {
    await playTranscript(client(), [
      ['I lost my phone', [/Sorry to hear that/, /another sign-in method/]],
      ['no', STOLEN],
      ['purple', RETRY_STOLEN],
      ['banana', RETRY_STOLEN],
      ['fish', [GAVE_UP_TEXT, /pass you to the helpdesk/, /check it's you first/]],
      ['qwerty', /Sorry, I didn't catch that\. Shall I check it's you first/],
      ['asdf', /Sorry, I didn't catch that\. Shall I check it's you first/],
      ['zxcv', [GAVE_UP_TEXT, /opened ticket \*\*MFA-\d{6}\*\*/]],
    ]);
    const { items } = await currentWorld().tickets.list({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'other', verification: { verified: false } });
    expect(JSON.stringify(items[0].verification)).toMatch(/no usable answer to the offer of an identity check/);
  });

  it('"How should I send your code?" answered with junk three times: a person verifies instead and a ticket is opened', async () => {
    const replies = await playTranscript(client(), [
      ...ALICE_ASKED,
      ['purple', RETRY_METHOD],
      ['banana', RETRY_METHOD],
      ['fish', [GAVE_UP_TEXT, /stopped the identity check/, /opened ticket \*\*MFA-\d{6}\*\*/]],
    ]);
    expect(replies.filter((r) => /didn't catch that/.test(r.text ?? ''))).toHaveLength(2);
    expect(currentWorld().outbox.list()).toHaveLength(0);
    const { items } = await currentWorld().tickets.list({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ verification: { verified: false } });
  });

  it('a free-text prompt (the staff ID) is limited too', async () => {
    await playTranscript(client(), [
      ['verify me', [/I need to check it's you/, /NHSmail email address/]],
      ['my name is Alice', /doesn't look like an email address or a staff ID/],
      ['alice', /doesn't look like an email address or a staff ID/],
      ['I told you', [/doesn't look like an email address or a staff ID/, GAVE_UP_TEXT, /stopped the identity check/, /opened ticket/]],
    ]);
  });

  it('on the phone line the third miss raises a hand-off event, so the call is put through', async () => {
    const c = client('voice');
    const all: Partial<Activity>[] = [];
    for (const text of ['I lost my phone', 'no', 'purple', 'banana', 'fish']) {
      const first = await c.sendActivity(text);
      if (first) all.push(first);
      for (let r = c.getNextReply(); r; r = c.getNextReply()) all.push(r);
    }
    const handoffs = all.filter((a) => a.type === 'event' && a.name === 'handoff.initiate');
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0].value).toMatchObject({ reason: 'no_usable_answer', question: 'Could the phone have been stolen?', attempts: MAX_PROMPT_ATTEMPTS });
  });
});
