import type { Ticket, TicketAction, TicketNote } from './model';

/** Something that happened to a ticket, after it was committed to the store. */
export type TicketEvent = {
  readonly action: TicketAction;
  /** The ticket as stored after the change. */
  readonly ticket: Ticket;
  /** `bot`, `requester` or an agent name. */
  readonly by: string;
  readonly at: string;
  /** The note added, for `note_added`. */
  readonly note?: TicketNote;
  /** The agent confirmed that the note or resolution may go to a requester whose identity was not proven. */
  readonly sendToUnverifiedRequester?: boolean;
};

/**
 * Port for whoever wants to hear about tickets: the security webhook, the Teams agent channel,
 * the message back to the requester. Called in the background after the change is stored;
 * a notifier that throws or rejects is logged and never undoes or delays the change.
 */
export interface TicketNotifier {
  /** A short name used in logs, e.g. `security-webhook`. */
  readonly name: string;
  notify(event: TicketEvent): Promise<void>;
}

/** A notifier that does nothing: the default when no channel is configured. */
export const noopTicketNotifier: TicketNotifier = {
  name: 'noop',
  notify: () => Promise.resolve(),
};
