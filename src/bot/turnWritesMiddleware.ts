import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { TurnWrites, type TurnsInFlight } from '../store/turnWrites';

const TURN_WRITES = Symbol('turnWrites');

/**
 * Gives every message turn its {@link TurnWrites}: what the turn records besides its state (its
 * transcript, an answer's rating) is held there and issued with the state save
 * ({@link HelpdeskTurnState.save}), so it shares the state's commit. Whatever a turn that saved no
 * state still holds (it failed, or ended before the save) is issued when it ends; either way the
 * turn answers only once those writes are durable. Every turn with a conversation is noted in
 * `turns`, so a service that knows only the conversation adds to the right turn's writes, and
 * writes straight away when that is in doubt.
 */
export function turnWritesMiddleware(turns: TurnsInFlight): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const conversationId = context.activity.conversation?.id;
      if (!conversationId) {
        await next();
        return;
      }
      const writes = context.activity.type === ActivityTypes.Message ? new TurnWrites() : undefined;
      if (writes) context.turnState.set(TURN_WRITES, writes);
      const leave = turns.enter(conversationId, writes);
      let failed = true;
      try {
        await next();
        failed = false;
      } finally {
        leave();
        // The turn's own error is the one reported; a write failing after it changes nothing.
        if (writes) await writes.issue().catch((err: unknown) => {
          if (!failed) throw err;
        });
      }
    },
  };
}

/** The writes held for this turn, when it has them. */
export function turnWritesOf(context: TurnContext): TurnWrites | undefined {
  const writes: unknown = context.turnState.get(TURN_WRITES);
  return writes instanceof TurnWrites ? writes : undefined;
}
