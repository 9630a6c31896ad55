import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { StoredReference } from './conversationRefs';

/** The part of the `CloudAdapter` used to reach a conversation outside a turn. */
export interface ProactiveAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/** How a failed delivery should be treated. */
export type DeliveryFailureKind =
  /** The bot can no longer reach the conversation (removed from it, or it is gone): never retried. */
  | 'unreachable'
  /** Worth another try (throttling, a server error, the network). */
  | 'transient'
  /** Anything else (bad request, forbidden for another reason): not retried. */
  | 'permanent';

/** A message could not be delivered; {@link kind} says why. */
export class DeliveryError extends Error {
  constructor(
    public readonly kind: DeliveryFailureKind,
    /** HTTP status of the Bot Connector answer, when there was one. */
    public readonly statusCode: number | undefined,
    /** Error code of the Bot Connector answer, e.g. `BotNotInConversationRoster`. */
    public readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Delivery failed (${kind}${statusCode ? `, HTTP ${statusCode}` : ''}${code ? `, ${code}` : ''})`, options);
    this.name = 'DeliveryError';
  }
}

/** Connector error codes meaning the bot cannot reach the conversation any more. */
const UNREACHABLE_CODES = new Set(['BotNotInConversationRoster', 'ConversationNotFound', 'ConversationBlockedByUser', 'BotDisabledByAdmin']);

/** Classifies an error thrown by the Bot Connector client. */
export function classifyDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err !== null && typeof err === 'object' ? err : {}) as { statusCode?: unknown; code?: unknown };
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  let kind: DeliveryFailureKind;
  if (statusCode === 404 || (code !== undefined && UNREACHABLE_CODES.has(code))) kind = 'unreachable';
  else if (statusCode === undefined || statusCode === 429 || statusCode >= 500) kind = 'transient';
  else kind = 'permanent';
  return new DeliveryError(kind, statusCode, code, { cause: err });
}

/** Options of {@link ProactiveMessenger}. */
export interface ProactiveMessengerOptions {
  readonly adapter: ProactiveAdapter;
  /** The bot's Microsoft App ID; empty when the bot runs without authentication. */
  readonly botAppId: string;
}

/**
 * Sends and updates messages in conversations outside a turn, through
 * `adapter.continueConversationAsync`. Failures come back as {@link DeliveryError}. Nothing is
 * retried here: the Bot Connector client already retries throttling and server errors a few
 * times with backoff, and an unreachable conversation (403 roster, 404) is never retried.
 */
export class ProactiveMessenger {
  constructor(private readonly options: ProactiveMessengerOptions) {}

  /**
   * Sends an activity into the conversation.
   * @returns the id the channel gave the new message, when it gave one.
   * @throws DeliveryError when it could not be delivered.
   */
  async send(reference: StoredReference, activity: Partial<Activity>): Promise<string | undefined> {
    return this.deliver(reference, async (context) => (await context.sendActivity(activity))?.id);
  }

  /**
   * Replaces a message the bot sent earlier.
   * @throws DeliveryError when it could not be updated.
   */
  async update(reference: StoredReference, activityId: string, activity: Partial<Activity>): Promise<void> {
    await this.deliver(reference, async (context) => {
      await context.updateActivity({ ...activity, id: activityId });
    });
  }

  /**
   * Runs `logic` in the conversation. Errors are caught inside the turn, so the adapter's
   * turn-error handler never sees them (it would try to apologise into the same conversation),
   * and are thrown to the caller as they are.
   */
  async run<T>(reference: StoredReference, logic: (context: TurnContext) => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    let failure: { error: unknown } | undefined;
    await this.options.adapter.continueConversationAsync(this.options.botAppId, reference, async (context) => {
      try {
        result = { value: await logic(context) };
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
    if (!result) throw new Error('Proactive turn ended without running');
    return result.value;
  }

  private async deliver<T>(reference: StoredReference, logic: (context: TurnContext) => Promise<T>): Promise<T> {
    try {
      return await this.run(reference, logic);
    } catch (err) {
      throw classifyDeliveryError(err);
    }
  }
}

/** Why a person could not be reached, in words for the ticket history and the card. */
export function unreachableReason(err: DeliveryError): string {
  if (err.code === 'BotNotInConversationRoster') return 'the bot is no longer in their chat';
  if (err.code === 'ConversationBlockedByUser') return 'they blocked the bot';
  if (err.code === 'BotDisabledByAdmin') return 'the bot is disabled for them';
  return 'their conversation no longer exists';
}
