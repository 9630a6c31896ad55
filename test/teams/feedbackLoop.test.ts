/**
 * Ratings in Teams: an answer carries Teams' own feedback buttons (`feedbackLoopEnabled`) and no
 * "did this help?" question; pressing one sends a `message/submitAction` invoke naming the
 * answer's message id, which is recorded once with the answer's entry id. `npm run
 * report:feedback` then prints the counts per entry.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { ConnectorStandIn } from './connectorStandIn';
import { BOT, TENANT, personMessage, post, type Json } from './teamsActivities';

function feedbackInvoke(serviceUrl: string, conversationId: string, replyToId: string, reaction: 'like' | 'dislike', feedbackText = ''): Json {
  return {
    type: 'invoke',
    name: 'message/submitAction',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:alex', name: 'Alex Smith', aadObjectId: 'aad-alex' },
    recipient: BOT,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
    replyToId,
    value: { actionName: 'feedback', actionValue: { reaction, feedback: JSON.stringify({ feedbackText }) } },
  };
}

describe('Teams feedback buttons on answers', () => {
  let t: TestHelpdesk;
  let connector: ConnectorStandIn;
  let serviceUrl: string;

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
    await connector.stop();
  });

  /** Asks a question in a personal chat (through the Bot Connector) and returns the answer's message id. */
  async function ask(conversationId: string, question: string): Promise<{ messageId: string; bodies: Json[] }> {
    const message = personMessage(serviceUrl, conversationId, question);
    delete message.deliveryMode;
    expect((await post(t.baseUrl, message)).status).toBe(200);
    const sent = connector.sentTo(conversationId);
    const answer = sent[sent.length - 1];
    if (!answer?.newId) throw new Error('no answer sent');
    return { messageId: answer.newId, bodies: sent.map((a) => a.body) };
  }

  it('an answer enables the feedback buttons and asks no question of its own', async () => {
    const conversationId = `a:feedback-${randomUUID()}`;
    const { bodies } = await ask(conversationId, 'do I need wifi for the code');
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ type: 'message', channelData: { feedbackLoopEnabled: true } });
    expect(String(bodies[0]?.text)).toMatch(/internet/i);
    expect(JSON.stringify(bodies)).not.toMatch(/Did this answer help/);
  });

  it('a press is answered 200 and recorded with the entry id, once per answer; unknown answers record nothing', async () => {
    const conversationId = `a:feedback-${randomUUID()}`;
    const first = await ask(conversationId, 'do I need wifi for the code');
    const second = await ask(conversationId, 'can I use my Irish number');

    const dislike = await post(t.baseUrl, feedbackInvoke(serviceUrl, conversationId, first.messageId, 'dislike', 'my code was 482913'));
    expect(dislike.status).toBe(200);
    expect((await post(t.baseUrl, feedbackInvoke(serviceUrl, conversationId, first.messageId, 'like'))).status).toBe(200);
    expect((await post(t.baseUrl, feedbackInvoke(serviceUrl, conversationId, second.messageId, 'like'))).status).toBe(200);
    expect((await post(t.baseUrl, feedbackInvoke(serviceUrl, conversationId, 'msg-never-sent', 'dislike'))).status).toBe(200);
    // The same answer id in another conversation is another answer, and was never given.
    expect((await post(t.baseUrl, feedbackInvoke(serviceUrl, `a:other-${randomUUID()}`, second.messageId, 'dislike'))).status).toBe(200);

    await expect(t.helpdesk.feedback.countsByEntry()).resolves.toEqual([
      { entryId: 'internet_needed', helpful: 0, unhelpful: 1 },
      { entryId: 'uk_numbers', helpful: 1, unhelpful: 0 },
    ]);
    // Nothing was said back in the chat, and what the person typed with the rating is not kept.
    expect(connector.sentTo(conversationId)).toHaveLength(2);
    for (const file of readdirSync(t.dataDir).filter((f) => f.startsWith('helpdesk.sqlite'))) {
      expect(readFileSync(join(t.dataDir, file)).toString('latin1')).not.toContain('482913');
    }
  });

  it('npm run report:feedback prints the helpful and unhelpful counts per entry from the store', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/reportFeedback.ts'], {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: t.dataDir, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^entry\s+helpful\s+unhelpful\s+topic$/);
    expect(lines[1]).toMatch(/^internet_needed\s+0\s+1\s+\S/);
    expect(lines[2]).toMatch(/^uk_numbers\s+1\s+0\s+\S/);
    expect(lines[lines.length - 1]).toBe('Total: 1 helpful, 1 unhelpful, over 2 entries.');
  }, 90_000);
});
