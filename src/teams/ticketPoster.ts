import { MessageFactory } from 'botbuilder';
import type { Logger } from '../logger';
import type { Ticket } from '../tickets/model';
import type { TicketEvent, TicketNotifier } from '../tickets/notifier';
import type { TicketService } from '../tickets/ticketService';
import { DuplicateKeyError } from '../store/documentStore';
import { threadConversationId } from './conversationRefs';
import type { HelpdeskQueues } from './helpdeskQueue';
import { classifyDeliveryError, type ProactiveMessenger } from './proactive';
import { TeamsAgentStore, type QueueRecord, type QueueRole, type TicketPostRecord } from './teamsStore';
import { ticketCardAttachment } from './ticketCard';

/** Settings of {@link TeamsTicketPoster}. */
export interface TeamsTicketPosterOptions {
  readonly store: TeamsAgentStore;
  readonly queues: HelpdeskQueues;
  readonly tickets: TicketService;
  readonly messenger: ProactiveMessenger;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Posts every new ticket as a card to the helpdesk queue in Teams (and P1 tickets to the
 * security team's channel too, as is a ticket denied on a call-back), remembers the posted
 * message, and after every later change updates that same message in place.
 */
export class TeamsTicketPoster implements TicketNotifier {
  /** Name in logs. */
  readonly name = 'teams-ticket-cards';
  private readonly now: () => Date;

  constructor(private readonly options: TeamsTicketPosterOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Posts or updates the ticket's cards after a change. */
  async notify(event: TicketEvent): Promise<void> {
    if (event.action === 'created') {
      await this.postNew(event.ticket);
      return;
    }
    if (event.action === 'callback_denied') {
      // The person on the number on record did not ask for help: the ticket is now a P1 for the security team.
      const security = await this.options.queues.security();
      if (security) await this.postTo(security, event.ticket);
    }
    await this.refreshPosts(event.ticket.id);
  }

  /** The message showing the ticket's card, as it should look now, for the given queue. */
  async cardMessage(ticket: Ticket, role: QueueRole): Promise<ReturnType<typeof MessageFactory.attachment>> {
    const relay = await this.options.store.relayOf(ticket.id);
    const card = ticketCardAttachment(ticket, { relay, readOnly: role === 'security' });
    return MessageFactory.attachment(card, undefined, String((card.content as { speak?: unknown }).speak ?? ''));
  }

  /** Updates every posted card of a ticket to its current state. */
  async refreshPosts(ticketId: string): Promise<void> {
    const ticket = await this.options.tickets.get(ticketId);
    if (!ticket) return;
    for (const post of await this.options.store.postsOf(ticketId)) {
      try {
        await this.options.messenger.update(post.reference, post.activityId, await this.cardMessage(ticket, post.role));
      } catch (err) {
        const failure = classifyDeliveryError(err);
        this.options.logger.warn(
          { ticketId, role: post.role, kind: failure.kind, statusCode: failure.statusCode, code: failure.code },
          'could not update the ticket card in Teams',
        );
      }
    }
  }

  private async postNew(ticket: Ticket): Promise<void> {
    const { queues, logger } = this.options;
    const helpdesk = await queues.helpdesk();
    if (!helpdesk) logger.info({ ticketId: ticket.id }, 'no helpdesk queue in Teams yet: ticket not posted there');
    else await this.postTo(helpdesk, ticket);
    if (ticket.priority === 'P1') {
      const security = await queues.security();
      if (security) await this.postTo(security, ticket);
    }
    // A change made while the card was being posted is shown too.
    const latest = await this.options.tickets.get(ticket.id);
    if (latest && latest.updatedAt !== ticket.updatedAt) await this.refreshPosts(ticket.id);
  }

  private async postTo(queue: QueueRecord, ticket: Ticket): Promise<void> {
    const { store, messenger, logger } = this.options;
    const id = TeamsAgentStore.postId(ticket.id, queue.role);
    if (await store.posts.get(id)) return;
    let activityId: string | undefined;
    try {
      activityId = await messenger.send(queue.reference, await this.cardMessage(ticket, queue.role));
    } catch (err) {
      const failure = classifyDeliveryError(err);
      logger.warn(
        { ticketId: ticket.id, role: queue.role, teamId: queue.teamId, kind: failure.kind, statusCode: failure.statusCode, code: failure.code },
        'could not post the ticket card in Teams',
      );
      return;
    }
    if (!activityId) {
      logger.warn({ ticketId: ticket.id, role: queue.role }, 'Teams gave no id for the posted ticket card: it cannot be updated later');
      return;
    }
    const record: TicketPostRecord = {
      ticketId: ticket.id,
      role: queue.role,
      teamId: queue.teamId,
      reference: queue.reference,
      activityId,
      threadConversationId: threadConversationId(queue.reference.conversation.id, activityId),
      postedAt: this.now().toISOString(),
    };
    try {
      await store.posts.insert(id, record);
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    logger.info({ ticketId: ticket.id, role: queue.role, teamId: queue.teamId }, 'ticket card posted in Teams');
  }
}
