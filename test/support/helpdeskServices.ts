import { DialogTestClient } from 'botbuilder-testing';
import type { EscalateDeps } from '../../dialogs/escalateDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { KnowledgeNlu } from '../../src/knowledge';
import { FeedbackLog } from '../../src/knowledge/feedbackLog';
import { createLogger } from '../../src/logger';
import { TicketService } from '../../src/tickets';
import { TranscriptLog } from '../../src/tickets/transcriptLog';
import { TicketFloodGuard } from '../../src/tickets/ticketFloodGuard';
import { WindowBudgets } from '../../src/limits/windowBudgets';
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
  const floodGuard = new TicketFloodGuard({ budgets: new WindowBudgets(world.store, world.clock), logger: createLogger({ level: 'silent' }) });
  return { ...world, tickets, transcripts, feedback, services: { ...world.deps, tickets, transcripts, floodGuard } };
}

/** What {@link mainDialogClients} gives a test: a fresh world each test, and clients of the root dialog on it. */
export interface MainDialogClients {
  /** The world of the current test. */
  world(): HelpdeskWorld;
  /** A test client of `MainDialog` on the channel (`webchat` unless given). */
  client(channel?: string): DialogTestClient;
}

/** Trains the recognizer once for the file and builds a new {@link HelpdeskWorld} before each test. */
export function mainDialogClients(): MainDialogClients {
  let nlu: KnowledgeNlu | undefined;
  let current: HelpdeskWorld | undefined;
  beforeAll(async () => {
    nlu = await KnowledgeNlu.create();
  });
  beforeEach(async () => {
    current = await helpdeskWorld();
  });
  const world = (): HelpdeskWorld => {
    if (!current) throw new Error('mainDialogClients: no world outside a test');
    return current;
  };
  return {
    world,
    client: (channel = 'webchat') => {
      if (!nlu) throw new Error('mainDialogClients: no recognizer outside a test');
      return new DialogTestClient(channel, new MainDialog({ understanding: nlu, services: world().services, feedback: world().feedback }));
    },
  };
}
