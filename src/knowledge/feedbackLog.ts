import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Collection, DocumentStore } from '../store/documentStore';
import type { TurnWrites } from '../store/turnWrites';

/** Collection of the answers that can be rated, and how they were rated. */
export const FEEDBACK_COLLECTION = 'answer_feedback';

type FeedbackDoc = {
  entryId: string;
  channelId: string;
  /** `null` while the answer waits for a rating. */
  helpful: boolean | null;
  askedAt: string;
  answeredAt?: string;
};

/** One answer that can be rated: the conversation, the answer's own id in it, and the entry answered with. */
export interface RatedAnswer {
  readonly conversationId: string;
  /** The sent message's id (Teams feedback names it as `replyToId`) or the id of the question's activity. */
  readonly answerId: string;
  readonly entryId: string;
  readonly channelId: string;
}

/**
 * What became of a rating: kept, ignored because the answer was already rated, for no answer
 * known, or `held` with the writes of the turn it was given in, to be kept (once) when that turn saves.
 */
export type FeedbackOutcome = 'recorded' | 'already_rated' | 'unknown_answer' | 'held';

/** Ratings of one knowledge entry. */
export interface EntryFeedback {
  readonly entryId: string;
  readonly helpful: number;
  readonly unhelpful: number;
}

/**
 * Whether answers helped, per knowledge entry, so the content owners know what to rewrite. Each
 * answer is rated at most once; only the entry, the channel, the verdict and the times are kept
 * (no conversation id, no text), under a key hashed from the conversation and the answer.
 */
export class FeedbackLog {
  private readonly docs: Collection<FeedbackDoc>;
  private readonly pageSize: number;

  /**
   * @param store where ratings are kept (SQLite or MongoDB)
   * @param options `pageSize`: how many ratings {@link countsByEntry} reads per query (default and at most 1000)
   */
  constructor(
    store: DocumentStore,
    private readonly clock: Clock,
    options: { readonly pageSize?: number } = {},
  ) {
    this.docs = store.collection<FeedbackDoc>(FEEDBACK_COLLECTION);
    this.pageSize = Math.min(Math.max(1, options.pageSize ?? 1000), 1000);
  }

  /**
   * Notes an answer whose rating will come later, by its message id (Teams' feedback buttons).
   * @param writes the writes of the turn that sent the answer, when it holds them: the note is then written with that turn's state
   */
  async asked(answer: RatedAnswer, writes?: TurnWrites): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    const write = (): Promise<unknown> =>
      this.docs.update(keyOf(answer.conversationId, answer.answerId), (current) =>
        current ? undefined : { entryId: answer.entryId, channelId: answer.channelId, helpful: null, askedAt: at },
      );
    if (writes) writes.add(write);
    else await write();
  }

  /**
   * Records a rating once. Without `entryId` the answer must have been noted with {@link asked}.
   * @param answer the answer rated; `entryId` and `channelId` are needed only for answers not noted before
   * @param writes the writes of the turn the rating came in, when it holds them: the rating is then written with that
   *   turn's state and `held` is returned; whether it was the answer's first rating is settled then, by the same rule
   */
  async record(answer: Pick<RatedAnswer, 'conversationId' | 'answerId'> & Partial<RatedAnswer>, helpful: boolean, writes?: TurnWrites): Promise<FeedbackOutcome> {
    if (!writes) return this.recordNow(answer, helpful);
    writes.add(() => this.recordNow(answer, helpful));
    return 'held';
  }

  private async recordNow(answer: Pick<RatedAnswer, 'conversationId' | 'answerId'> & Partial<RatedAnswer>, helpful: boolean): Promise<FeedbackOutcome> {
    const at = new Date(this.clock.now()).toISOString();
    let outcome: FeedbackOutcome = 'unknown_answer';
    await this.docs.update(keyOf(answer.conversationId, answer.answerId), (current) => {
      if (current && current.helpful !== null) {
        outcome = 'already_rated';
        return undefined;
      }
      if (!current && !answer.entryId) {
        outcome = 'unknown_answer';
        return undefined;
      }
      outcome = 'recorded';
      return {
        entryId: current?.entryId ?? answer.entryId ?? '',
        channelId: current?.channelId ?? answer.channelId ?? '',
        helpful,
        askedAt: current?.askedAt ?? at,
        answeredAt: at,
      };
    });
    return outcome;
  }

  /** Helpful and unhelpful counts per entry, most unhelpful first; entries without ratings are left out. */
  async countsByEntry(): Promise<EntryFeedback[]> {
    const counts = new Map<string, { helpful: number; unhelpful: number }>();
    let after: { value: string; id: string } | undefined;
    for (;;) {
      const page = await this.docs.find({ orderBy: { field: 'askedAt', direction: 'asc' }, after, limit: this.pageSize });
      for (const { doc } of page) {
        if (doc.helpful === null) continue;
        const c = counts.get(doc.entryId) ?? { helpful: 0, unhelpful: 0 };
        if (doc.helpful) c.helpful += 1;
        else c.unhelpful += 1;
        counts.set(doc.entryId, c);
      }
      const last = page[page.length - 1];
      if (page.length < this.pageSize || !last) break;
      after = { value: last.doc.askedAt, id: last.id };
    }
    return [...counts.entries()]
      .map(([entryId, c]) => ({ entryId, ...c }))
      .sort((a, b) => b.unhelpful - a.unhelpful || a.helpful - b.helpful || a.entryId.localeCompare(b.entryId));
  }
}

function keyOf(conversationId: string, answerId: string): string {
  return createHash('sha256').update(`${conversationId}\n${answerId}`).digest('hex');
}

/**
 * The ratings as a plain-text table for the content owners: one row per entry, most unhelpful
 * first, with the entry's topic, and the totals.
 * @param topicOf the topic of an entry id, when the entry still exists
 */
export function formatFeedbackReport(rows: readonly EntryFeedback[], topicOf: (entryId: string) => string | undefined): string {
  if (rows.length === 0) return 'No answers have been rated yet.';
  const idWidth = Math.max('entry'.length, ...rows.map((r) => r.entryId.length));
  const line = (id: string, helpful: string, unhelpful: string, topic: string): string =>
    `${id.padEnd(idWidth)}  ${helpful.padStart(7)}  ${unhelpful.padStart(9)}  ${topic}`.trimEnd();
  const total = rows.reduce((t, r) => ({ helpful: t.helpful + r.helpful, unhelpful: t.unhelpful + r.unhelpful }), { helpful: 0, unhelpful: 0 });
  return [
    line('entry', 'helpful', 'unhelpful', 'topic'),
    ...rows.map((r) => line(r.entryId, String(r.helpful), String(r.unhelpful), topicOf(r.entryId) ?? '(no longer in the knowledge base)')),
    '',
    `Total: ${total.helpful} helpful, ${total.unhelpful} unhelpful, over ${rows.length} entr${rows.length === 1 ? 'y' : 'ies'}.`,
  ].join('\n');
}
