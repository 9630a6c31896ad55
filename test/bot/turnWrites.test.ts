/**
 * The writes of one turn: over HTTP against the real server, what a turn records besides its
 * state (its transcript, a rating of an answer) is durable by the time the reply comes back, on
 * SQLite in the same commit as the state save, on MongoDB alongside it. Recording a transcript
 * that fails never fails the turn; a turn that fails still records its transcript.
 */
import { randomUUID } from 'node:crypto';
import type { Helpdesk } from '../../src/composition';
import type { Collection, Document, DocumentStore } from '../../src/store/documentStore';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { TurnWrites } from '../../src/store/turnWrites';
import { TRANSCRIPT_COLLECTION } from '../../src/tickets/transcriptLog';
import { BOT_STATE_COLLECTION } from '../../src/store/botStorage';
import { mongoTestTargets, freshDatabase } from '../support/jongodb';
import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

type Turn = { from: string; text: string };

function conversation(t: TestHelpdesk) {
  const id = `writes-${randomUUID()}`;
  return {
    id,
    say: async (text: string): Promise<string> => (await send(t.baseUrl, messageActivity(id, text))).map((r) => r.text ?? '').join('\n'),
  };
}

async function transcriptOf(helpdesk: Helpdesk, conversationId: string): Promise<Turn[]> {
  const doc = await helpdesk.store.collection<{ turns: Turn[] }>(TRANSCRIPT_COLLECTION).get(conversationId);
  return doc?.doc.turns ?? [];
}

describe.each([
  { name: 'SQLite', env: (): NodeJS.ProcessEnv => ({}) },
  ...mongoTestTargets().map(({ name, uri }) => ({ name: `MongoDB (${name})`, env: (): NodeJS.ProcessEnv => ({ MONGODB_URI: uri, MONGODB_DATABASE: freshDatabase() }) })),
])('the writes of a turn on $name', ({ env }) => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk(env());
  });
  afterAll(async () => {
    await t.stop();
  });

  it('an answer and its rating: the transcript and the rating are stored when each reply arrives', async () => {
    const c = conversation(t);
    expect(await c.say('do I need wifi for the code')).toMatch(/Did this answer help/);
    const afterAnswer = await transcriptOf(t.helpdesk, c.id);
    expect(afterAnswer[0]).toMatchObject({ from: 'user', text: 'do I need wifi for the code' });
    expect(afterAnswer.slice(1).map((x) => x.from)).toContain('bot');

    expect(await c.say('yes')).toMatch(/Glad that helped/);
    const afterRating = await transcriptOf(t.helpdesk, c.id);
    expect(afterRating.slice(afterAnswer.length).map((x) => x.text)).toEqual(['yes', expect.stringMatching(/Glad that helped/)]);
    const counts = await t.helpdesk.feedback.countsByEntry();
    expect(counts.reduce((n, e) => n + e.helpful, 0)).toBe(1);

    // One rating per answer: saying yes again is a new request, not a second rating.
    await c.say('yes');
    expect((await t.helpdesk.feedback.countsByEntry()).reduce((n, e) => n + e.helpful + e.unhelpful, 0)).toBe(1);
  });

  it('a ticket opened in a turn carries the transcript of every turn before it, as the person said it', async () => {
    const c = conversation(t);
    await c.say('do I need wifi for the code');
    await c.say('no');
    await c.say('I want to talk to a person');
    const opened = await c.say('No, just pass me on');
    const id = /MFA-\d{6}/.exec(opened)?.[0];
    expect(id).toBeDefined();
    const ticket = await t.helpdesk.tickets.get(id ?? '');
    const said = (ticket?.transcript ?? []).filter((x) => x.from === 'user').map((x) => x.text);
    expect(said).toEqual(['do I need wifi for the code', 'no', 'I want to talk to a person']);
    expect(ticket?.transcript.some((x) => x.from === 'bot' && /Did this answer help/.test(x.text))).toBe(true);
  });
});

