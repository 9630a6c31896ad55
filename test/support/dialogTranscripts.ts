import { ConversationState, MemoryStorage, type Activity, type ChannelAccount, type Middleware } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { AuditLog } from '../../src/audit/auditLog';
import { JsonFileDirectory, SAMPLE_DIRECTORY_FILE } from '../../src/directory/jsonFileDirectory';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import type { CodeSender } from '../../src/verification/codeSender';
import { DevOutbox } from '../../src/verification/devOutbox';
import { LookupLimiter } from '../../src/verification/lookupLimiter';
import { VerificationSessions } from '../../src/verification/sessions';
import { VerificationService } from '../../src/verification/verificationService';
import { capturingLogger, containsCode, ManualClock, SECRET } from './verificationFixtures';

/** The real verification services on an in-memory store, with the dev outbox as the sender and a hand-moved clock. */
export interface DialogWorld {
  readonly store: SqliteDocumentStore;
  readonly clock: ManualClock;
  readonly outbox: DevOutbox;
  readonly directory: JsonFileDirectory;
  readonly service: VerificationService;
  readonly lookups: LookupLimiter;
  readonly sessions: VerificationSessions;
  readonly deps: {
    readonly directory: JsonFileDirectory;
    readonly verification: VerificationService;
    readonly lookups: LookupLimiter;
    readonly sessions: VerificationSessions;
    readonly clock: ManualClock;
  };
  /** Log lines written by the service. */
  readonly lines: string[];
}

/** Builds a {@link DialogWorld}; `sender` may wrap the outbox, e.g. to make some sends fail. */
export async function dialogWorld(options: { sender?: (outbox: DevOutbox) => CodeSender } = {}): Promise<DialogWorld> {
  const store = new SqliteDocumentStore({ filename: ':memory:' });
  const clock = new ManualClock();
  const outbox = new DevOutbox({ clock });
  const audit = new AuditLog(store, clock);
  const { logger, lines } = capturingLogger();
  const sender = options.sender ? options.sender(outbox) : outbox;
  const service = new VerificationService({ store, sender, audit, clock, secret: SECRET, logger });
  const lookups = new LookupLimiter({ store, clock, audit });
  const sessions = new VerificationSessions({ store, clock });
  const directory = await JsonFileDirectory.load(SAMPLE_DIRECTORY_FILE);
  return { store, clock, outbox, directory, service, lookups, sessions, deps: { directory, verification: service, lookups, sessions, clock }, lines };
}

/** The code in an outbox message, from a text ("code 123 456") or a call ("code is: 1, 2, 3, 4, 5, 6"). */
export function codeInMessage(text: string): string {
  const match = text.match(/code (?:is:? )?((?:\d[,\s]*){6})/);
  if (!match) throw new Error(`no code in: ${text}`);
  return match[1].replace(/\D/g, '');
}

/** The newest code sent to `to`. */
export function latestCode(w: DialogWorld, to: string): string {
  const message = w.outbox.list(to)[0];
  if (!message) throw new Error(`nothing sent to ${to}`);
  return codeInMessage(message.text);
}

/** Every code the outbox holds. */
export function allCodes(w: DialogWorld): string[] {
  return w.outbox.list().map((m) => codeInMessage(m.text));
}

/** What the user says: text, an activity, or text worked out from the world (e.g. the code just sent). */
export type UserSays = string | Partial<Activity> | ((w: DialogWorld) => string);

/** What a bot reply must be: its exact text, a pattern for the text, or a function with expectations. */
export type BotSays = string | RegExp | ((reply: Partial<Activity>, w: DialogWorld) => void);

/** One turn: what the user says and the replies expected, in order. */
export type Turn = readonly [UserSays, BotSays | readonly BotSays[]];

/** A data-driven transcript. */
export interface Transcript<O, R> {
  readonly name: string;
  /** `webchat` unless given. */
  readonly channel?: string;
  readonly options?: O;
  /** The user; {@link USER} unless given. */
  readonly from?: ChannelAccount;
  readonly before?: (w: DialogWorld) => Promise<void>;
  readonly turns: readonly Turn[];
  /** Expectations on the dialog's result once the last turn is done. */
  readonly result?: (result: R | undefined, w: DialogWorld) => void;
}

