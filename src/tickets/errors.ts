import type { TicketStatus } from './model';

/** Base of every error the ticket service throws on purpose. */
export abstract class TicketError extends Error {
  /** Stable machine-readable code, also used in API error bodies. */
  abstract readonly code: string;
}

/** No ticket has this id (or, for requester-facing calls, none that belongs to the requester). */
export class TicketNotFoundError extends TicketError {
  readonly code = 'not_found';
  constructor(public readonly ticketId: string) {
    super(`Ticket ${ticketId} was not found`);
    this.name = 'TicketNotFoundError';
  }
}

/** The ticket is held by another agent. */
export class TicketAlreadyClaimedError extends TicketError {
  readonly code = 'already_claimed';
  constructor(
    public readonly ticketId: string,
    /** The agent holding the ticket. */
    public readonly holder: string,
  ) {
    super(`Ticket ${ticketId} is already claimed by ${holder}`);
    this.name = 'TicketAlreadyClaimedError';
  }
}

/** The action is not allowed in the ticket's current status (e.g. resolving a cancelled ticket). */
export class InvalidTicketTransitionError extends TicketError {
  readonly code = 'invalid_transition';
  constructor(
    public readonly ticketId: string,
    public readonly status: TicketStatus,
    public readonly action: string,
  ) {
    super(`Ticket ${ticketId} is ${status}: cannot ${action} it`);
    this.name = 'InvalidTicketTransitionError';
  }
}

/** Input to the ticket service failed validation. */
export class TicketValidationError extends TicketError {
  readonly code = 'invalid_request';
  constructor(public readonly fields: readonly { readonly field: string; readonly message: string }[]) {
    super(`Invalid ticket input: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`);
    this.name = 'TicketValidationError';
  }
}

/** Why a second check cannot be recorded, or why a ticket waits for one. */
export type SecondCheckProblem = 'second_check_not_requested' | 'second_check_already_recorded' | 'second_check_pending';

/**
 * A lost-device ticket's Temporary Access Pass and its second check: none was requested, it is
 * already recorded, or (when resolving) it is still pending, so the pass may not be issued yet.
 */
export class SecondCheckError extends TicketError {
  constructor(
    public readonly ticketId: string,
    public readonly code: SecondCheckProblem,
  ) {
    super(
      code === 'second_check_pending'
        ? `Ticket ${ticketId} asks for a Temporary Access Pass: record its second check (a call-back or the line manager's confirmation) before resolving it, or cancel it if no pass is issued`
        : code === 'second_check_already_recorded'
          ? `Ticket ${ticketId}: the second check is already recorded`
          : `Ticket ${ticketId} asks for no Temporary Access Pass, so it needs no second check`,
    );
    this.name = 'SecondCheckError';
  }
}
