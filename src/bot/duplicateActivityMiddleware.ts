import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import type { Collection, DocumentStore } from '../store/documentStore';
import { turnLogger } from './turnLogger';

/** Collection of the recent activity ids of each conversation. */
export const RECENT_ACTIVITIES_COLLECTION = 'recent_activities';

/** How many activity ids are remembered per conversation. */
const REMEMBERED = 50;

type RecentDoc = { ids: string[] };

/**
 * Drops an activity delivered a second time (Teams re-sends one it got no answer to within
 * 15 s). The ids of each conversation's recent messages and invokes are kept in the store,
 * so this also holds across instances. A repeat is logged and not processed again, so a code
 * or a choice is never acted on twice.
 */
export function duplicateActivityMiddleware(store: DocumentStore, logger: Logger): Middleware {
  const recent: Collection<RecentDoc> = store.collection<RecentDoc>(RECENT_ACTIVITIES_COLLECTION);
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const a = context.activity;
      const conversationId = a.conversation?.id;
      if (!a.id || !conversationId || (a.type !== ActivityTypes.Message && a.type !== ActivityTypes.Invoke)) {
        await next();
        return;
      }
      let repeat = false;
      await recent.update(`${a.channelId}:${conversationId}`, (current) => {
        const ids = current?.ids ?? [];
        repeat = ids.includes(a.id as string);
        return repeat ? undefined : { ids: [...ids, a.id as string].slice(-REMEMBERED) };
      });
      if (repeat) {
        turnLogger(context, logger).info({ activityType: a.type }, 'activity already received: ignored');
        return;
      }
      await next();
    },
  };
}