/** The default user and conversation of the transcripts. */
export const USER: ChannelAccount = { id: 'user-1', name: 'Test user' };
export const CONVERSATION_ID = 'conv-verify-1';

function isSingle(expected: BotSays | readonly BotSays[]): expected is BotSays {
  return typeof expected === 'string' || expected instanceof RegExp || typeof expected === 'function';
}

/** Checks one reply: it has speech, and its text matches. */
export function checkReply(reply: Partial<Activity> | undefined, expected: BotSays, w: DialogWorld): void {
  expect(reply).toBeDefined();
  expect(reply?.speak).toBeTruthy();
  if (typeof expected === 'string') expect(reply?.text).toBe(expected);
  else if (expected instanceof RegExp) expect(reply?.text).toMatch(expected);
  else expected(reply ?? {}, w);
}

/** Expects the suggested actions (the choices) to be exactly these titles. */
export function choices(...titles: string[]): (reply: Partial<Activity>) => void {
  return (reply) => expect(reply.suggestedActions?.actions.map((a) => a.title)).toEqual(titles);
}

/** Combines expectations on one reply. */
export function all(...checks: BotSays[]): BotSays {
  return (reply, w) => checks.forEach((c) => checkReply(reply, c, w));
}

/** A test client on a conversation state whose stored JSON can be inspected. */
export interface Session {
  readonly client: DialogTestClient;
  /** The raw conversation state storage (JSON strings by key). */
  readonly memory: Record<string, string>;
  /** Every reply the bot sent. */
  readonly replies: Partial<Activity>[];
}

/** Starts a test client for `dialog`. */
export function session(dialog: Dialog, channel = 'webchat', options?: unknown, middlewares?: Middleware[]): Session {
  const memory: Record<string, string> = {};
  const client = new DialogTestClient(channel, dialog, options, middlewares, new ConversationState(new MemoryStorage(memory)));
  return { client, memory, replies: [] };
}

/**
 * Plays the turns, checking each turn's replies in order and, after every turn, that neither
 * the stored conversation state nor the live dialog stack holds any code sent so far.
 */
export async function play(s: Session, w: DialogWorld, turns: readonly Turn[], from: ChannelAccount = USER, conversationId = CONVERSATION_ID): Promise<void> {
  for (const [index, [userSays, expected]] of turns.entries()) {
    const said = typeof userSays === 'function' ? userSays(w) : userSays;
    const activity: Partial<Activity> = typeof said === 'string' ? { type: 'message', text: said } : said;
    const first = await s.client.sendActivity({ from, conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' }, ...activity });
    const replies: Partial<Activity>[] = first ? [first] : [];
    for (let next = s.client.getNextReply(); next; next = s.client.getNextReply()) replies.push(next);
    s.replies.push(...replies);
    const list = isSingle(expected) ? [expected] : expected;
    if (replies.length !== list.length) {
      const text = typeof said === 'string' ? said : said.text;
      throw new Error(`Turn ${index + 1} ("${text}"): expected ${list.length} replies, got ${JSON.stringify(replies.map((r) => r.text))}`);
    }
    list.forEach((e, i) => checkReply(replies[i], e, w));
    expectNoCodeInState(s, w);
  }
}

/** No code sent so far appears in the stored conversation state or in the dialog stack. */
export function expectNoCodeInState(s: Session, w: DialogWorld): void {
  const state = JSON.stringify(s.memory) + JSON.stringify(s.client.dialogContext?.stack ?? []);
  for (const code of allCodes(w)) expect(containsCode(state, code)).toBe(false);
}

/** Runs of 7 or more digits, with or without separators: what a full phone number looks like. */
const LONG_NUMBER = /\+?\d(?:[\s().-]*\d){6,}/;

/** No reply, in text or speech, holds a full phone number or any code sent. */
export function expectNoLeaks(s: Session, w: DialogWorld): void {
  const codes = allCodes(w);
  for (const reply of s.replies) {
    for (const field of [reply.text ?? '', reply.speak ?? '']) {
      expect(field).not.toMatch(LONG_NUMBER);
      for (const code of codes) expect(containsCode(field, code)).toBe(false);
    }
  }
}
