import { Application } from '@microsoft/teams-ai';
import { ActivityTypes, type Storage, type TurnContext } from 'botbuilder';
import { runDialog, type Dialog } from 'botbuilder-dialogs';
import { menuMessage } from '../../dialogs/menu';
import { DialogStateProperty, HelpdeskTurnState } from './helpdeskTurnState';

/** Text of the welcome sent when someone joins the conversation. */
export const WELCOME_TEXT =
  "Hello, I'm the MFA helpdesk assistant. I answer questions about multi-factor authentication and can sort out the common problems with you, checking it's really you before I change anything.";

/** Dependencies of {@link createHelpdeskApplication}. */
export interface HelpdeskBotDeps {
  /** Where conversation and user state live: the product's store. */
  readonly storage: Storage;
  /** The root dialog that message turns are routed into. */
  readonly mainDialog: Dialog;
  /** The bot's Microsoft App ID, when set. */
  readonly botAppId?: string;
  /** Helpdesk agents in Teams: its routes go first, and a live chat with an agent takes the person's messages. */
  readonly teamsAgents?: {
    register(app: Application<HelpdeskTurnState>): void;
    readonly relay: { forwardFromPerson(context: TurnContext): Promise<boolean> };
  };
}

/**
 * Builds the Teams AI `Application` that handles every activity: members joining get the
 * welcome and the menu, and messages (typed or card submissions) run the main dialog, whose
 * stack is kept in conversation state.
 */
export function createHelpdeskApplication(deps: HelpdeskBotDeps): Application<HelpdeskTurnState> {
  const app = new Application<HelpdeskTurnState>({
    storage: deps.storage,
    botAppId: deps.botAppId,
    turnStateFactory: () => new HelpdeskTurnState(),
    startTypingTimer: false,
    longRunningMessages: false,
    removeRecipientMention: true,
  });

  deps.teamsAgents?.register(app);

  app.conversationUpdate('membersAdded', async (context: TurnContext) => {
    const botId = context.activity.recipient?.id;
    const joined = (context.activity.membersAdded ?? []).filter((m) => m.id !== botId);
    if (joined.length > 0) {
      await context.sendActivity(menuMessage(WELCOME_TEXT));
    }
  });

  app.activity(ActivityTypes.Message, async (context: TurnContext, state: HelpdeskTurnState) => {
    if (await deps.teamsAgents?.relay.forwardFromPerson(context)) return;
    await runDialog(deps.mainDialog, context, new DialogStateProperty(state));
  });

  return app;
}
