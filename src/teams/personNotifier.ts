import { MessageFactory, TextFormatTypes } from 'botbuilder';
import type { Logger } from '../logger';
import type { Ticket } from '../tickets/model';
import type { TicketEvent, TicketNotifier } from '../tickets/notifier';
import { redactTranscriptText } from '../tickets/redaction';
import type { TicketService } from '../tickets/ticketService';
import { toStoredReference } from './conversationRefs';
import { classifyDeliveryError, unreachableReason, type ProactiveMessenger } from './proactive';
import type { LiveRelay } from './relay';

/** Settings of {@link PersonNotifier}. */
export interface PersonNotifierOptions {
  readonly tickets: TicketService;
  readonly messenger: ProactiveMessenger;
  readonly relay: LiveRelay;
  readonly logger: Logger;
}

/** Ticket channels whose conversations can receive messages later (not the phone line). */
const NOTIFIABLE_CHANNELS: ReadonlySet<string> = new Set(['msteams', 'webchat', 'emulator']);

/**
 * Tells the person about their ticket in the conversation they opened it from: when an agent
 * picks it up, adds a note marked visible to them, or resolves it. Messages are plain text, and
 * an agent's note or resolution text goes to a requester whose identity was not proven only when
 * the agent confirmed it. When the conversation cannot
 * be reached (the bot was removed: 403 `BotNotInConversationRoster`; or it is gone: 404
 * `ConversationNotFound`) the ticket is marked "person could not be notified", once, and
 * nothing is retried. A live chat is ended when the ticket is resolved or cancelled.
 */
export class PersonNotifier implements TicketNotifier {
  /** Name in logs. */
  readonly name = 'teams-person-updates';

  constructor(private readonly options: PersonNotifierOptions) {}

  /** Sends the person the update this event calls for, if any. */
  async notify(event: TicketEvent): Promise<void> {
    const { ticket } = event;
    switch (event.action) {
      case 'claimed':
        // A chat opened from the card introduces the agent itself.
        if (await this.options.relay.announcesClaim(ticket.id)) return;
        await this.tell(ticket, `Good news: ${ticket.assignee ?? 'an agent'} from the helpdesk has picked up your ticket ${ticket.id}.`);
        return;
      case 'note_added':
        if (!event.note?.visibleToUser) return;
        if (!this.mayCarryAgentText(event)) return;
        await this.tell(ticket, `The helpdesk added a note to your ticket ${ticket.id}: ${redactTranscriptText(event.note.text)}`);
        return;
      case 'resolved':
        await this.tell(
          ticket,
          `Your ticket ${ticket.id} has been resolved${ticket.resolution && this.mayCarryAgentText(event) ? `: ${redactTranscriptText(ticket.resolution)}` : '.'}`,
        );
        await this.options.relay.end(ticket.id, event.by, 'resolved');
        return;
      case 'cancelled':
        await this.options.relay.end(ticket.id, event.by, 'cancelled');
        return;
      default:
        return;
    }
  }

  /**
   * Whether an agent's words (a note, a resolution) may go to the ticket's conversation: only when
   * the requester proved who they are, or the agent confirmed sending them anyway.
   */
  private mayCarryAgentText(event: TicketEvent): boolean {
    if (event.ticket.verification.verified || event.sendToUnverifiedRequester === true) return true;
    this.options.logger.info({ ticketId: event.ticket.id, action: event.action }, 'agent text not sent: the requester was not verified and the agent did not confirm');
    return false;
  }

  private async tell(ticket: Ticket, text: string): Promise<void> {
    const reference = toStoredReference(ticket.conversationRef);
    if (!reference || !NOTIFIABLE_CHANNELS.has(ticket.channel)) return;
    try {
      // Plain text: an agent's note can never become a link or other formatting for the person.
      await this.options.messenger.send(reference, { ...MessageFactory.text(text, text), textFormat: TextFormatTypes.Plain });
    } catch (err) {
      const failure = classifyDeliveryError(err);
      this.options.logger.warn(
        { ticketId: ticket.id, kind: failure.kind, statusCode: failure.statusCode, code: failure.code },
        'could not tell the person about their ticket',
      );
      if (failure.kind === 'unreachable') await this.options.tickets.markPersonNotNotified(ticket.id, unreachableReason(failure));
    }
  }
}
