// From its module, not the package index: the index also loads the AI planners and their tokenizer (about 20 MB) the bot never uses.
import { TurnState, type DefaultConversationState, type DefaultUserState, type DefaultTempState } from '@microsoft/teams-ai/lib/TurnState';
import type { DialogState } from 'botbuilder-dialogs';
import type { StatePropertyAccessor, Storage, TurnContext } from 'botbuilder';
import { turnWritesOf } from './turnWritesMiddleware';

/** Conversation-scoped state of the bot. */
export interface HelpdeskConversationState extends DefaultConversationState {
  /** The dialog stack of the current conversation. */
  dialogState?: DialogState;
  /** Who started the guided flow that is waiting for an answer; only they may answer it. */
  flowUserId?: string;
}

/** Turn state of the application: conversation and user state are kept in the product's store. */
export class HelpdeskTurnState extends TurnState<HelpdeskConversationState, DefaultUserState, DefaultTempState> {
  /** Storage keys of every scope this turn state persists, without loading anything. */
  storageKeys(context: TurnContext): Promise<Record<string, string>> {
    return this.onComputeStorageKeys(context);
  }

  /**
   * Saves the state, and issues the turn's held writes (see {@link turnWritesOf}) in the same
   * synchronous run as the state write, so they share its commit; resolves once all are durable.
   */
  override async save(context: TurnContext, storage?: Storage): Promise<void> {
    const writes = turnWritesOf(context);
    if (!writes) return super.save(context, storage);
    // A loaded state issues its storage write before its first await, so the writes issued next join it.
    const saved = super.save(context, storage);
    await Promise.all([saved, writes.issue()]);
  }
}

/**
 * Exposes the dialog stack kept in conversation state as a botbuilder property accessor, for a
 * `DialogSet` made once and used by every turn: {@link TurnDialogState.bind} tells it the state
 * of a turn, which it keeps in that turn's context.
 */
export class TurnDialogState implements StatePropertyAccessor<DialogState> {
  private readonly key = Symbol('helpdeskTurnState');

  /** Makes `state` the one this accessor reads and writes for the turn of `context`. */
  bind(context: TurnContext, state: HelpdeskTurnState): void {
    context.turnState.set(this.key, state);
  }

  private conversation(context: TurnContext): HelpdeskConversationState {
    const state: unknown = context.turnState.get(this.key);
    if (!(state instanceof HelpdeskTurnState)) throw new Error('TurnDialogState: no turn state bound to this turn');
    return state.conversation;
  }

  get(context: TurnContext): Promise<DialogState | undefined>;
  get(context: TurnContext, defaultValue: DialogState): Promise<DialogState>;
  async get(context: TurnContext, defaultValue?: DialogState): Promise<DialogState | undefined> {
    const conversation = this.conversation(context);
    if (conversation.dialogState === undefined && defaultValue !== undefined) {
      conversation.dialogState = defaultValue;
    }
    return conversation.dialogState;
  }

  async set(context: TurnContext, value: DialogState): Promise<void> {
    this.conversation(context).dialogState = value;
  }

  async delete(context: TurnContext): Promise<void> {
    delete this.conversation(context).dialogState;
  }
}
