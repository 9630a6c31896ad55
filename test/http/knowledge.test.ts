import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

/** Free-text questions staff really ask, and the fact each answer must contain (in text and in speech). */
const QUESTIONS: [question: string, textFact: RegExp, speechFact: RegExp][] = [
  ['what is the helpdesk phone number?', /0333 200 1133/, /oh three three three, two oh oh, one one three three/],
  ['can I use my Irish number', /UK/, /UK/],
  ['how long do I have before I must register for mfa', /14 days/, /14 days/],
  ['do I need wifi for the code', /internet/i, /internet/i],
  ['does a shared mailbox need mfa', /shared mailbox/i, /password/i],
  ['which method is best to use', /Authenticator/, /Authenticator/],
  ['my account was created last week, is mfa already on', /5 October 2023/, /5 October 2023/],
  ['can I turn off mfa', /local administrator|local admin/i, /local admin/i],
  ['how do I change my default sign in method', /aka\.ms\/mysecurityinfo/, /my security info/i],
  ['are fido2 keys a core method', /not .*core/i, /core/i],
];

describe('free-text questions over HTTP', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each(QUESTIONS)('"%s" gets an answer with the right fact', async (question, textFact, speechFact) => {
    const replies = await send(t.baseUrl, messageActivity(`kb-${question.length}-${question.slice(0, 10)}`, question));
    const answer = replies[0];
    expect(answer.text).toMatch(textFact);
    expect(answer.speak).toMatch(speechFact);
    expect(answer.speak).not.toMatch(/https?:\/\//);
    expect(replies[replies.length - 1].text).toMatch(/Did this answer help\?/);
  });
});
