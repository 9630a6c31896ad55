import type { Application, AdaptiveCard, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, TeamsInfo, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { createNoticeCard, TICKET_CARD_VERBS } from '../../cards';
import type { Logger } from '../logger';
import { redact } from '../logger';
import { InvalidTicketTransitionError, SecondCheckError, TicketAlreadyClaimedError, TicketNotFoundError, TicketValidationError } from '../tickets/errors';
import { cleanDisplayName, MAX_TEXT_LENGTH, SECOND_CHECK_METHODS, TICKET_ID_PATTERN, type Ticket } from '../tickets/model';
import type { TicketService } from '../tickets/ticketService';
import type { CallbackVerification } from '../tickets/callbackVerification';
import type { HelpdeskQueues } from './helpdeskQueue';
import type { LiveRelay } from './relay';
import type { QueueRole, RelayAgent, TeamsAgentStore, TicketPostRecord } from './teamsStore';
import { cardContent, ticketCardAttachment } from './ticketCard';

/** Dependencies of {@link registerTicketCardActions}. */
export interface TicketCardActionsDeps {
  readonly tickets: TicketService;
  readonly queues: HelpdeskQueues;
  readonly store: TeamsAgentStore;
  readonly relay: LiveRelay;
  readonly logger: Logger;
  /** Places call-back verifications; without it the button explains that call-backs are off. */
  readonly callbacks?: CallbackVerification;
}

/** `data` of an `Action.Execute` from the ticket card, with the inputs Teams merges into it. */
const actionDataSchema = z
  .object({
    ticketId: z.string().regex(TICKET_ID_PATTERN),
    noteText: z.string().max(MAX_TEXT_LENGTH * 2).optional(),
    visibleToUser: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
    resolution: z.string().max(MAX_TEXT_LENGTH * 2).optional(),
    secondCheckMethod: z.string().max(100).optional(),
    secondCheckNote: z.string().max(MAX_TEXT_LENGTH).optional(),
  })
  .passthrough();

type ActionData = z.infer<typeof actionDataSchema>;
type Verb = (typeof TICKET_CARD_VERBS)[keyof typeof TICKET_CARD_VERBS];

/** Content type of an Adaptive Card in an invoke response. */
const ADAPTIVE_CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';

/** Outcome of checking who pressed a button. */
type Membership = { readonly member: true; readonly agent: RelayAgent } | { readonly member: false; readonly why: string };

/**
 * Answers the invoke with a card for the person who pressed the button only (the message is not
 * changed for anyone else). The teams-ai handler then sends nothing more.
 */
async function answerInteractorOnly(context: TurnContext, card: AdaptiveCard): Promise<AdaptiveCard> {
  await context.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: ADAPTIVE_CARD_RESPONSE, value: card } },
  });
  return card;
}

function refusalCard(why: string): AdaptiveCard {
  return cardContent(
    createNoticeCard({
      title: 'Only the helpdesk team can work on tickets',
      text: `${why} Ask a member of the helpdesk team if this ticket needs attention.`,
    }),
  );
}

/**
 * Checks that the person who pressed a button is a member of the team whose channel holds the
 * card (the helpdesk team, or the security team for its read-only copies), with the Bot
 * Connector API (`GET /v3/conversations/{teamId}/members/{userId}`). Fails closed.
 */
async function checkMembership(context: TurnContext, deps: TicketCardActionsDeps, role: QueueRole): Promise<Membership> {
  const queue = role === 'security' ? await deps.queues.security() : await deps.queues.helpdesk();
  if (!queue) return { member: false, why: 'The helpdesk queue is not set up: install the app in the helpdesk team first.' };
  const from = context.activity.from;
  const userId = from?.aadObjectId ?? from?.id;
  if (!userId) return { member: false, why: 'I could not tell who you are.' };
  try {
    const member = await TeamsInfo.getTeamMember(context, queue.teamId, userId);
    const name = cleanDisplayName(member.name) ?? cleanDisplayName(from.name) ?? userId.slice(0, 200);
    return {
      member: true,
      agent: { id: from.id, ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : member.aadObjectId ? { aadObjectId: member.aadObjectId } : {}), name },
    };
  } catch (err) {
    const status = (err as { statusCode?: unknown } | null)?.statusCode;
    if (status === 404) return { member: false, why: `You are not a member of the ${role === 'security' ? 'security' : 'helpdesk'} team.` };
    deps.logger.warn({ err: redact(err), teamId: queue.teamId }, 'could not check team membership');
    return { member: false, why: 'I could not check that you are in the helpdesk team just now. Please try again.' };
  }
}

