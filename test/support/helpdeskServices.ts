import type { EscalateDeps } from '../../dialogs/escalateDialog';
import { FeedbackLog } from '../../src/knowledge/feedbackLog';
import { createLogger } from '../../src/logger';
import { TicketService } from '../../src/tickets';
import { TranscriptLog } from '../../src/tickets/transcriptLog';
import { dialogWorld, type DialogWorld } from './dialogTranscripts';

/** The verification world plus tickets, transcripts and ratings of answers: everything the hand-over dialogs need, on one in-memory store. */
export interface HelpdeskWorld extends DialogWorld {
  readonly tickets: TicketService;
  readonly transcripts: TranscriptLog;
  readonly services: EscalateDeps;
  /** Ratings of answers, on the same store. */
  readonly feedback: FeedbackLog;
}

/** Builds the services of the dialogs on a real in-memory SQLite store, a hand-moved clock and the dev outbox. */
export async function helpdeskWorld(): Promise<HelpdeskWorld> {
  const world = await dialogWorld();
  const tickets = new TicketService({ store: world.store, logger: createLogger({ level: 'silent' }), now: () => new Date(world.clock.now()) });
  const transcripts = new TranscriptLog(world.store, world.clock);
  const feedback = new FeedbackLog(world.store, world.clock);
  return { ...world, tickets, transcripts, feedback, services: { ...world.deps, tickets, transcripts } };
}
