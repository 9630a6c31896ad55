import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import { redact } from '../logger';
import type { TranscriptLog } from '../tickets/transcriptLog';
import { turnLogger } from './turnLogger';
import { turnWritesOf } from './turnWritesMiddleware';

/**
 * Records what the person typed and what the bot answered in each turn, redacted, so tickets
 * can carry the recent conversation. The record is one of the turn's held writes, issued with its
 * state save (see {@link turnWritesOf}); what the bot says after that is recorded as the turn
 * ends. Failing to record never fails the turn.
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
      let recorded = 0;
      let held = false;
      const record = (): Promise<void> => {
        held = false;
        const fresh = turns.slice(recorded);
        recorded = turns.length;
        if (fresh.length === 0) return Promise.resolve();
        return log.append(conversationId, fresh).catch((err: unknown) => turnLogger(context, logger).warn({ err: redact(err) }, 'could not record the transcript'));
      };
      const writes = turnWritesOf(context);
      const hold = (): void => {
        if (held || !writes) return;
        held = true;
        writes.add(record);
      };
      hold();
      try {
        await next();
      } finally {
        // Without held writes (a turn outside the product's middleware) the record is written here.
        if (!writes) await record();
        else if (turns.length > recorded) hold();
      }
    },
  };
}
