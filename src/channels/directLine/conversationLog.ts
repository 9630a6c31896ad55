import type { Activity } from 'botbuilder';
import type { Clock } from '../../clock';
import type { Collection, DocumentStore } from '../../store/documentStore';
import { DuplicateKeyError } from '../../store/documentStore';
import type { ConversationSignals } from './signals';

/** Collection of Direct Line conversations: who owns each one. */
export const DIRECT_LINE_CONVERSATIONS = 'directline_conversations';
/** Collection of every activity of every Direct Line conversation, in order. */
export const DIRECT_LINE_ACTIVITIES = 'directline_activities';

/** One Direct Line conversation as stored. `createdAt`/`updatedAt` are ISO times (for retention). */
export type ConversationRecord = {
  readonly userId: string;
  /** Whether the bot has been told the user joined (the welcome turn ran). */
  readonly started: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** One stored activity. `seq` orders a conversation's activities and is the watermark. */
export type ActivityRecord = {
  readonly conversationId: string;
  readonly seq: number;
  readonly activity: Record<string, unknown>;
  /** ISO time the activity was stored (for retention). */
  readonly createdAt: string;
  /** The same time in epoch milliseconds. */
  readonly createdAtMs: number;
};

/** A page of activities and the watermark to ask for the next ones with. */
export interface ActivitySet {
  readonly activities: Partial<Activity>[];
  readonly watermark: number;
}

/**
 * How long a hole in the sequence (a number taken by a writer that has not stored its activity
 * yet) holds back the activities after it before readers skip over it.
 */
export const SEQUENCE_GAP_WAIT_MS = 2_000;
const PAGE = 500;

/** Formats the id of the `seq`th activity of a conversation, as Direct Line does: `<conversation>|0000042`. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}

/**
 * The Direct Line conversations and their activities, kept in the document store so a reloaded
 * page gets its history back and every instance sharing the store serves the same
 * conversations. Sequence numbers come from a store counter per conversation.
 */
export class ConversationLog {
  private readonly conversations: Collection<ConversationRecord>;
  private readonly activities: Collection<ActivityRecord>;

  constructor(
    private readonly store: DocumentStore,
    private readonly clock: Clock,
    /** Told about every append, so this instance's open streams push at once. */
    readonly signals?: ConversationSignals,
  ) {
    this.conversations = store.collection<ConversationRecord>(DIRECT_LINE_CONVERSATIONS);
    this.activities = store.collection<ActivityRecord>(DIRECT_LINE_ACTIVITIES);
  }

  /** Records a new conversation owned by `userId`. */
  async create(conversationId: string, userId: string): Promise<ConversationRecord> {
    const now = new Date(this.clock.now()).toISOString();
    const record: ConversationRecord = { userId, started: false, createdAt: now, updatedAt: now };
    await this.conversations.insert(conversationId, record);
    return record;
  }

  /** The conversation, or `undefined` when there is none (never created, or purged). */
  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    return (await this.conversations.get(conversationId))?.doc;
  }

  /**
   * Marks the conversation as started.
   * @returns true for exactly one caller, the one that should run the welcome turn.
   */
  async markStarted(conversationId: string): Promise<boolean> {
    let first = false;
    await this.conversations.update(conversationId, (current) => {
      first = current !== undefined && !current.started;
      return first && current ? { ...current, started: true, updatedAt: new Date(this.clock.now()).toISOString() } : undefined;
    });
    return first;
  }

  /**
   * Appends an activity, giving it the conversation's next id.
   * @returns the stored activity (with `id`).
   */
  async append(conversationId: string, activity: Partial<Activity>): Promise<Partial<Activity>> {
    for (;;) {
      const nowMs = this.clock.now();
      try {
        const record = await this.store.insertNumbered<ActivityRecord>(DIRECT_LINE_ACTIVITIES, `directline_seq:${conversationId}`, (seq) => {
          const id = activityId(conversationId, seq);
          return {
            id,
            doc: { conversationId, seq, activity: JSON.parse(JSON.stringify({ ...activity, id })) as Record<string, unknown>, createdAt: new Date(nowMs).toISOString(), createdAtMs: nowMs },
          };
        });
        this.signals?.notify(conversationId);
        return { ...activity, id: record.id };
      } catch (err) {
        // A counter reset (e.g. a restored store) can hand out a number already used: take the next.
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
    }
  }

  /** Replaces the stored copy of an activity the bot sent earlier. Returns whether it existed. */
  async replace(conversationId: string, activity: Partial<Activity> & { id: string }): Promise<boolean> {
    const updated = await this.activities.update(activity.id, (current) =>
      current && current.conversationId === conversationId ? { ...current, activity: JSON.parse(JSON.stringify(activity)) as Record<string, unknown> } : undefined,
    );
    return updated !== undefined && updated.doc.conversationId === conversationId;
  }

  /**
   * The activities after `watermark`, in order, up to the first hole in the sequence that is
   * younger than {@link SEQUENCE_GAP_WAIT_MS} (its writer is probably still storing it), so a
   * reader never skips an activity that is about to appear.
   */
  async since(conversationId: string, watermark: number): Promise<ActivitySet> {
    const activities: Partial<Activity>[] = [];
    let mark = watermark;
    let after: { value: number; id: string } | undefined = watermark > 0 ? { value: watermark, id: activityId(conversationId, watermark) } : undefined;
    for (;;) {
      const page = await this.activities.find({ where: { conversationId }, orderBy: { field: 'seq', direction: 'asc' }, after, limit: PAGE });
      for (const { id, doc } of page) {
        if (doc.seq <= mark) continue;
        if (doc.seq !== mark + 1 && this.clock.now() - doc.createdAtMs < SEQUENCE_GAP_WAIT_MS) return { activities, watermark: mark };
        activities.push(doc.activity as Partial<Activity>);
        mark = doc.seq;
        after = { value: doc.seq, id };
      }
      if (page.length < PAGE) return { activities, watermark: mark };
    }
  }
}
