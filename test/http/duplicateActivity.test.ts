import { randomUUID } from 'node:crypto';
import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

describe('an activity delivered twice', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is processed once: the repeat gets no reply and changes nothing', async () => {
    const conv = `dup-${randomUUID()}`;
    await send(t.baseUrl, messageActivity(conv, 'verify me'));
    await send(t.baseUrl, messageActivity(conv, 'bob.jones@example.nhs.net'));
    const choose = messageActivity(conv, '1', { id: 'teams-activity-42' });
    const first = await send(t.baseUrl, choose);
    expect(first.map((r) => r.text).join('\n')).toMatch(/sent a 6-digit code/);
    const again = await send(t.baseUrl, choose);
    expect(again).toEqual([]);
    // Only one code went out.
    expect(t.helpdesk.verification.outbox?.list('+447700900201')).toHaveLength(1);
    expect(t.logLines.some((l) => l.includes('activity already received'))).toBe(true);
  });

  it('the same id in another conversation is a different activity', async () => {
    const a = await send(t.baseUrl, messageActivity(`dup-a-${randomUUID()}`, 'hello', { id: 'same-id' }));
    const b = await send(t.baseUrl, messageActivity(`dup-b-${randomUUID()}`, 'hello', { id: 'same-id' }));
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
  });
});
