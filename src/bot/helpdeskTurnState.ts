import { TurnState, type DefaultConversationState, type DefaultUserState, type DefaultTempState } from '@microsoft/teams-ai';
import type { DialogState } from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

/** Conversation-scoped state of the bot. */
export interface HelpdeskConversationState extends DefaultConversationState {
  /** The dialog stack of the current conversation. */
  dialogState?: DialogState;
}

/** Turn state of the application: conversation and user state are kept in the product's store. */
export class HelpdeskTurnState extends TurnState<HelpdeskConversationState, DefaultUserState, DefaultTempState> {
  /** Storage keys of every scope this turn state persists, without loading anything. */
  storageKeys(context: TurnContext): Promise<Record<string, string>> {
    return this.onComputeStorageKeys(context);
  }
}

/** Exposes the dialog stack kept in conversation state as a botbuilder property accessor. */
export class DialogStateProperty implements StatePropertyAccessor<DialogState> {
  constructor(private readonly state: HelpdeskTurnState) {}

  get(_context: TurnContext): Promise<DialogState | undefined>;
  get(_context: TurnContext, defaultValue: DialogState): Promise<DialogState>;
  async get(_context: TurnContext, defaultValue?: DialogState): Promise<DialogState | undefined> {
    const conversation = this.state.conversation;
    if (conversation.dialogState === undefined && defaultValue !== undefined) {
      conversation.dialogState = defaultValue;
    }
    return conversation.dialogState;
  }

  async set(_context: TurnContext, value: DialogState): Promise<void> {
    this.state.conversation.dialogState = value;
  }

  async delete(_context: TurnContext): Promise<void> {
    delete this.state.conversation.dialogState;
  }
}
