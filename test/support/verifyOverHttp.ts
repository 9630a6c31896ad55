import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageActivity, send, visibleText, type TestHelpdesk } from '../helpers/testServer';
import { BOT, TENANT } from '../teams/teamsActivities';
import { codeInMessage } from './dialogTranscripts';

/** One message of the dev outbox, as `/dev/outbox` serves it. */
export interface OutboxEntry {
  readonly to: string;
  readonly channel: string;
  readonly text: string;
  readonly at: string;
}

/** The dev outbox's messages to `to`, newest first. */
export async function outboxTo(t: TestHelpdesk, to: string): Promise<OutboxEntry[]> {
  const res = await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`);
  if (res.status !== 200) throw new Error(`dev outbox answered ${res.status}`);
  return (await res.json()) as OutboxEntry[];
}

/** The code of the newest code message to `to`. */
export async function latestCodeTo(t: TestHelpdesk, to: string): Promise<string> {
  const message = (await outboxTo(t, to)).find((m) => /code/.test(m.text) && !/wrong codes/.test(m.text));
  if (!message) throw new Error(`no code was sent to ${to}`);
  return codeInMessage(message.text);
}

/** A conversation's turns over `/api/messages`, returning all the visible text of the replies. */
export type Turn = (text: string) => Promise<string>;

/** A web chat conversation over `/api/messages`, from `from` (a fresh sender by default). */
export function webChat(t: TestHelpdesk, options: { conversation?: string; from?: string; extra?: Record<string, unknown> } = {}): Turn {
  const conversation = options.conversation ?? `web-${randomUUID()}`;
  const from = { id: options.from ?? `user-${randomUUID()}`, name: 'Someone' };
  return async (text) => visibleText(await send(t.baseUrl, messageActivity(conversation, text, { from, ...options.extra })));
}

/** A Teams user's 1:1 chat with the bot, as the Bot Connector sends it (replies through `serviceUrl`). */
export function teamsChat(t: TestHelpdesk, serviceUrl: string, user: { id: string; name: string; aadObjectId: string }): Turn {
  const conversationId = `a:personal-${randomUUID()}`;
  return async (text) =>
    visibleText(
      await send(t.baseUrl, {
        type: 'message',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl,
        from: user,
        recipient: BOT,
        conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        text,
        deliveryMode: 'expectReplies',
      }),
    );
}

/** A code that is not `code`. */
export function otherCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/** One person of a generated directory (see {@link writeDirectory}). */
export interface GeneratedPerson {
  readonly staffId: string;
  readonly email: string;
  readonly objectId: string;
  readonly mobile: string;
  /** The choice that texts their mobile, as the bot offers it. */
  readonly choice: string;
}

/** Writes a directory file of `count` people, each with only a mobile number, and returns them. */
export function writeDirectory(dir: string, count: number): { file: string; people: GeneratedPerson[] } {
  const people: GeneratedPerson[] = Array.from({ length: count }, (_v, i) => {
    const n = String(i).padStart(3, '0');
    return {
      staffId: `300${n}`,
      email: `person.${n}@example.nhs.net`,
      objectId: `7c000000-0000-4000-8000-000000000${n}`,
      mobile: `+447700900${n}`,
      choice: `Text to mobile ending ${n}`,
    };
  });
  const file = join(dir, 'people.json');
  const entries = people.map((p) => ({
    id: p.objectId,
    email: p.email,
    staffId: p.staffId,
    objectId: p.objectId,
    displayName: `Person ${p.staffId}`,
    methods: { authenticatorApp: false, mobile: p.mobile, fido2: false, smartcard: false },
    defaultMethod: 'mobile',
    guest: false,
    compromised: false,
  }));
  writeFileSync(file, JSON.stringify({ people: entries }));
  return { file, people };
}

/** Asks for a code for the person and says which way; returns what the bot said last. */
export async function askForCode(say: Turn, person: Pick<GeneratedPerson, 'staffId' | 'choice'>): Promise<string> {
  await say('verify me');
  const how = await say(person.staffId);
  if (!/How should I send your code/.test(how)) return how;
  return say(person.choice);
}
