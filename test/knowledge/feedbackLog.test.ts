import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DocumentStore } from '../../src/store/documentStore';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { FEEDBACK_COLLECTION, FeedbackLog, formatFeedbackReport } from '../../src/knowledge/feedbackLog';
import { TurnWrites } from '../../src/store/turnWrites';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { ManualClock } from '../support/verificationFixtures';

/** How a run opens the store twice over the same data, as two instances of the bot would. */
type Target = { name: string; open: () => Promise<{ first: DocumentStore; second: DocumentStore; cleanup: () => Promise<void> }> };

const targets: Target[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'helpdesk-feedback-'));
      const filename = join(dir, 'helpdesk.sqlite');
      return { first: new SqliteDocumentStore({ filename }), second: new SqliteDocumentStore({ filename }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...mongoTestTargets().map(({ name, uri }) => ({
    name: `MongoDB (${name})`,
    open: async () => {
      const database = freshDatabase();
      return { first: new MongoDocumentStore({ uri, database }), second: new MongoDocumentStore({ uri, database }), cleanup: () => dropDatabase(uri, database) };
    },
  })),
];

describe.each(targets)('ratings of answers on $name', ({ open }) => {
  let first: DocumentStore;
  let second: DocumentStore;
  let cleanup: () => Promise<void>;
  let clock: ManualClock;
  let log: FeedbackLog;

  beforeEach(async () => {
    ({ first, second, cleanup } = await open());
    clock = new ManualClock(Date.UTC(2030, 0, 1));
    log = new FeedbackLog(first, clock);
  });
  afterEach(async () => {
    await first.close();
    await second.close();
    await cleanup();
  });

  it('keeps a rating with the entry id, once per answer, and counts per entry, most unhelpful first', async () => {
    await expect(log.record({ conversationId: 'c1', answerId: 'turn-1', entryId: 'grace_period', channelId: 'webchat' }, true)).resolves.toBe('recorded');
    await expect(log.record({ conversationId: 'c1', answerId: 'turn-1', entryId: 'grace_period', channelId: 'webchat' }, false)).resolves.toBe('already_rated');
    await expect(log.record({ conversationId: 'c1', answerId: 'turn-2', entryId: 'uk_numbers', channelId: 'webchat' }, false)).resolves.toBe('recorded');
    // The same answer id in another conversation is another answer.
    await expect(log.record({ conversationId: 'c2', answerId: 'turn-2', entryId: 'uk_numbers', channelId: 'voice' }, false)).resolves.toBe('recorded');
    await expect(log.countsByEntry()).resolves.toEqual([
      { entryId: 'uk_numbers', helpful: 0, unhelpful: 2 },
      { entryId: 'grace_period', helpful: 1, unhelpful: 0 },
    ]);
  });

  it('a rating for an answer noted earlier (Teams) takes its entry from the note; a rating of an answer never noted is refused', async () => {
    await log.asked({ conversationId: 'a:teams', answerId: 'msg-1', entryId: 'internet_needed', channelId: 'msteams' });
    await expect(log.countsByEntry()).resolves.toEqual([]);
    await expect(log.record({ conversationId: 'a:teams', answerId: 'msg-1' }, false)).resolves.toBe('recorded');
    await expect(log.record({ conversationId: 'a:teams', answerId: 'msg-1' }, true)).resolves.toBe('already_rated');
    await expect(log.record({ conversationId: 'a:teams', answerId: 'msg-never-sent' }, true)).resolves.toBe('unknown_answer');
    await expect(log.record({ conversationId: 'a:elsewhere', answerId: 'msg-1' }, true)).resolves.toBe('unknown_answer');
    await expect(log.countsByEntry()).resolves.toEqual([{ entryId: 'internet_needed', helpful: 0, unhelpful: 1 }]);
  });

  it("with a turn's held writes, keeps the note and the rating only when the turn issues them, and still once per answer", async () => {
    const turn = new TurnWrites();
    await log.asked({ conversationId: 'a:teams', answerId: 'msg-1', entryId: 'grace_period', channelId: 'msteams' }, turn);
    await expect(log.record({ conversationId: 'c1', answerId: 'turn-1', entryId: 'uk_numbers', channelId: 'webchat' }, true, turn)).resolves.toBe('held');
    await expect(log.record({ conversationId: 'c1', answerId: 'turn-1', entryId: 'uk_numbers', channelId: 'webchat' }, false, turn)).resolves.toBe('held');
    expect(await first.collection(FEEDBACK_COLLECTION).count()).toBe(0);
    await turn.issue();
    await expect(log.countsByEntry()).resolves.toEqual([{ entryId: 'uk_numbers', helpful: 1, unhelpful: 0 }]);
    // The note held with the turn is there: a rating of it from Teams is kept.
    await expect(log.record({ conversationId: 'a:teams', answerId: 'msg-1' }, false)).resolves.toBe('recorded');
  });

  it('keeps neither the conversation id nor the answer id, only the entry, the channel, the verdict and the times', async () => {
    await log.record({ conversationId: 'a:conversation-secret', answerId: 'answer-secret', entryId: 'grace_period', channelId: 'msteams' }, true);
    const stored = await first.collection(FEEDBACK_COLLECTION).find({ limit: 10 });
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toMatch(/secret/);
    expect(stored[0]?.doc).toEqual({ entryId: 'grace_period', channelId: 'msteams', helpful: true, askedAt: '2030-01-01T00:00:00.000Z', answeredAt: '2030-01-01T00:00:00.000Z' });
  });

  it('two instances rating the same answer at once keep one rating', async () => {
    const other = new FeedbackLog(second, clock);
    await log.asked({ conversationId: 'a:teams', answerId: 'msg-1', entryId: 'grace_period', channelId: 'msteams' });
    const outcomes = await Promise.all([log.record({ conversationId: 'a:teams', answerId: 'msg-1' }, true), other.record({ conversationId: 'a:teams', answerId: 'msg-1' }, false)]);
    expect([...outcomes].sort()).toEqual(['already_rated', 'recorded']);
    const counts = await other.countsByEntry();
    expect(counts).toHaveLength(1);
    expect((counts[0]?.helpful ?? 0) + (counts[0]?.unhelpful ?? 0)).toBe(1);
  });

  it('counts every rating, over several pages of the store, ratings given at the same time included', async () => {
    const paged = new FeedbackLog(first, clock, { pageSize: 3 });
    const total = 11;
    for (let i = 0; i < total; i += 1) {
      if (i % 4 === 0) clock.advance(1000);
      await paged.record({ conversationId: `c${i}`, answerId: 't', entryId: i % 2 === 0 ? 'grace_period' : 'uk_numbers', channelId: 'webchat' }, i % 3 === 0);
    }
    const counts = await paged.countsByEntry();
    expect(counts).toEqual([
      { entryId: 'grace_period', helpful: 2, unhelpful: 4 },
      { entryId: 'uk_numbers', helpful: 2, unhelpful: 3 },
    ]);
    await expect(log.countsByEntry()).resolves.toEqual(counts);
  });
});

describe('the feedback report', () => {
  it('prints one row per entry with its topic, and the totals', () => {
    const text = formatFeedbackReport(
      [
        { entryId: 'uk_numbers', helpful: 1, unhelpful: 4 },
        { entryId: 'gone_entry', helpful: 2, unhelpful: 0 },
      ],
      (id) => (id === 'uk_numbers' ? 'UK numbers only' : undefined),
    );
    expect(text.split('\n')).toEqual([
      'entry       helpful  unhelpful  topic',
      'uk_numbers        1          4  UK numbers only',
      'gone_entry        2          0  (no longer in the knowledge base)',
      '',
      'Total: 3 helpful, 4 unhelpful, over 2 entries.',
    ]);
  });

  it('says so when nothing has been rated', () => {
    expect(formatFeedbackReport([], () => undefined)).toBe('No answers have been rated yet.');
  });
});
