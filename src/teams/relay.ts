import { randomUUID } from 'node:crypto';
import { ActivityTypes, EventFactory, MessageFactory, type Activity, type TurnContext, type Transcript } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../logger';
import { redact } from '../logger';
import type { Ticket } from '../tickets/model';
import { redactTranscriptText } from '../tickets/redaction';
import type { TicketService } from '../tickets/ticketService';
import { toStoredReference } from './conversationRefs';
import { classifyDeliveryError, unreachableReason, type ProactiveMessenger } from './proactive';
import { chatOf, type HubHandoffState, type RelayAgent, type RelayRecord, type TeamsAgentStore, type TicketPostRecord } from './teamsStore';
import { requesterLine, verificationBadge } from './ticketCard';

/** Ticket channels on which a person can chat live with an agent through the bot. */
export const RELAY_CHANNELS: ReadonlySet<string> = new Set(['msteams', 'webchat', 'emulator']);
/** Ticket channels whose clients can be handed to an agent hub with `handoff.initiate`. */
export const HANDOFF_CHANNELS: ReadonlySet<string> = new Set(['webchat', 'emulator']);
/** Longest relayed message; longer ones are cut. */
export const MAX_RELAYED_TEXT = 2000;

/** Settings of {@link LiveRelay}. */
export interface LiveRelayOptions {
  readonly store: TeamsAgentStore;
  readonly tickets: TicketService;
  readonly messenger: ProactiveMessenger;
  readonly logger: Logger;
  /** Also send `handoff.initiate` to an agent hub when a chat starts (`HANDOFF_TO_HUB`). */
  readonly handoffToHub: boolean;
  readonly now?: () => Date;
}

/** Why a live chat ended. */
export type RelayEndReason = 'agent' | 'resolved' | 'cancelled' | 'unreachable' | 'hub';

const handoffStatusSchema = z.object({ state: z.string().min(1).max(50), message: z.string().max(1000).optional() }).passthrough();

/**
 * True when a message @mentions the bot. With the resource-specific permission
 * `ChannelMessage.Read.Group`, Teams delivers every channel message to the bot, mentioned or not.
 */
export function mentionsBot(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  return (activity.entities ?? []).some((e) => {
    if (e.type !== 'mention') return false;
    const mentioned: unknown = e.mentioned;
    return typeof mentioned === 'object' && mentioned !== null && 'id' in mentioned && mentioned.id === botId;
  });
}

/**
 * Text as it may be relayed: HTML tags and entities Teams adds are removed, codes and phone
 * numbers are redacted, and the length is bounded.
 */
