import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import { redact } from '../logger';
import type { TranscriptLog } from '../tickets/transcriptLog';
import { turnLogger } from './turnLogger';

/**
 * Records what the person typed and what the bot answered in each turn, redacted, so tickets
 * can carry the recent conversation. Failing to record never fails the turn.
 */
export function transcriptMiddleware(log: TranscriptLog, logger: Logger): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activity = context.activity;
      const conversationId = activity.conversation?.id;
      if (activity.type !== ActivityTypes.Message || !conversationId) {
        await next();
        return;
      }
      const turns: { from: 'user' | 'bot'; text: string }[] = [];
      const userText = activity.text ?? (activity.value ? '[pressed a button]' : '');
      if (userText) turns.push({ from: 'user', text: userText });
      context.onSendActivities(async (_ctx, activities, nextSend) => {
        for (const a of activities) if (a.type === ActivityTypes.Message && a.text) turns.push({ from: 'bot', text: a.text });
        return nextSend();
      });
      try {
        await next();
      } finally {
        await log.append(conversationId, turns).catch((err: unknown) => turnLogger(context, logger).warn({ err: redact(err) }, 'could not record the transcript'));
      }
    },
  };
}
