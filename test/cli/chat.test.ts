import { PassThrough } from 'node:stream';
import { describeCard, renderReplies, runChat } from '../../src/cli/chat';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

describe('terminal chat', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('runs a scripted exchange against a real server: welcome, free text, and a button picked by number', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let transcript = '';
    output.on('data', (chunk: Buffer) => {
      transcript += chunk.toString();
    });
    const done = runChat({ url: `${t.baseUrl}/api/messages`, input, output, userId: 'cli-test' });
    input.write('6\n');
    input.write('2\n');
    input.write('what is the meaning of life\n');
    input.write('/quit\n');
    input.end();
    await done;

    expect(transcript).toContain("bot> Hello, I'm the MFA helpdesk assistant.");
    expect(transcript).toContain('== How can I help? ==');
    expect(transcript).toContain('[1] I lost my phone');
    expect(transcript).toContain('[6] Talk to a person');
    expect(transcript).toContain('you> what is the meaning of life\nbot> Sorry, I can only help with questions about multi-factor authentication');
    // Button 6 submits the card's "Talk to a person" action; button 2 then declines the identity check.
    expect(transcript).toMatch(/you> 6\nbot> I'll pass you to the helpdesk\.\nbot> Shall I check it's you first/);
    expect(transcript).toMatch(/you> 2\nbot> I've opened ticket \*\*MFA-\d{6}\*\*/);
  });

  it('says clearly when the bot cannot be reached', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let transcript = '';
    output.on('data', (chunk: Buffer) => {
      transcript += chunk.toString();
    });
    input.end('/quit\n');
    await runChat({ url: 'http://127.0.0.1:1/api/messages', input, output });
    expect(transcript).toMatch(/Could not reach the bot at http:\/\/127\.0\.0\.1:1\/api\/messages/);
  });
});

describe('rendering replies', () => {
  it('numbers card actions and suggested actions once each, and shows links', () => {
    const { lines, buttons } = renderReplies([
      {
        type: 'message',
        text: 'Pick one',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              type: 'AdaptiveCard',
              body: [{ type: 'Container', items: [{ type: 'TextBlock', text: 'Title here' }] }],
              actions: [
                { type: 'Action.Submit', title: 'Yes', data: { verb: 'feedback', helpful: true } },
                { type: 'Action.OpenUrl', title: 'Docs', url: 'https://aka.ms/mysecurityinfo' },
              ],
            },
          },
        ],
        suggestedActions: { actions: [{ type: 'imBack', title: 'yes', value: 'yes' }, { type: 'imBack', title: 'No', value: 'No' }] },
      },
    ]);
    expect(lines).toEqual(['bot> Pick one', '     == Title here ==', '  [1] Yes', '  [2] Docs (https://aka.ms/mysecurityinfo)', '  [3] No']);
    expect(buttons[0].value).toEqual({ verb: 'feedback', helpful: true });
    expect(buttons[2].text).toBe('No');
  });

  it('takes the verb of Action.Execute into the submitted value', () => {
    const card = describeCard({ type: 'AdaptiveCard', actions: [{ type: 'Action.Execute', title: 'Claim', verb: 'claim', data: { id: 'MFA-000001' } }] });
    expect(card.buttons).toEqual([{ title: 'Claim', value: { id: 'MFA-000001', verb: 'claim' } }]);
  });
});
