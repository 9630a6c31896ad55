import { randomUUID } from 'node:crypto';
import { messageActivity, send, startTestHelpdesk, type ReplyActivity, type TestHelpdesk } from '../helpers/testServer';

/**
 * Conversations as a new user has them, over HTTP against the real server: each one starts a
 * new conversation and checks every reply to each message.
 */
let t: TestHelpdesk;
beforeAll(async () => {
  t = await startTestHelpdesk();
});
afterAll(async () => {
  await t.stop();
});

/** One conversation: send each message in turn, collecting the replies to each. */
async function converse(...messages: string[]): Promise<ReplyActivity[][]> {
  const conversationId = `examples-${randomUUID()}`;
  const replies: ReplyActivity[][] = [];
  for (const text of messages) replies.push(await send(t.baseUrl, messageActivity(conversationId, text)));
  return replies;
}

/** The title of the answer card of a reply, if it carries one. */
const cardTitle = (reply: ReplyActivity | undefined): string | undefined => {
  const body = reply?.attachments?.[0]?.content?.body;
  const first = Array.isArray(body) ? (body as { text?: unknown }[])[0] : undefined;
  return typeof first?.text === 'string' ? first.text : undefined;
};

const DECLINE = /^Sorry, I can only help with questions about multi-factor authentication/;
const FEEDBACK = /Did this answer help\?/;
const NOT_MFA = /\b(?:isn't|aren't)\b[^.]*\bMFA\b/;

describe('questions people ask, answered with the fact asked about', () => {
  it.each([
    ['what percentage of data breaches could be stopped by turning on MFA?', 'Why MFA matters', /80%/],
    ['how many healthcare organisations have had a data breach recently?', 'Why MFA matters', /90%/],
    ['What kind of phone numbers can I use for MFA?', 'UK numbers only', /Only \*\*UK\*\* phone numbers/],
    ['my NHSmail account was only created last month, do I need to self-enrol?', 'MFA on by default for new accounts', /don't need to self-enrol/],
  ])('%p gets "%s" with its fact, and the answer does not open with a bare yes or no', async (question, title, fact) => {
    const [replies] = await converse(question);
    expect(cardTitle(replies[0])).toBe(title);
    expect(replies[0].text).toMatch(fact);
    expect(replies[0].text).not.toMatch(/^(Yes|No)\b/);
    expect(replies[0].speak).toBeTruthy();
    expect(replies[replies.length - 1].text).toMatch(FEEDBACK);
  });

  it('"what do I do about my shared mailbox" gets the shared-mailbox answer, written for an open question', async () => {
    const [replies] = await converse('what do I do about my shared mailbox');
    expect(cardTitle(replies[0])).toBe('Shared mailboxes and MFA');
    expect(replies[0].text).toMatch(/^When you open a shared mailbox/);
    expect(replies[0].text).toMatch(/don't have passwords of their own/);
  });

  it('"my work phone went missing yesterday, what should I do about MFA?" starts the lost-phone help', async () => {
    const [replies] = await converse('my work phone went missing yesterday, what should I do about MFA?');
    const said = replies.map((r) => r.text ?? '').join('\n');
    expect(said).toMatch(/Sorry to hear that/);
    expect(said).toMatch(/Do you have another sign-in method registered|Could the phone have been stolen\?/);
    expect(said).not.toMatch(/adds a second check when you sign in/);
  });
});

describe('first messages that carry what the flow asks about', () => {
  it('"got a new phone but kept the same number, i use text codes" is told there is nothing to do, with no question', async () => {
    const [replies] = await converse('got a new phone but kept the same number, i use text codes');
    const said = replies.map((r) => r.text ?? '').join('\n');
    expect(said).toMatch(/nothing to do/);
    expect(said).not.toMatch(/Do you still have your old phone\?|same mobile number\?|How do you usually confirm it is you/);
  });

  it('"how do i move authenticator over to my new iphone" goes straight to the backup and recovery steps', async () => {
    const [replies] = await converse('how do i move authenticator over to my new iphone');
    const said = replies.map((r) => `${r.text ?? ''} ${JSON.stringify(r.attachments ?? [])}`).join('\n');
    expect(said).toMatch(/iCloud backup/);
    expect(said).not.toMatch(/Do you still have your old phone\?/);
  });

  it('"my phone was stolen … and I have no other way to sign in" is asked neither question', async () => {
    const [replies] = await converse('my phone was stolen on the bus and I have no other way to sign in');
    const said = replies.map((r) => r.text ?? '').join('\n');
    expect(said).toMatch(/reset your NHSmail password now/);
    expect(said).not.toMatch(/Could the phone have been stolen\?|Do you have another sign-in method registered/);
  });
});

describe('follow-ups and the flow just finished', () => {
  it('"and what about the phone call option?" after the internet answer leads with the phone call', async () => {
    const [, replies] = await converse('does mfa need an internet connection?', 'and what about the phone call option?');
    expect(cardTitle(replies[0])).toBe('Does MFA need the internet');
    expect(replies[0].text?.split('\n\n')[0]).toMatch(/^\*\*Phone call:\*\* no internet connection is needed/);
  });

  it('after the new-phone flow has finished, "and if I used the authenticator app?" is answered from it, app first', async () => {
    const [first, then] = await converse('got a new phone but kept the same number, i use text codes', 'and if I used the authenticator app?');
    expect(first.map((r) => r.text).join('\n')).toMatch(/nothing to do/);
    expect(cardTitle(then[0])).toBe('Moving to a new phone');
    expect(then[0].text?.split('\n\n')[0]).toMatch(/^\*\*Authenticator app:\*\*/);
    expect(then.map((r) => r.text ?? '').join('\n')).not.toMatch(/Do you still have your old phone\?/);
  });
});

describe('off-topic and near-domain questions', () => {
  it.each(['how many prime numbers are there between 0 and 100', 'who invented the internet', 'i lost my credit card'])('%p is declined politely, with no MFA answer or flow', async (question) => {
    const [replies] = await converse(question);
    expect(replies[0].text).toMatch(DECLINE);
    const said = replies.map((r) => r.text ?? '').join('\n');
    expect(said).not.toMatch(/Sorry to hear that|Security info/);
    expect(said).not.toMatch(FEEDBACK);
  });

  it('"why is my account blocked" is told it is not MFA and who can help, also right after a finished flow', async () => {
    const afterFlow = await converse('got a new phone but kept the same number, i use text codes', 'why is my account blocked');
    expect(afterFlow[0].map((r) => r.text).join('\n')).toMatch(/nothing to do/);
    for (const replies of [(await converse('why is my account blocked'))[0], afterFlow[1]]) {
      expect(replies[0].text).toMatch(NOT_MFA);
      expect(replies[0].text).toMatch(/local administrator/i);
      expect(replies[0].text).toMatch(/0333 200 1133/);
      expect(replies[0].text).not.toMatch(/^(Yes|No)\b/);
    }
  });
});