/** The ticket card a button was pressed on: the post whose thread the invoke came from. */
async function postOfCard(context: TurnContext, deps: TicketCardActionsDeps): Promise<TicketPostRecord | undefined> {
  const id = context.activity.conversation?.id;
  return id ? deps.store.postByThread(id) : undefined;
}

/** The words for an action refused by the ticket's state. */
function refusalMessage(verb: Verb, err: unknown): string | undefined {
  if (err instanceof TicketAlreadyClaimedError) {
    return verb === TICKET_CARD_VERBS.claim
      ? `${err.ticketId} is already claimed by ${err.holder}.`
      : `${err.ticketId} is claimed by ${err.holder}: only ${err.holder} can do that.`;
  }
  if (err instanceof InvalidTicketTransitionError) return `${err.ticketId} is ${err.status}: it can no longer be ${pastTense(verb)}.`;
  if (err instanceof SecondCheckError) return `${err.message}.`;
  if (err instanceof TicketValidationError) {
    if (verb === TICKET_CARD_VERBS.recordSecondCheck) return 'Choose how it was checked and say what was checked (at most 500 characters).';
    return verb === TICKET_CARD_VERBS.addNote ? 'Write the note first (at most 4000 characters).' : 'Say how the ticket was resolved (at most 4000 characters).';
  }
  return undefined;
}

function pastTense(verb: Verb): string {
  switch (verb) {
    case TICKET_CARD_VERBS.claim:
      return 'claimed';
    case TICKET_CARD_VERBS.resolve:
      return 'resolved';
    case TICKET_CARD_VERBS.cancel:
      return 'cancelled';
    default:
      return 'changed';
  }
}

/** Runs the change a button asks for. */
async function perform(verb: Verb, ticket: Ticket, agent: RelayAgent, data: ActionData, deps: TicketCardActionsDeps): Promise<string | undefined> {
  const { tickets, relay, store } = deps;
  switch (verb) {
    case TICKET_CARD_VERBS.claim: {
      const post = await store.postsOf(ticket.id).then((posts) => posts.find((p) => p.role === 'helpdesk'));
      const chat = ticket.status === 'open' && post !== undefined && (await relay.prepare(ticket, post, agent));
      try {
        await tickets.claim(ticket.id, agent.name);
      } catch (err) {
        if (chat) await relay.cancelPending(ticket.id, agent);
        throw err;
      }
      if (chat) await relay.start(ticket.id);
      return undefined;
    }
    case TICKET_CARD_VERBS.addNote:
      await tickets.addNote(ticket.id, {
        agent: agent.name,
        text: data.noteText ?? '',
        visibleToUser: data.visibleToUser === true || data.visibleToUser === 'true',
      });
      return undefined;
    case TICKET_CARD_VERBS.resolve:
      await tickets.resolve(ticket.id, { agent: agent.name, resolution: data.resolution ?? '' });
      return undefined;
    case TICKET_CARD_VERBS.cancel:
      await tickets.cancel(ticket.id, agent.name);
      return undefined;
    case TICKET_CARD_VERBS.recordSecondCheck: {
      const method = SECOND_CHECK_METHODS.find((m) => m === data.secondCheckMethod);
      if (!method) return 'Choose how the second check was made: the line manager or a call-back.';
      await tickets.recordSecondCheck(ticket.id, { agent: agent.name, method, note: data.secondCheckNote ?? '' });
      return undefined;
    }
    case TICKET_CARD_VERBS.verifyByCallback: {
      if (!deps.callbacks) return 'Call-backs are not available on this bot.';
      const started = await deps.callbacks.start(ticket.id, agent.name);
      if (started.ok) return undefined;
      if (started.error === 'not_found') return `Ticket ${ticket.id} was not found.`;
      if (started.error === 'invalid_transition') return `${ticket.id} is ${started.status}: there is nothing left to verify.`;
      return started.message;
    }
    case TICKET_CARD_VERBS.endChat:
      return (await relay.end(ticket.id, agent.name, 'agent')) ? undefined : `There is no live chat on ${ticket.id}.`;
    default:
      return undefined;
  }
}

