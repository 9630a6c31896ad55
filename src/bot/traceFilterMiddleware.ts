import { ActivityTypes, Channels, type Activity, type Middleware, type TurnContext } from 'botbuilder';

/**
 * Keeps trace activities inside the bot. botbuilder-dialogs sends a `BotState` trace after every
 * dialog turn that echoes the incoming activity (so whatever the person typed, a code included)
 * and the whole dialog state; other libraries send traces of their own. The Bot Framework
 * Emulator is the only client meant to see them, so they pass on the `emulator` channel and are
 * dropped everywhere else: from `expectReplies` bodies, from the Bot Connector, from our own
 * channel adapters, and therefore from anything that records what was sent.
 *
 * Register it first on every adapter, so that the send handlers of later middleware never see a trace.
 */
export function traceFilterMiddleware(): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      context.onSendActivities(async (ctx, activities, nextSend) => {
        if (ctx.activity.channelId === Channels.Emulator) return nextSend();
        dropTraces(activities);
        // Adapters refuse an empty batch; a batch of traces only is simply not sent.
        return activities.length > 0 ? nextSend() : [];
      });
      await next();
    },
  };
}

/** Removes trace activities from an outgoing batch in place (the batch is the one the adapter sends). */
function dropTraces(activities: Partial<Activity>[]): void {
  for (let i = activities.length - 1; i >= 0; i -= 1) {
    if (activities[i]?.type === ActivityTypes.Trace) activities.splice(i, 1);
  }
}
