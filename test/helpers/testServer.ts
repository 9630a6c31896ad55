import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { buildHelpdesk, type CompositionOverrides, type Helpdesk } from '../../src/composition';
import { createLogger } from '../../src/logger';

/** A real server on an ephemeral port with a temp data directory, plus captured log lines. */
export interface TestHelpdesk {
  readonly baseUrl: string;
  readonly helpdesk: Helpdesk;
  readonly dataDir: string;
  readonly logLines: string[];
  stop(): Promise<void>;
}

/**
 * Starts the product as `npm start` would, but on port 0, with a temp `DATA_DIR`. `env` adds
 * environment variables (e.g. `AGENT_API_TOKENS`); `overrides` replaces edges such as the clock.
 */
export async function startTestHelpdesk(env: NodeJS.ProcessEnv = {}, overrides: CompositionOverrides = {}): Promise<TestHelpdesk> {
  const dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-http-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'debug', ...env });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const helpdesk = await buildHelpdesk(config, createLogger({ level: 'debug', destination: sink }), overrides);
  const { port } = await helpdesk.start(0);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    helpdesk,
    dataDir,
    logLines,
    async stop() {
      await helpdesk.stop(2000);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Bot Framework activity as the tests send it. */
export type TestActivity = Record<string, unknown>;

/** Reply activities as they come back with `expectReplies`. */
export interface ReplyActivity {
  type: string;
  text?: string;
  speak?: string;
  attachments?: { contentType: string; content: Record<string, unknown> }[];
  suggestedActions?: { actions: { title: string; value: unknown }[] };
  [key: string]: unknown;
}

/** Builds a web chat message activity for a conversation. */
export function messageActivity(conversationId: string, text: string | undefined, extra: TestActivity = {}): TestActivity {
  return {
    type: 'message',
    id: randomUUID(),
    text,
    channelId: 'webchat',
    serviceUrl: 'http://localhost/',
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}`, name: 'Test User' },
    recipient: { id: 'mfa-helpdesk-bot' },
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

/** Posts an activity to `/api/messages` and returns every activity of the `expectReplies` body, as sent. */
export async function post(baseUrl: string, activity: TestActivity): Promise<ReplyActivity[]> {
  const res = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { activities?: ReplyActivity[] };
  return body.activities ?? [];
}

/** Posts an activity to `/api/messages` and returns the message replies. */
export async function send(baseUrl: string, activity: TestActivity): Promise<ReplyActivity[]> {
  return (await post(baseUrl, activity)).filter((a) => a.type === 'message');
}

/** All visible text of replies: message text plus card text blocks and button titles. */
export function visibleText(replies: readonly ReplyActivity[]): string {
  return replies.map((r) => [r.text ?? '', JSON.stringify(r.attachments ?? [])].join(' ')).join('\n');
}
