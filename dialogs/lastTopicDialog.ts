import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { NewRequest } from './answerDialog';

/**
 * Id of the dialog that keeps the topic just finished. It starts with the main dialog's id, so
 * the flow guard does not take it for a guided flow waiting for one person's answer.
 */
export const LAST_TOPIC_DIALOG = 'mainDialog.lastTopic';

/** Begin options of {@link LastTopicDialog}. */
export interface LastTopicOptions {
  /** The entry just answered, or the entry of the guided flow just finished. */
  readonly entryId: string;
  /** Whether that entry's guided flow has just finished (rather than its answer being given). */
  readonly finishedFlow?: boolean;
}

/** A {@link NewRequest} from {@link LastTopicDialog}, saying whether its entry's flow had just finished. */
export interface LastTopicRequest extends NewRequest {
  readonly finishedFlow?: boolean;
}

/**
 * Says nothing and waits for the next message, keeping in conversation state what the
 * conversation has just been about; that message then ends it with a {@link NewRequest}, so the
 * main dialog reads it against the topic ("and if I used the app instead?" after the new-phone flow).
 */
export class LastTopicDialog extends Dialog<LastTopicOptions> {
  constructor() {
    super(LAST_TOPIC_DIALOG);
  }

  /** Keeps the topic and ends the turn. */
  async beginDialog(dc: DialogContext, options?: LastTopicOptions): Promise<DialogTurnResult> {
    const active = dc.activeDialog;
    if (!options?.entryId || !active) return dc.endDialog();
    active.state.topic = { entryId: options.entryId, finishedFlow: options.finishedFlow === true } satisfies LastTopicOptions;
    return Dialog.EndOfTurn;
  }

  /** The next message: handed back to the main dialog with the topic. */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const topic = (dc.activeDialog?.state as { topic?: LastTopicOptions } | undefined)?.topic;
    return dc.endDialog({ kind: 'newRequest', entryId: topic?.entryId, finishedFlow: topic?.finishedFlow } satisfies LastTopicRequest);
  }
}