describe('on SQLite, one commit for the turn after the duplicate-activity check', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('a rating turn commits twice: the duplicate-activity record, then state, transcript and rating together', async () => {
    const store = t.helpdesk.store;
    if (!(store instanceof SqliteDocumentStore)) throw new Error('expected the SQLite store');
    const c = conversation(t);
    await c.say('do I need wifi for the code');
    // The start-up sweep's deletes would share the turn's commits: it is let finish first.
    await t.helpdesk.retention.sweep();
    const exec = jest.spyOn(store.connection(), 'exec');
    try {
      expect(await c.say('no')).toMatch(/Sorry that didn't help/);
      expect(exec.mock.calls.filter(([sql]) => sql === 'COMMIT')).toHaveLength(2);
    } finally {
      exec.mockRestore();
    }
    expect((await t.helpdesk.feedback.countsByEntry()).reduce((n, e) => n + e.unhelpful, 0)).toBe(1);
    expect((await transcriptOf(t.helpdesk, c.id)).map((x) => x.text)).toContain('no');
  });
});

/** The product's store, with the writes of one collection failing while `failing` holds it. */
function failingStore(inner: SqliteDocumentStore, failing: Set<string>): DocumentStore {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver) as unknown;
      return <T extends Document>(name: string): Collection<T> => {
        const c = target.collection<T>(name);
        const refuse = (): Promise<never> => Promise.reject(new Error(`disk full writing ${name}`));
        return {
          get: (id) => c.get(id),
          getMany: (ids) => c.getMany(ids),
          find: (o) => c.find(o),
          count: (w) => c.count(w),
          insert: (id, doc) => (failing.has(name) ? refuse() : c.insert(id, doc)),
          put: (id, doc, eTag) => (failing.has(name) ? refuse() : c.put(id, doc, eTag)),
          update: (id, fn) => (failing.has(name) ? refuse() : c.update(id, fn)),
          delete: (id, eTag) => (failing.has(name) ? refuse() : c.delete(id, eTag)),
        };
      };
    },
  });
}

describe('when a write of the turn fails', () => {
  const failing = new Set<string>();
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({}, { store: failingStore(new SqliteDocumentStore({ filename: ':memory:' }), failing) });
  });
  afterAll(async () => {
    await t.stop();
  });
  afterEach(() => failing.clear());

  it('a transcript that cannot be recorded never fails the turn', async () => {
    const c = conversation(t);
    failing.add(TRANSCRIPT_COLLECTION);
    expect(await c.say('do I need wifi for the code')).toMatch(/Did this answer help/);
    expect(t.logLines.some((l) => l.includes('could not record the transcript'))).toBe(true);
    failing.clear();
    expect(await c.say('yes')).toMatch(/Glad that helped/);
    expect((await transcriptOf(t.helpdesk, c.id)).map((x) => x.text)).toEqual(['yes', expect.stringMatching(/Glad that helped/)]);
  });

  it('a turn whose state cannot be saved still records what was said', async () => {
    const c = conversation(t);
    failing.add(BOT_STATE_COLLECTION);
    expect(await c.say('do I need wifi for the code')).toMatch(/something went wrong/);
    failing.clear();
    expect((await transcriptOf(t.helpdesk, c.id))[0]).toMatchObject({ from: 'user', text: 'do I need wifi for the code' });
  });
});

describe('TurnWrites', () => {
  it('issues held writes together and waits for every one issued so far', async () => {
    const writes = new TurnWrites();
    const started: string[] = [];
    let release: () => void = () => undefined;
    writes.add(async () => void started.push('a'));
    writes.add(() => new Promise<void>((resolve) => (release = () => resolve(void started.push('b')))));
    const first = writes.issue();
    expect(started).toEqual(['a']);
    writes.add(() => {
      throw new Error('refused');
    });
    const second = writes.issue();
    release();
    await first;
    await expect(second).rejects.toThrow('refused');
    expect(started).toEqual(['a', 'b']);
  });
});
