import type { Clock } from '../clock';
import type { Collection, DocumentStore } from '../store/documentStore';
import { MAX_TRANSCRIPT_TURNS, type TranscriptTurn } from './model';
import { redactTranscriptText } from './redaction';

/** Collection holding the recent turns of each conversation. */
export const TRANSCRIPT_COLLECTION = 'conversation_transcripts';

/** Longest text kept for one turn. */
const MAX_TURN_TEXT = 1000;

type TranscriptDoc = { turns: TranscriptTurn[]; updatedAt: string };

/**
 * The last turns of each conversation, kept so a ticket can carry what was said. Text is
 * redacted before it is stored: codes become `[code]` and phone numbers keep their last 3
 * digits, so no code ever reaches the store through here.
 */
export class TranscriptLog {
  private readonly docs: Collection<TranscriptDoc>;

  constructor(
    store: DocumentStore,
    private readonly clock: Clock,
    private readonly maxTurns = MAX_TRANSCRIPT_TURNS,
  ) {
    this.docs = store.collection<TranscriptDoc>(TRANSCRIPT_COLLECTION);
  }

  /** Appends turns to a conversation, keeping only the most recent ones. */
  async append(conversationId: string, turns: readonly { from: TranscriptTurn['from']; text: string }[]): Promise<void> {
    const kept = turns.map((t) => ({ from: t.from, text: redactTranscriptText(t.text.slice(0, MAX_TURN_TEXT)) })).filter((t) => t.text.trim() !== '');
    if (kept.length === 0) return;
    const at = new Date(this.clock.now()).toISOString();
    await this.docs.update(conversationId, (current) => ({
      turns: [...(current?.turns ?? []), ...kept.map((t) => ({ ...t, at }))].slice(-this.maxTurns),
      updatedAt: at,
    }));
  }

  /** The most recent turns of a conversation, oldest first. */
  async recent(conversationId: string): Promise<TranscriptTurn[]> {
    return (await this.docs.get(conversationId))?.doc.turns ?? [];
  }
}
