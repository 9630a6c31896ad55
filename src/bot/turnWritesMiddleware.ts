import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { TurnWrites } from '../store/turnWrites';

const TURN_WRITES = Symbol('turnWrites');

/**
 * Gives every message turn its {@link TurnWrites}: what the turn records besides its state (its
 * transcript, an answer's rating) is held there and issued with the state save
 * ({@link HelpdeskTurnState.save}), so it shares the state's commit. Whatever a turn that saved no
 * state still holds (it failed, or ended before the save) is issued when it ends; either way the
 * turn answers only once those writes are durable. A service called during the turn is handed
 * them with {@link turnWritesOf}.
 */
export function turnWritesMiddleware(): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      if (!context.activity.conversation?.id || context.activity.type !== ActivityTypes.Message) {
        await next();
        return;
      }
      const writes = new TurnWrites();
      context.turnState.set(TURN_WRITES, writes);
      let failed = true;
      try {
        await next();
        failed = false;
      } finally {
        // The turn's own error is the one reported; a write failing after it changes nothing.
        await writes.issue().catch((err: unknown) => {
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
