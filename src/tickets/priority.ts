import type { TicketPriority, TicketSubject } from './model';

/** What the priority of a ticket depends on. */
export type PriorityInput = TicketSubject & {
  /** The directory flags the account as compromised. */
  readonly accountCompromised?: boolean;
};

/**
 * The priority rules, first match wins:
 *
 * | Rule | Priority |
 * |---|---|
 * | the account is flagged compromised (any type) | P1 |
 * | suspicious prompt, and the person approved one | P1 |
 * | suspicious prompt, none approved | P2 |
 * | lost device, no other method, and the person cannot work | P2 |
 * | `other` without an action requested (a question) | P4 |
 * | everything else | P3 |
 *
 * Pure: the same input always gives the same priority.
 */
export function ticketPriority(input: PriorityInput): TicketPriority {
  if (input.accountCompromised === true) return 'P1';
  switch (input.type) {
    case 'suspicious_prompt':
      return input.details.anyApproved ? 'P1' : 'P2';
    case 'lost_device':
      return !input.details.otherMethodAvailable && !input.details.canWork ? 'P2' : 'P3';
    case 'other':
      return input.details.actionRequested ? 'P3' : 'P4';
    default:
      return 'P3';
  }
}