export function relayableText(text: string | undefined): string {
  const plain = (text ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
  const redacted = redactTranscriptText(plain);
  return redacted.length <= MAX_RELAYED_TEXT ? redacted : `${redacted.slice(0, MAX_RELAYED_TEXT - 1)}…`;
}

function message(text: string): Partial<Activity> {
  return MessageFactory.text(text, text);
}

/** A relayed message: plain text, so nothing the other side wrote is rendered as Markdown or HTML. */
function relayed(text: string): Partial<Activity> {
  return { ...MessageFactory.text(text, text), textFormat: 'plain' };
}

/**
 * The bot as a proxy between a helpdesk agent in Teams and the person who opened the ticket.
 * Once the agent claims the ticket from its card, what the agent writes in the card's thread
 * goes to the person as "Agent Name (Helpdesk): …", and what the person writes goes to the
 * thread, until the agent presses "End chat" or the ticket is resolved or cancelled. Codes and
 * full phone numbers are never relayed.
 */
export class LiveRelay {
  private readonly now: () => Date;

  constructor(private readonly options: LiveRelayOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Whether the person of this ticket can be chatted with (a chat channel and a stored conversation). */
  static supports(ticket: Ticket): boolean {
    return RELAY_CHANNELS.has(ticket.channel) && toStoredReference(ticket.conversationRef) !== undefined;
  }

  /**
   * Notes that `agent` is about to claim the ticket from its card, before the claim is made, so
   * the claim notification knows the chat will announce the agent instead.
   * @returns false when the ticket's person cannot be chatted with.
   */
  async prepare(ticket: Ticket, post: TicketPostRecord, agent: RelayAgent): Promise<boolean> {
    const personReference = toStoredReference(ticket.conversationRef);
    if (!personReference || !RELAY_CHANNELS.has(ticket.channel)) return false;
    const threadReference = {
      ...post.reference,
      conversation: { ...post.reference.conversation, id: post.threadConversationId },
    };
    const record: RelayRecord = {
      ticketId: ticket.id,
      state: 'pending',
      agent,
      personName: requesterLine(ticket),
      personConversationId: personReference.conversation.id,
      personReference,
      threadConversationId: post.threadConversationId,
      threadReference,
      startedAt: this.now().toISOString(),
      chatId: randomUUID(),
    };
    const { store } = this.options;
    // Noted with the person's conversation before it can go live, so the person's messages find it by key.
    await store.noteChat(record.personConversationId, chatOf(record));
    // Another agent's chat, prepared or live, is never replaced.
    let replaced: RelayRecord | undefined;
    const stored = await store.relays.update(ticket.id, (doc) => {
      replaced = doc;
      return !doc || doc.state === 'ended' || (doc.state === 'pending' && doc.agent.id === agent.id) ? record : undefined;
    });
    const prepared = stored !== undefined && stored.doc.chatId === record.chatId && stored.doc.state === 'pending';
    if (!prepared) await store.forgetChat(record.personConversationId, chatOf(record));
    else if (replaced?.state === 'pending') await store.forgetChat(replaced.personConversationId, chatOf(replaced));
    return prepared;
  }

  /** Forgets the chat `agent` prepared when their claim failed. */
  async cancelPending(ticketId: string, agent: RelayAgent): Promise<void> {
    const { store } = this.options;
    const current = await store.relays.get(ticketId);
    if (current?.doc.state !== 'pending' || current.doc.agent.id !== agent.id) return;
    if (await store.relays.delete(ticketId, current.eTag)) await store.forgetChat(current.doc.personConversationId, chatOf(current.doc));
  }

  /** Whether a chat was prepared or is live for the ticket (the chat then tells the person about the claim). */
  async announcesClaim(ticketId: string): Promise<boolean> {
    const relay = await this.options.store.relayOf(ticketId);
    return relay?.state === 'pending' || relay?.state === 'live';
  }

  /**
   * Opens a prepared chat: tells the person the agent has joined, records `chat_started` and,
   * with `HANDOFF_TO_HUB`, sends `handoff.initiate` where the channel supports it.
   * @returns `live`, `unreachable` (the person could not be told; marked on the ticket) or `none`.
   */
  async start(ticketId: string): Promise<'live' | 'unreachable' | 'none'> {
    const { store, tickets, messenger, logger } = this.options;
    const relay = await store.relayOf(ticketId);
    const ticket = await tickets.get(ticketId);
    if (!relay || relay.state !== 'pending' || !ticket) return 'none';
    try {
      await messenger.send(
        relay.personReference,
        message(
          `${relay.agent.name} from the helpdesk has picked up your ticket ${ticketId} and joined this chat. What you write here now goes to them, until they end the chat.`,
        ),
      );
    } catch (err) {
      const failure = classifyDeliveryError(err);
      if (await store.relays.delete(ticketId)) await store.forgetChat(relay.personConversationId, chatOf(relay));
      logger.warn({ ticketId, kind: failure.kind, statusCode: failure.statusCode, code: failure.code }, 'live chat not started: the person could not be told');
      if (failure.kind === 'unreachable') await tickets.markPersonNotNotified(ticketId, unreachableReason(failure));
      return 'unreachable';
    }
    // Noted again with the write that makes it live (the same commit on SQLite), should the preparation have been forgotten meanwhile.
    await Promise.all([store.relays.put(ticketId, { ...relay, state: 'live', startedAt: this.now().toISOString() }), store.noteChat(relay.personConversationId, chatOf(relay))]);
    await tickets.recordEvent(ticketId, 'chat_started', relay.agent.name);
    logger.info({ ticketId }, 'live chat started');
    if (this.options.handoffToHub && HANDOFF_CHANNELS.has(ticket.channel)) await this.initiateHandoff(ticket, relay);
    return 'live';
  }

  /**
   * Ends the live chat of a ticket, telling the person they are back with the bot (unless they
   * cannot be reached) and recording `chat_ended`.
   * @returns false when no chat was live.
   */
  async end(ticketId: string, by: string, reason: RelayEndReason): Promise<boolean> {
    const { store, tickets, messenger, logger } = this.options;
    const current = await store.relays.get(ticketId);
    if (!current || current.doc.state !== 'live') return false;
    const relay = current.doc;
    const ended: RelayRecord = { ...relay, state: 'ended', endedAt: this.now().toISOString() };
    const stored = await store.relays.update(ticketId, (doc) => (doc && doc.state === 'live' ? ended : undefined));
    if (!stored || stored.doc.endedAt !== ended.endedAt) return false;
    await store.forgetChat(relay.personConversationId, chatOf(relay));
    if (reason !== 'unreachable') {
      const text =
        reason === 'agent'
          ? `${relay.agent.name} has left the chat. You're back with the MFA helpdesk assistant.`
          : `The chat with ${relay.agent.name} has ended. You're back with the MFA helpdesk assistant.`;
      try {
        await messenger.send(relay.personReference, message(text));
      } catch (err) {
        await this.personUnreachable(ticketId, err);
      }
    }
    await tickets.recordEvent(ticketId, 'chat_ended', by, reason === 'agent' ? undefined : `chat ended: ${reason}`);
    logger.info({ ticketId, reason }, 'live chat ended');
    return true;
  }

  /**
   * The hook for the person's side: when a chat with an agent is live in this conversation,
   * forwards the person's message to the ticket's thread in Teams (codes and phone numbers
   * redacted) and returns true, so the bot does not run its own dialogs for it.
   * @returns false when no chat is live here (the bot handles the message as usual).
   */
  async forwardFromPerson(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    if (a.type !== ActivityTypes.Message || !a.conversation?.id) return false;
    const relay = await this.options.store.liveRelayForPerson(a.conversation.id);
    if (!relay) return false;
    const text = relayableText(a.text) || (a.attachments?.length ? '[sent an attachment, which is not relayed]' : '');
    if (!text) return true;
    try {
      await this.options.messenger.send(relay.threadReference, relayed(`${relay.personName}: ${text}`));
    } catch (err) {
      const failure = classifyDeliveryError(err);
      this.options.logger.warn({ ticketId: relay.ticketId, kind: failure.kind, code: failure.code }, 'could not relay the person\'s message to Teams');
      await context.sendActivity(message('Sorry, I could not pass that on to the helpdesk just now. Please try again in a moment.'));
    }
    return true;
  }

  /** Whether this conversation is the thread of a ticket card. */
  async ticketPostOfThread(conversationId: string | undefined): Promise<TicketPostRecord | undefined> {
    if (!conversationId || !conversationId.includes(';messageid=')) return undefined;
    return this.options.store.postByThread(conversationId);
  }

  /**
   * The agent's side: a message in a ticket card's thread. From the agent holding the live chat
   * it is relayed to the person as "Agent Name (Helpdesk): …"; anyone else, or any message while
   * no chat is live, gets a short reply saying nothing was sent. A message that does not mention the
   * bot is the team talking among themselves: it is relayed only from the agent holding the live
   * chat, and otherwise left without a reply.
   */
  async forwardFromAgent(context: TurnContext, post: TicketPostRecord): Promise<void> {
    const a = context.activity;
    const relay = await this.options.store.relayOf(post.ticketId);
    const live = relay !== undefined && relay.state === 'live' && relay.threadConversationId === a.conversation.id;
    const fromHolder =
      live && (a.from?.id === relay.agent.id || (relay.agent.aadObjectId !== undefined && a.from?.aadObjectId === relay.agent.aadObjectId));
    if (!fromHolder && !mentionsBot(a)) return;
    if (!relay || !live) {
      await context.sendActivity(
        message(`Nothing was sent to the person: there is no live chat for ${post.ticketId}. Claim the ticket from its card to chat with them.`),
      );
      return;
    }
    if (!fromHolder) {
      await context.sendActivity(message(`Not sent: only ${relay.agent.name}, who is chatting with the person, can write to them here.`));
      return;
    }
    const text = relayableText(a.text);
    if (!text) {
      await context.sendActivity(message('Only text is relayed to the person; nothing was sent.'));
      return;
    }
    try {
      await this.options.messenger.send(relay.personReference, relayed(`${relay.agent.name} (Helpdesk): ${text}`));
    } catch (err) {
      const failure = classifyDeliveryError(err);
      if (failure.kind === 'unreachable') {
        await this.personUnreachable(relay.ticketId, failure);
        await this.end(relay.ticketId, 'bot', 'unreachable');
        await context.sendActivity(message(`Not delivered: the person can no longer be reached in their chat (${unreachableReason(failure)}). The live chat has ended.`));
      } else {
        this.options.logger.warn({ ticketId: relay.ticketId, kind: failure.kind, code: failure.code }, 'could not relay the agent\'s message');
        await context.sendActivity(message('Not delivered: the person\'s chat did not answer. Please try again in a moment.'));
      }
    }
  }

  /**
   * Handles a `handoff.status` event from an agent hub in the person's conversation: logs it,
   * records it on the ticket and in the chat's state; `completed` ends the live chat. Accepted
   * only with `HANDOFF_TO_HUB`, for a chat that was really handed to a hub, and from a sender
   * other than the person.
   * @returns false when the event is ignored.
   */
  async onHandoffStatus(context: TurnContext): Promise<boolean> {
    const a = context.activity;
    if (!this.options.handoffToHub) {
      this.options.logger.warn('handoff.status ignored: HANDOFF_TO_HUB is off');
      return false;
    }
    const relay = a.conversation?.id ? await this.options.store.latestRelayForPerson(a.conversation.id) : undefined;
    const parsed = handoffStatusSchema.safeParse(a.value);
    if (!relay || !parsed.success) {
      this.options.logger.warn({ hasRelay: relay !== undefined, valid: parsed.success }, 'handoff.status ignored');
      return false;
    }
    // Only the hub a hand-off was really sent to may report on it: never the person's own client.
    const personId = relay.personReference.user?.id;
    if (relay.hub === undefined || !a.from?.id || a.from.id === personId) {
      this.options.logger.warn({ ticketId: relay.ticketId, initiated: relay.hub !== undefined, fromPerson: a.from?.id === personId }, 'handoff.status ignored: no hand-off was sent, or it came from the person');
      return false;
    }
    const state = parsed.data.state;
    const known: HubHandoffState | undefined = (['accepted', 'failed', 'completed'] as const).find((s) => s === state);
    const note = `agent hub: ${state}${parsed.data.message ? ` (${redactTranscriptText(parsed.data.message)})` : ''}`;
    this.options.logger.info({ ticketId: relay.ticketId, state }, 'handoff.status received');
    if (known) {
      const at = this.now().toISOString();
      const hubMessage = parsed.data.message ? redactTranscriptText(parsed.data.message) : undefined;
      await this.options.store.relays.update(relay.ticketId, (doc) =>
        doc ? { ...doc, hub: { state: known, at, ...(hubMessage ? { message: hubMessage } : {}) } } : undefined,
      );
    }
    await this.options.tickets.recordEvent(relay.ticketId, 'handoff_status', 'agent-hub', note);
    if (known === 'completed') await this.end(relay.ticketId, 'agent-hub', 'hub');
    return true;
  }

  private async initiateHandoff(ticket: Ticket, relay: RelayRecord): Promise<void> {
    const transcript: Transcript = {
      activities: ticket.transcript.map(
        (t) =>
          ({
            type: ActivityTypes.Message,
            text: t.text,
            timestamp: new Date(t.at),
            from: { id: t.from, name: t.from, role: t.from === 'user' ? 'user' : 'bot' },
          }) as Activity,
      ),
    };
    const handoffContext = {
      ticketId: ticket.id,
      priority: ticket.priority,
      type: ticket.type,
      summary: ticket.summary,
      verification: verificationBadge(ticket.verification),
      agent: relay.agent.name,
    };
    try {
      await this.options.messenger.run(relay.personReference, async (context) => {
        await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, transcript));
      });
      await this.options.store.relays.update(ticket.id, (doc) => (doc ? { ...doc, hub: { state: 'initiated', at: this.now().toISOString() } } : undefined));
      this.options.logger.info({ ticketId: ticket.id }, 'handoff.initiate sent to the agent hub');
    } catch (err) {
      this.options.logger.warn({ ticketId: ticket.id, err: redact(classifyDeliveryError(err)) }, 'handoff.initiate could not be sent');
    }
  }

  private async personUnreachable(ticketId: string, err: unknown): Promise<void> {
    const failure = classifyDeliveryError(err);
    this.options.logger.warn({ ticketId, kind: failure.kind, statusCode: failure.statusCode, code: failure.code }, 'could not reach the person');
    if (failure.kind === 'unreachable') await this.options.tickets.markPersonNotNotified(ticketId, unreachableReason(failure));
  }
}
