// From its module, not the package index: the index also loads the AI planners and their tokenizer (about 20 MB) the bot never uses.
import { Application } from '@microsoft/teams-ai/lib/Application';
import { ActivityTypes, Channels, MessageFactory, type Storage, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, runDialog, type Dialog, type DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { menuMessage } from '../../dialogs/menu';
import { runGuardedTurn } from './flowGuard';
import type { FeedbackLog } from '../knowledge/feedbackLog';
import type { Logger } from '../logger';
import { HelpdeskTurnState, TurnDialogState } from './helpdeskTurnState';
import { turnLogger } from './turnLogger';

/** Text of the welcome sent when someone joins the conversation. */
export const WELCOME_TEXT =
  "Hello, I'm the MFA helpdesk assistant. I answer questions about multi-factor authentication and can sort out the common problems with you, checking it's really you before I change anything.";

/** Longest message the conversations read; every prompt's input is capped at this. */
export const MAX_MESSAGE_CHARS = 2000;

/** What someone who sent a longer message is told; the conversation stays where it was. */
export const TOO_LONG_TEXT = `That message is too long for me to read (${MAX_MESSAGE_CHARS.toLocaleString('en-GB')} characters at most). Please send a shorter one; we can carry on from where we were.`;

/**
 * Turn-state key under which botbuilder-dialogs keeps the memory scopes and path resolvers that
 * every `DialogContext`'s `DialogStateManager` uses for the rest of the turn. Unless a turn
 * already has them, its first dialog context builds them afresh (a service collection resolved
 * through a dependency graph). They hold nothing of their own (each scope reads and writes the
 * turn's state), so the set built by the first turn is given to every later one, as a
 * `DialogManager` does with its `stateConfiguration`.
 */
const DIALOG_STATE_CONFIGURATION = 'DialogStateManagerConfiguration';

/**
 * Description of the turn-state key by which botbuilder-dialogs marks a turn whose
 * `activityReceived` dialog event has been emitted. Unless a turn has it, the first
 * `continueDialog` emits that event from the leaf of the stack: it builds a child dialog context
 * for each container on the way down, then offers the event to each dialog on the way back up.
 * The helpdesk's dialogs handle no dialog events (none overrides `onPreBubbleEvent`,
 * `onPostBubbleEvent` or `onDialogEvent`; a prompt reads its answer in `continueDialog` either
 * way), so the event changes nothing but costs a dialog context per container and a round of
 * event handlers a turn. The key is a symbol private to the package, so it is found in the first turn's
 * state and set up front on every later turn.
 */
const ACTIVITY_RECEIVED_EMITTED = 'ActivityReceivedEmitted';

/** The turn-state key named {@link ACTIVITY_RECEIVED_EMITTED} in this turn's state, if it is there. */
function activityReceivedKey(context: TurnContext): symbol | undefined {
  for (const key of context.turnState.keys()) {
    if (typeof key === 'symbol' && key.description === ACTIVITY_RECEIVED_EMITTED) return key;
  }
  return undefined;
}

/** Dependencies of {@link createHelpdeskApplication}. */
export interface HelpdeskBotDeps {
  /** Where conversation and user state live: the product's store. */
  readonly storage: Storage;
  /** Ratings from Teams' feedback buttons on answers are kept here. */
  readonly feedback: Pick<FeedbackLog, 'record'>;
  readonly logger: Logger;
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
 * welcome and the menu, Teams feedback invokes rate an answer, and messages (typed or card
 * submissions) continue the main dialog, or begin it when none is active; its stack is kept in
 * conversation state. A message longer than {@link MAX_MESSAGE_CHARS} is refused with a short
 * explanation before any dialog reads it.
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

  // Teams' own feedback buttons on an answer (`feedbackLoopEnabled`): one rating per answer, kept
  // with the answer's entry. What the person may type with it is not kept.
  app.feedbackLoop(async (context, _state, data) => {
    const outcome = await deps.feedback.record({ conversationId: context.activity.conversation?.id ?? '', answerId: data.replyToId ?? '' }, data.actionValue?.reaction === 'like');
    turnLogger(context, deps.logger).info({ outcome, reaction: data.actionValue?.reaction }, 'answer feedback from Teams');
  });

  // One dialog set for every turn; each turn's stack comes from that turn's conversation state.
  // This is what `runDialog` does, without what the helpdesk does not use: loading every memory
  // scope and building a `BotState` trace of the whole state after each turn. The Emulator, the
  // one client that shows that trace, still gets `runDialog` and its trace.
  const dialogState = new TurnDialogState();
  const dialogs = new DialogSet(dialogState).add(deps.mainDialog);
  let stateConfiguration: DialogStateManagerConfiguration | undefined;
  let activityReceived: symbol | undefined;
  app.activity(ActivityTypes.Message, async (context: TurnContext, state: HelpdeskTurnState) => {
    if (await deps.teamsAgents?.relay.forwardFromPerson(context)) return;
    if ((context.activity.text ?? '').length > MAX_MESSAGE_CHARS) {
      // Refused before any prompt or pattern sees it, and without touching the dialog state.
      await context.sendActivity(MessageFactory.text(TOO_LONG_TEXT, TOO_LONG_TEXT));
      return;
    }
    dialogState.bind(context, state);
    await runGuardedTurn(
      context,
      state.conversation,
      async () => {
        if (context.activity.channelId === Channels.Emulator) {
          await runDialog(deps.mainDialog, context, dialogState);
          return;
        }
        if (stateConfiguration) context.turnState.set(DIALOG_STATE_CONFIGURATION, stateConfiguration);
        if (activityReceived) context.turnState.set(activityReceived, true);
        const dc = await dialogs.createContext(context);
        stateConfiguration ??= context.turnState.get<DialogStateManagerConfiguration | undefined>(DIALOG_STATE_CONFIGURATION);
        const result = await dc.continueDialog();
        activityReceived ??= activityReceivedKey(context);
        if (result.status === DialogTurnStatus.empty) await dc.beginDialog(deps.mainDialog.id);
      },
      deps.botAppId,
    );
  });

  return app;
}
