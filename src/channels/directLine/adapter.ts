import {
  ActivityTypes,
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { Clock } from '../../clock';
import type { ConversationLog } from './conversationLog';

/** The channel id of the bot's own Direct Line conversations (as Azure's Web Chat channel uses). */
export const WEBCHAT_CHANNEL_ID = 'webchat';

/**
 * The `serviceUrl` of activities in the bot's own Direct Line conversations. Conversation
 * references carrying it are delivered by the {@link DirectLineAdapter}, not the Bot Connector.
 */
export const DIRECT_LINE_SERVICE_URL = 'urn:mfa-helpdesk-bot:directline';

/** Longest `delay` activity honoured, in milliseconds. */
const MAX_DELAY_MS = 5_000;

/** A message for a Direct Line conversation that does not exist (never did, or was purged). */
export class ConversationNotFoundError extends Error {
  /** As the Bot Connector would answer, so callers classify it the same way. */
  readonly statusCode = 404;
  readonly code = 'ConversationNotFound';
  constructor(readonly conversationId: string | undefined) {
    super('Direct Line: the conversation does not exist');
    this.name = 'ConversationNotFoundError';
  }
}

/** Whether a conversation reference belongs to the bot's own Direct Line. */
export function isDirectLineReference(reference: Partial<ConversationReference>): boolean {
  return reference.serviceUrl === DIRECT_LINE_SERVICE_URL;
}

/** Dependencies of {@link DirectLineAdapter}. */
export interface DirectLineAdapterDeps {
  readonly log: ConversationLog;
  readonly clock: Clock;
  /** The bot's id and name as the page sees them in `from`. */
  readonly bot: { readonly id: string; readonly name: string };
}

/**
 * The channel adapter of the bot's own Direct Line (channel `webchat`). Turns run through the
 * same middleware as the other channels; whatever the bot sends, in a turn or proactively
 * through `continueConversationAsync`, is appended to the conversation's log in the store,
 * from where every instance pushes it to open pages. Trace activities are never stored.
 */
export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly deps: DirectLineAdapterDeps) {
    super();
  }

  /** Runs a turn for an activity that arrived over Direct Line. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** Stores each activity in its conversation's log; `trace` is dropped, `delay` waits. */
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        const ms = typeof activity.value === 'number' ? Math.min(Math.max(activity.value, 0), MAX_DELAY_MS) : 1000;
        await new Promise((resolve) => setTimeout(resolve, ms));
        responses.push({ id: '' });
        continue;
      }
      if (activity.type === ActivityTypes.Trace || activity.type === ActivityTypes.InvokeResponse) {
        responses.push({ id: '' });
        continue;
      }
      const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
      if (!conversationId || !(await this.deps.log.get(conversationId))) throw new ConversationNotFoundError(conversationId);
      const stored = await this.deps.log.append(conversationId, {
        ...activity,
        channelId: WEBCHAT_CHANNEL_ID,
        serviceUrl: DIRECT_LINE_SERVICE_URL,
        conversation: { ...(activity.conversation ?? context.activity.conversation), id: conversationId },
        from: { id: this.deps.bot.id, name: this.deps.bot.name, role: 'bot' },
        timestamp: new Date(this.deps.clock.now()),
      });
      responses.push({ id: stored.id ?? '' });
    }
    return responses;
  }

  /** Replaces the stored copy of a message sent earlier (open pages keep the first version). */
  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
    if (!conversationId || !activity.id || !(await this.deps.log.replace(conversationId, { ...activity, id: activity.id }))) {
      throw new ConversationNotFoundError(conversationId);
    }
    return { id: activity.id };
  }

  /** Deleting messages is not supported by this channel. */
  override async deleteActivity(): Promise<void> {
    throw new Error('Direct Line: deleting activities is not supported');
  }

  /** Runs `logic` in the referenced conversation, outside a turn. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** As {@link continueConversation}; the app id or claims are not needed by this channel. */
  override async continueConversationAsync(
    _botAppIdOrClaimsIdentity: string | object,
    reference: Partial<ConversationReference>,
    logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
    maybeLogic?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new TypeError('continueConversationAsync: logic is required');
    await this.continueConversation(reference, logic);
  }
}

/** The part of an adapter that reaches a conversation outside a turn. */
export interface ConversationContinuer {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

/**
 * An adapter front for proactive messages: references of the bot's own Direct Line go to the
 * {@link DirectLineAdapter}, every other one to the Bot Connector adapter.
 */
export function routeProactive(connector: ConversationContinuer, directLine: DirectLineAdapter): ConversationContinuer {
  return {
    continueConversationAsync(botAppId, reference, logic) {
      return isDirectLineReference(reference)
        ? directLine.continueConversationAsync(botAppId, reference, logic)
        : connector.continueConversationAsync(botAppId, reference, logic);
    },
  };
}