/** Handles one `Action.Execute` from a ticket card and returns the card to show. */
async function handleAction(verb: Verb, context: TurnContext, rawData: unknown, deps: TicketCardActionsDeps): Promise<AdaptiveCard | string> {
  const parsed = actionDataSchema.safeParse(rawData);
  if (!parsed.success) return 'That button did not name a ticket.';
  const data = parsed.data;
  const post = await postOfCard(context, deps);
  const role: QueueRole = post?.role ?? 'helpdesk';
  // Membership first, for every verb: outsiders learn nothing about any ticket, not even on refresh.
  const membership = await checkMembership(context, deps, role);
  if (!membership.member) {
    deps.logger.info({ verb }, 'ticket card action refused: not a member of the team holding the card');
    return answerInteractorOnly(context, refusalCard(membership.why));
  }
  // The button must come from the card of the ticket it names, so no card can act on (or show) another ticket.
  if (!post || post.ticketId !== data.ticketId) {
    deps.logger.warn({ verb, ticketId: data.ticketId, cardTicketId: post?.ticketId ?? null }, 'ticket card action refused: the ticket is not the one on this card');
    return answerInteractorOnly(context, refusalCard('That button does not belong to this ticket\'s card.'));
  }
  const ticket = await deps.tickets.get(data.ticketId);
  if (!ticket) return `Ticket ${data.ticketId} was not found.`;
  const render = async (t: Ticket, options: { message?: string } = {}): Promise<AdaptiveCard> =>
    cardContent(ticketCardAttachment(t, { relay: await deps.store.relayOf(t.id), readOnly: role === 'security', message: options.message }));

  if (verb === TICKET_CARD_VERBS.refresh) return answerInteractorOnly(context, await render(ticket));
  if (role === 'security') {
    deps.logger.warn({ verb, ticketId: ticket.id }, 'ticket card action refused: the security team\'s copy is read-only');
    return answerInteractorOnly(context, await render(ticket, { message: 'This copy of the ticket is read-only: work on it from the helpdesk queue.' }));
  }
  let message: string | undefined;
  try {
    message = await perform(verb, ticket, membership.agent, data, deps);
  } catch (err) {
    if (err instanceof TicketNotFoundError) return `Ticket ${ticket.id} was not found.`;
    message = refusalMessage(verb, err);
    if (message === undefined) throw err;
  }
  const current = (await deps.tickets.get(ticket.id)) ?? ticket;
  deps.logger.info({ ticketId: ticket.id, verb, status: current.status, refused: message !== undefined }, 'ticket card action');
  if (message !== undefined || !context.activity.replyToId) return answerInteractorOnly(context, await render(current, { message }));
  // A card with `refresh` makes teams-ai replace the message for everyone, then answer the invoke.
  return render(current);
}

/**
 * Registers the ticket card's `Action.Execute` verbs on the application: claim, add note,
 * resolve, cancel, end chat, verify by call-back, record a second check and refresh. Only members of the team whose channel holds the card
 * may press any of them (refresh included), and only on the card of the ticket the button names;
 * anyone else gets a refusal card that shows no ticket. The security team's copies are read-only. A successful action returns the
 * updated card for everyone; an action the ticket's state refuses returns the card with a
 * message naming the reason (e.g. who holds the ticket) to the one who pressed the button.
 */
export function registerTicketCardActions<TState extends TurnState>(app: Application<TState>, deps: TicketCardActionsDeps): void {
  for (const verb of Object.values(TICKET_CARD_VERBS)) {
    app.adaptiveCards.actionExecute(verb, (context: TurnContext, _state: TState, data: unknown) => handleAction(verb, context, data, deps));
  }
}
