import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';

const TURN_LOGGER = Symbol('turnLogger');

/** Middleware that gives every turn a child logger carrying the conversation and activity ids, and logs each handled turn. */
export function turnLoggerMiddleware(logger: Logger): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const a = context.activity;
      const log = logger.child({ conversationId: a.conversation?.id, activityId: a.id, channelId: a.channelId });
      context.turnState.set(TURN_LOGGER, log);
      const started = process.hrtime.bigint();
      await next();
      log.debug({ activityType: a.type, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10 }, 'turn handled');
    },
  };
}

/** The logger of this turn, or `fallback` outside a turn that went through the middleware. */
export function turnLogger(context: TurnContext, fallback: Logger): Logger {
  const l: unknown = context.turnState.get(TURN_LOGGER);
  return (l as Logger | undefined) ?? fallback.child({ conversationId: context.activity.conversation?.id });
}
