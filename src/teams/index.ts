/**
 * Helpdesk agents in Teams: the helpdesk queue (learnt when the app is installed in a team),
 * ticket cards posted there and updated in place, card actions (claim, note, resolve, cancel,
 * end chat), a live chat relayed between the agent and the person, optional handoff to an agent
 * hub, and proactive updates to the person.
 */
import type { Application, TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import type { DocumentStore } from '../store/documentStore';
import type { TicketService } from '../tickets/ticketService';
import { registerTicketCardActions } from './cardActions';
import type { CallbackVerification } from '../tickets/callbackVerification';
import { HelpdeskQueues, isBotAddedToTeam, isBotRemovedFromTeam } from './helpdeskQueue';
import { PersonNotifier } from './personNotifier';
import { ProactiveMessenger, type ProactiveAdapter } from './proactive';
import { LiveRelay, mentionsBot } from './relay';
import { TeamsAgentStore, type TicketPostRecord } from './teamsStore';
import { TeamsTicketPoster } from './ticketPoster';

export { TICKET_CARD_VERBS } from '../../cards';
export * from './conversationRefs';
export * from './helpdeskQueue';
export * from './personNotifier';
export * from './proactive';
export * from './relay';
export * from './teamsStore';
export * from './ticketCard';
export * from './ticketPoster';
export { registerTicketCardActions, type TicketCardActionsDeps } from './cardActions';

/** Name of the event an agent hub sends about a handoff. */
export const HANDOFF_STATUS_EVENT = 'handoff.status';

/** Dependencies of {@link TeamsAgents}. */
export interface TeamsAgentsDeps {
  readonly store: DocumentStore;
  readonly tickets: TicketService;
  /** The adapter that reaches conversations outside a turn (the product's `CloudAdapter`). */
  readonly adapter: ProactiveAdapter;
  /** The bot's Microsoft App ID; empty when running without authentication. */
  readonly botAppId: string;
  readonly logger: Logger;
  /** `HELPDESK_TEAM_ID`, `SECURITY_TEAM_ID` and `HANDOFF_TO_HUB`. */
  readonly config: { readonly helpdeskTeamId?: string; readonly securityTeamId?: string; readonly handoffToHub: boolean };
  readonly now?: () => Date;
  /** Places call-back verifications for the card's "Verify by call-back" button. */
  readonly callbacks?: CallbackVerification;
}

const THREAD_POST = Symbol('ticketThreadPost');

/**
 * The Teams agent channel, assembled. {@link attach} adds its ticket notifiers to the ticket
 * service; {@link register} adds its routes to the application (call it before the
 * application's own routes); {@link relay}'s `forwardFromPerson(context)` is the hook the
 * person's message turns call first.
 */
export class TeamsAgents {
  readonly store: TeamsAgentStore;
  readonly queues: HelpdeskQueues;
  readonly messenger: ProactiveMessenger;
  readonly relay: LiveRelay;
  /** Posts and updates ticket cards in the Teams queues. */
  readonly poster: TeamsTicketPoster;
  /** Tells the person about their ticket. */
  readonly personNotifier: PersonNotifier;

  constructor(private readonly deps: TeamsAgentsDeps) {
    const { tickets, logger, now } = deps;
    this.store = new TeamsAgentStore(deps.store);
    this.queues = new HelpdeskQueues({
      store: this.store,
      logger,
      helpdeskTeamId: deps.config.helpdeskTeamId,
      securityTeamId: deps.config.securityTeamId,
      now,
    });
    this.messenger = new ProactiveMessenger({ adapter: deps.adapter, botAppId: deps.botAppId });
    this.relay = new LiveRelay({ store: this.store, tickets, messenger: this.messenger, logger, handoffToHub: deps.config.handoffToHub, now });
    this.poster = new TeamsTicketPoster({ store: this.store, queues: this.queues, tickets, messenger: this.messenger, logger, now });
    this.personNotifier = new PersonNotifier({ tickets, messenger: this.messenger, relay: this.relay, logger });
  }

  /**
   * Subscribes the ticket card poster and the person notifier to the ticket service.
   * @returns a function that unsubscribes them.
   */
  attach(): () => void {
    const detach = [this.deps.tickets.addNotifier(this.poster), this.deps.tickets.addNotifier(this.personNotifier)];
    return () => detach.forEach((d) => d());
  }

  /**
   * Adds the routes of the agent channel to the application. Register them before the
   * application's own routes: the first matching route handles an activity.
   * - the bot installed in / removed from a team: the queue is remembered / forgotten;
   * - `handoff.status` events from an agent hub;
   * - messages in a ticket card's thread: relayed to the person when the chat is live;
   * - other channel messages that do not mention the bot: ignored (with `ChannelMessage.Read.Group`
   *   Teams delivers them all, and the bot answers only when it is addressed);
   * - the ticket card's `Action.Execute` verbs.
   */
  register<TState extends TurnState>(app: Application<TState>): void {
    app.activity(
      (context) => Promise.resolve(isBotAddedToTeam(context)),
      async (context) => {
        await this.queues.onInstalled(context);
      },
    );
    app.activity(
      (context) => Promise.resolve(isBotRemovedFromTeam(context)),
      async (context) => {
        await this.queues.onUninstalled(context);
      },
    );
    app.activity(
      (context) => Promise.resolve(context.activity.type === ActivityTypes.Event && context.activity.name === HANDOFF_STATUS_EVENT),
      async (context) => {
        await this.relay.onHandoffStatus(context);
      },
    );
    app.activity(
      async (context) => (await this.threadPost(context)) !== undefined,
      async (context) => {
        const post = await this.threadPost(context);
        if (post) await this.relay.forwardFromAgent(context, post);
      },
    );
    app.activity(
      (context) =>
        Promise.resolve(
          context.activity.type === ActivityTypes.Message && context.activity.conversation?.conversationType === 'channel' && !mentionsBot(context.activity),
        ),
      async () => undefined,
    );
    registerTicketCardActions(app, { tickets: this.deps.tickets, queues: this.queues, store: this.store, relay: this.relay, logger: this.deps.logger, callbacks: this.deps.callbacks });
  }

  /** The ticket card whose thread a message was posted in, looked up once per turn. */
  private async threadPost(context: TurnContext): Promise<TicketPostRecord | undefined> {
    const a = context.activity;
    if (a.type !== ActivityTypes.Message) return undefined;
    if (context.turnState.has(THREAD_POST)) return context.turnState.get(THREAD_POST) as TicketPostRecord | undefined;
    const post = await this.relay.ticketPostOfThread(a.conversation?.id);
    context.turnState.set(THREAD_POST, post);
    return post;
  }
}

/** Builds the Teams agent channel and subscribes it to the ticket service. */
export function createTeamsAgents(deps: TeamsAgentsDeps): TeamsAgents {
  const agents = new TeamsAgents(deps);
  agents.attach();
  return agents;
}
