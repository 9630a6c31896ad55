import { rmSync } from 'node:fs';
import type { CodeMessage, CodeSender, SendResult } from '../../src/verification/codeSender';
import { DevOutbox } from '../../src/verification/devOutbox';
import { messageActivity, send, startTestHelpdesk } from '../helpers/testServer';

/** A sender that takes its time, as a slow SMS provider would. */
class SlowSender implements CodeSender {
  started!: () => void;
  readonly sending = new Promise<void>((resolve) => (this.started = resolve));
  constructor(
    private readonly inner: DevOutbox,
    private readonly delayMs: number,
  ) {}
  async send(message: CodeMessage): Promise<SendResult> {
    this.started();
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.send(message);
  }
}

describe('graceful shutdown', () => {
  it('lets a turn in flight finish, then stops accepting requests and closes the store', async () => {
    const sender = new SlowSender(new DevOutbox({ clock: { now: () => Date.now() } }), 1500);
    const t = await startTestHelpdesk({}, { sender });
    const conv = 'shutdown-1';
    await send(t.baseUrl, messageActivity(conv, 'verify me'));
    await send(t.baseUrl, messageActivity(conv, 'bob.jones@example.nhs.net'));
    const inFlight = send(t.baseUrl, messageActivity(conv, '1'));
    await sender.sending;
    const stopping = t.helpdesk.stop(10_000);
    const replies = await inFlight;
    expect(replies.map((r) => r.text).join('\n')).toMatch(/sent a 6-digit code/);
    await stopping;
    await expect(fetch(`${t.baseUrl}/healthz`)).rejects.toThrow();
    await expect(t.helpdesk.store.ping()).rejects.toThrow(/closed/);
    rmSync(t.dataDir, { recursive: true, force: true });
  });
});
