/**
 * Live chats across two instances on one store (a SQLite file, a MongoDB-compatible server), over
 * HTTP as Teams reaches the bot: an agent starting or ending a chat on one instance changes where
 * the person's messages go on the other, which finds the conversation's live chat by key. A chat
 * kept before the conversation's chats were, is found after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DocumentStore } from '../../src/store/documentStore';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { TeamsAgentStore, type RelayRecord } from '../../src/teams';
import { freshDatabase, mongoTestTargets } from '../support/jongodb';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { ticketInput } from '../helpers/tickets';
import { ConnectorStandIn } from './connectorStandIn';
import { ALICE, BOB, HELPDESK_TEAM, cardAction, personMessage, personReference, post, replies, teamInstall } from './teamsActivities';

type Target = { name: string; open: () => { stores: () => DocumentStore; cleanup: () => void } };

const targets: Target[] = [
  {
    name: 'one SQLite file',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'helpdesk-chats-'));
      return { stores: () => new SqliteDocumentStore({ filename: join(dir, 'helpdesk.sqlite') }), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...mongoTestTargets().map(({ name, uri }) => ({
    name: `one MongoDB server (${name})`,
    open: () => {
      const database = freshDatabase();
      return { stores: () => new MongoDocumentStore({ uri, database }), cleanup: () => undefined };
    },
  })),
];

jest.setTimeout(60_000);

describe.each(targets)('live chats on two instances sharing $name', ({ open }) => {
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  let stores: () => DocumentStore;
  let cleanup: () => void;
  let a: TestHelpdesk;
  let b: TestHelpdesk;
  const env = { HELPDESK_TEAM_ID: HELPDESK_TEAM, VOICE_SKIP_SIGNATURE: 'true' };

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    connector.teams.set(HELPDESK_TEAM, [ALICE, BOB]);
    ({ stores, cleanup } = open());
    [a, b] = await Promise.all([startTestHelpdesk(env, { store: stores() }), startTestHelpdesk(env, { store: stores() })]);
    expect((await post(a.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM))).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await connector?.stop();
    cleanup();
  });

  const openTicket = async (on: TestHelpdesk, conversationId: string): Promise<{ id: string; thread: string }> => {
    const ticket = await on.helpdesk.tickets.createTicket(ticketInput({ conversationRef: personReference(serviceUrl, conversationId) }));
    expect(await on.helpdesk.tickets.whenIdle(5000)).toBe(true);
    const posted = (await on.helpdesk.teamsAgents.store.posts.get(TeamsAgentStore.postId(ticket.id, 'helpdesk')))?.doc;
    if (!posted) throw new Error(`ticket ${ticket.id} was not posted`);
    return { id: ticket.id, thread: posted.threadConversationId };
  };
  const act = async (on: TestHelpdesk, ticket: { id: string; thread: string }, from: typeof ALICE, verb: string): Promise<void> => {
    const postedId = ticket.thread.split(';messageid=')[1] ?? '';
    const r = await post(on.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from, verb, data: { ticketId: ticket.id } }));
    expect(r.status).toBe(200);
    expect(await on.helpdesk.tickets.whenIdle(5000)).toBe(true);
  };
  /** The person writes on `on`: what the bot answered, and which threads got the message. */
  const personSays = async (on: TestHelpdesk, conversationId: string, text: string, threads: string[]) => {
    const before = threads.map((t) => connector.textsTo(t).length);
    const r = await post(on.baseUrl, personMessage(serviceUrl, conversationId, text));
    expect(r.status).toBe(200);
    return { answered: replies(r.body).length > 0, relayedTo: threads.filter((t, i) => connector.textsTo(t).length > (before[i] ?? 0)) };
  };

  it('a chat started on one instance takes the person\'s messages on the other; the most recent chat wins; ending one returns them to the other, then to the bot', async () => {
    const person = `a:person-${randomUUID()}`;
    expect(await personSays(a, person, 'hello', [])).toEqual({ answered: true, relayedTo: [] });

    const first = await openTicket(a, person);
    await act(b, first, BOB, 'claimTicket');
    expect(await personSays(a, person, 'are you there?', [first.thread])).toEqual({ answered: false, relayedTo: [first.thread] });

    const second = await openTicket(b, person);
    await act(a, second, ALICE, 'claimTicket');
    expect(await personSays(b, person, 'which of you?', [first.thread, second.thread])).toEqual({ answered: false, relayedTo: [second.thread] });

    await act(b, second, ALICE, 'endChat');
    expect(await personSays(a, person, 'still here', [first.thread, second.thread])).toEqual({ answered: false, relayedTo: [first.thread] });

    await act(a, first, BOB, 'endChat');
    expect(await personSays(b, person, 'what is the helpdesk number', [first.thread, second.thread])).toEqual({ answered: true, relayedTo: [] });
    expect(await personSays(a, person, 'thanks', [first.thread, second.thread])).toEqual({ answered: true, relayedTo: [] });
  });

  it('a live chat kept before its conversation\'s chats were is found once an instance starts', async () => {
    const person = `a:person-${randomUUID()}`;
    const ticket = await openTicket(a, person);
    await act(a, ticket, BOB, 'claimTicket');
    // As an earlier version kept it: the chat without its id, and nothing under the person's conversation.
    const store = stores();
    const relays = store.collection<RelayRecord>('teams_relays');
    const live = (await relays.get(ticket.id))?.doc;
    expect(live?.state).toBe('live');
    const { chatId: _dropped, ...legacy } = live as RelayRecord;
    await relays.put(ticket.id, legacy);
    await store.collection('teams_person_chats').delete(person);
    expect(await personSays(b, person, 'hello?', [ticket.thread])).toEqual({ answered: true, relayedTo: [] });

    const restarted = await startTestHelpdesk(env, { store: stores() });
    try {
      expect(await personSays(restarted, person, 'hello again', [ticket.thread])).toEqual({ answered: false, relayedTo: [ticket.thread] });
      await act(restarted, ticket, BOB, 'endChat');
      expect(await personSays(a, person, 'thanks', [ticket.thread])).toEqual({ answered: true, relayedTo: [] });
    } finally {
      await restarted.stop();
      await store.close();
    }
  });
});
