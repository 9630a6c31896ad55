import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';

const TURN_LOGGER = Symbol('turnLogger');

/**
 * The logger of one turn, made when the turn first logs: most turns log nothing of their own,
 * and a pino child (its bindings serialised up front) is not worth making for them.
 */
class LazyTurnLogger {
  private made: Logger | undefined;
  private readonly bindings: { conversationId?: string; activityId?: string; channelId?: string };

  constructor(
    private readonly parent: Logger,
    context: TurnContext,
  ) {
    const a = context.activity;
    this.bindings = { conversationId: a.conversation?.id, activityId: a.id, channelId: a.channelId };
  }

  get logger(): Logger {
    this.made ??= this.parent.child(this.bindings);
    return this.made;
  }
}

/** Middleware that gives every turn a child logger carrying the conversation and activity ids, and logs each handled turn. */
export function turnLoggerMiddleware(logger: Logger): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const lazy = new LazyTurnLogger(logger, context);
      context.turnState.set(TURN_LOGGER, lazy);
      const started = process.hrtime.bigint();
      await next();
      if (logger.isLevelEnabled('debug')) {
        lazy.logger.debug({ activityType: context.activity.type, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 }, 'turn handled');
      }
    },
  };
}

/** The logger of this turn, or `fallback` outside a turn that went through the middleware. */
export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  const l: unknown = context.turnState.get(TURN_LOGGER);
  return l instanceof LazyTurnLogger ? l.logger : fallback.child({ conversationId: context.activity.conversation?.id });
}
