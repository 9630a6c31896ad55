import { createHash } from 'node:crypto';
import type { AuditLog } from '../audit/auditLog';
import type { Logger } from '../logger';
import type { BudgetClaim, BudgetSpec, BudgetTake, WindowBudgets } from '../limits/windowBudgets';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How many unverified tickets may be opened, per key and window. */
export interface UnverifiedTicketLimits {
  /** Per conversation, per 24 hours. */
  readonly perConversation: number;
  /** Per claimed requester (the email, staff id or person typed), per 24 hours. */
  readonly perRequester: number;
  /** Per source (a web chat user's Direct Line token, a Teams user, a caller), per hour. */
  readonly perSource: number;
  /** Per client address (the web chat page's IP address as the server sees it), per hour. */
  readonly perAddress: number;
  /** For the whole service, per hour. */
  readonly overall: number;
}

/** Defaults: 30 people behind one office address can all open a ticket within the same minute. */
export const DEFAULT_UNVERIFIED_TICKET_LIMITS: UnverifiedTicketLimits = { perConversation: 3, perRequester: 3, perSource: 5, perAddress: 60, overall: 300 };

/** Where an unverified ticket comes from, as far as the server can tell. */
export interface TicketOrigin {
  readonly conversationId: string;
  /** The claimed requester: the person found from what was typed (id), or what was typed. */
  readonly requester?: string;
  /** Channel and sender: `entra:<object id>`, `caller:<number>`, `webchat:<token user id>`. */
  readonly source?: string;
  /** The client's network address, when the channel reports one the client cannot forge. */
  readonly address?: string;
}

/** Options of {@link TicketFloodGuard}. */
export interface TicketFloodGuardOptions {
  readonly budgets: WindowBudgets;
  readonly limits?: Partial<UnverifiedTicketLimits>;
  readonly audit?: AuditLog;
  readonly logger: Logger;
}

/**
 * The budgets of tickets opened by people whose identity was not proven: per conversation, per
 * claimed requester, per source, per client address and overall, all kept in the store. A
 * verified person's ticket is never counted here.
 */
export class TicketFloodGuard {
  private readonly specs: Record<keyof UnverifiedTicketLimits, BudgetSpec>;

  constructor(private readonly options: TicketFloodGuardOptions) {
    const limits = { ...DEFAULT_UNVERIFIED_TICKET_LIMITS, ...options.limits };
    this.specs = {
      perConversation: { name: 'ticket_conversation', limit: limits.perConversation, windowMs: DAY },
      perRequester: { name: 'ticket_requester', limit: limits.perRequester, windowMs: DAY },
      perSource: { name: 'ticket_source', limit: limits.perSource, windowMs: HOUR },
      perAddress: { name: 'ticket_address', limit: limits.perAddress, windowMs: HOUR },
      overall: { name: 'ticket_overall', limit: limits.overall, windowMs: HOUR },
    };
  }

  /** Takes one unverified ticket from every budget the origin falls under, or refuses. */
  async admit(origin: TicketOrigin): Promise<BudgetTake> {
    const claims: BudgetClaim[] = [{ spec: this.specs.perConversation, key: origin.conversationId }];
    if (origin.requester) claims.push({ spec: this.specs.perRequester, key: origin.requester });
    if (origin.source) claims.push({ spec: this.specs.perSource, key: origin.source });
    if (origin.address) claims.push({ spec: this.specs.perAddress, key: origin.address });
    claims.push({ spec: this.specs.overall, key: 'all' });
    const result = await this.options.budgets.take(claims);
    if (!result.ok) {
      this.options.logger.warn({ conversationId: origin.conversationId, budget: result.budget }, 'Tickets: unverified ticket refused, a budget is spent');
      await this.options.audit?.record({ type: 'ticket_refused', conversationId: origin.conversationId, reason: result.budget });
    }
    return result;
  }
}

/**
 * Turn-state key under which a channel that knows the client's network address (the bot's own
 * Direct Line) leaves {@link clientAddressKey} of it for the turn. Clients cannot set turn state.
 */
export const CLIENT_ADDRESS_TURN_KEY = 'helpdesk.clientAddressKey';

/** A stable, non-reversible key for a client address (the address itself is never kept). */
export function clientAddressKey(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return createHash('sha256').update(plain).digest('hex').slice(0, 32);
}

/** The parts of an activity {@link ticketOriginOf} reads. */
export interface OriginActivity {
  readonly channelId?: string;
  readonly conversation?: { readonly id?: string };
  readonly from?: { readonly id?: string; readonly aadObjectId?: string };
  readonly channelData?: unknown;
}

/**
 * The origin of a ticket from the activity that asks for it: its conversation, the claimed
 * requester, the sender as the channel knows them (`entra:` a Teams user's object id, `caller:`
 * the number a call comes from, otherwise the channel and the sender's id, e.g. a Direct Line
 * token's user) and the client address key the channel left in turn state, if any.
 */
export function ticketOriginOf(activity: OriginActivity, requester: string | undefined, address: unknown): TicketOrigin {
  const fromId = activity.from?.id;
  const caller = activity.channelId === 'voice' ? callerNumberOf(activity.channelData) : undefined;
  let source: string | undefined;
  if (activity.channelId === 'msteams') source = `entra:${activity.from?.aadObjectId ?? fromId ?? ''}`;
  else if (caller) source = `caller:${caller}`;
  else if (fromId) source = `${activity.channelId ?? 'unknown'}:${fromId}`;
  return {
    conversationId: activity.conversation?.id ?? 'unknown',
    ...(requester ? { requester } : {}),
    ...(source ? { source } : {}),
    ...(typeof address === 'string' && address ? { address } : {}),
  };
}

/** The calling number the phone line puts in `channelData.caller.number` (from Twilio's signed `From`). */
function callerNumberOf(channelData: unknown): string | undefined {
  if (!channelData || typeof channelData !== 'object' || !('caller' in channelData)) return undefined;
  const caller: unknown = channelData.caller;
  const number = caller && typeof caller === 'object' && 'number' in caller ? caller.number : undefined;
  return typeof number === 'string' && number !== 'unknown' ? number : undefined;
}
