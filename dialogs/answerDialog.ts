import { randomUUID } from 'node:crypto';
import { ActivityTypes, InputHints } from 'botbuilder';
import { Dialog, recognizeChoices, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { recognizeCommand } from '../src/knowledge/commands';
import type { FeedbackLog } from '../src/knowledge/feedbackLog';
import { answerMessage, FEEDBACK_CHOICES, feedbackMessage, type EntryLookup } from './answerMessage';
import { replyCapabilities } from './channelCapabilities';
import { withPersonOption } from './mainRouting';
import { submissionAsText } from './prompts';
import { say } from './reply';
import { turnWritesOf } from '../src/bot/turnWritesMiddleware';

/** Id of the dialog that answers with a knowledge entry and asks once whether it helped. */
export const ANSWER_DIALOG = 'answerDialog';
/** Id of the waterfall inside earlier versions of the dialog, found in conversations that were waiting then. */
const LEGACY_WATERFALL = 'answerDialog.waterfall';

/** Begin options of {@link AnswerDialog}. */
export interface AnswerOptions {
  /** The knowledge entry to answer with. */
  readonly entryId: string;
  /** The answer as it reads for the question asked (the case asked about first); the entry's own by default. */
  readonly shaped?: { readonly text: string; readonly speech: string };
}

/** Where ratings of answers are kept. */
export type AnswerRatings = Pick<FeedbackLog, 'asked' | 'record'>;

/** Result of {@link AnswerDialog} when the person asked something new instead of rating the answer. */
export interface NewRequest {
  readonly kind: 'newRequest';
  /** The entry just answered, so that a follow-up is read against it. */
  readonly entryId?: string;
}

/** Result of {@link AnswerDialog} when the answer was given and rated (or rated by the client's own buttons). */
export interface Answered {
  readonly kind: 'answered';
  /** The entry answered, so that the next message can be read against it. */
  readonly entryId: string;
}

/** Whether a dialog result is an {@link Answered}. */
export function isAnswered(result: unknown): result is Answered {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === 'answered' && typeof (result as { entryId?: unknown }).entryId === 'string';
}

/** Whether a dialog result is a {@link NewRequest}: the parent routes the turn's message from the top. */
export function isNewRequest(result: unknown): result is NewRequest {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === 'newRequest';
}

/** What the dialog keeps in its instance state while waiting for "did this help?". */
interface AnswerState {
  entryId?: string;
  /** Id of the turn that was answered: the answer's id for its rating. */
  answerId?: string;
}

/**
 * Sends a knowledge entry's answer and asks once whether it helped, keeping the rating with the
 * entry id. Where the client has its own feedback buttons (Teams' feedback loop) the answer
 * carries them and the dialog ends; their ratings arrive later as `message/submitAction`
 * invokes. Elsewhere it asks "Did this answer help?" with Yes and No; anything else the person
 * says ends the dialog with a {@link NewRequest}. Otherwise it ends with {@link Answered}, so the
 * next message is still read against the entry.
 *
 * It is one dialog rather than a waterfall and a prompt of its own: the question is asked on
 * begin and the reply read on continue, so a turn builds no inner dialog context, and the
 * conversation state holds only the entry and answer ids (never the answer's text).
 */
export class AnswerDialog extends Dialog<AnswerOptions> {
  constructor(
    private readonly lookup: EntryLookup,
    private readonly ratings: AnswerRatings,
  ) {
    super(ANSWER_DIALOG);
  }

  /** Sends the answer and, unless the client rates it itself, asks whether it helped. */
  override async beginDialog(dc: DialogContext, options?: AnswerOptions): Promise<DialogTurnResult> {
    const entry = options ? this.lookup(options.entryId) : undefined;
    if (!entry) return dc.endDialog();
    const activity = dc.context.activity;
    if (replyCapabilities(activity).nativeFeedback) {
      const sent = await dc.context.sendActivity({ ...answerMessage(entry, this.lookup, options?.shaped), channelData: { feedbackLoopEnabled: true } });
      if (sent?.id) await this.ratings.asked({ conversationId: activity.conversation?.id ?? '', answerId: sent.id, entryId: entry.id, channelId: activity.channelId ?? '' }, turnWritesOf(dc.context));
      return dc.endDialog({ kind: 'answered', entryId: entry.id } satisfies Answered);
    }
    const state = this.stateOf(dc);
    state.entryId = entry.id;
    state.answerId = activity.id ?? randomUUID();
    const question = feedbackMessage();
    // As a prompt sends its question: the client is told the bot expects an answer.
    if (typeof question.inputHint !== 'string') question.inputHint = InputHints.ExpectingInput;
    // The answer and the question go out together, in that order, through one pass of the send handlers.
    await dc.context.sendActivities([answerMessage(entry, this.lookup, options?.shaped), question]);
    return Dialog.EndOfTurn;
  }

  /** The reply to "did this help?": yes, no (a person is offered), or a new request. Other activities wait. */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    if (activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const helpful = feedbackReply(activity.text || submissionAsText(activity.value));
    const state = this.stateOf(dc);
    if (helpful === undefined) return dc.endDialog({ kind: 'newRequest', entryId: state.entryId } satisfies NewRequest);
    const entry = this.lookup(state.entryId ?? '');
    if (entry && state.answerId) {
      await this.ratings.record({ conversationId: activity.conversation?.id ?? '', answerId: state.answerId, entryId: entry.id, channelId: activity.channelId ?? '' }, helpful, turnWritesOf(dc.context));
    }
    const answered = entry ? ({ kind: 'answered', entryId: entry.id } satisfies Answered) : undefined;
    if (helpful) {
      await dc.context.sendActivity(say('Glad that helped. Ask me anything else about MFA whenever you need.'));
      return dc.endDialog(answered);
    }
    const sorry = say(`Sorry that didn't help${entry ? ` with "${entry.topic}"` : ''}. You can ask in other words, pick a topic, or talk to a person.`);
    await dc.context.sendActivity(withPersonOption(sorry));
    return dc.endDialog(answered);
  }

  private stateOf(dc: DialogContext): AnswerState {
    const instance = dc.activeDialog;
    if (!instance) throw new Error('AnswerDialog: not on the dialog stack');
    const state = instance.state as AnswerState & { dialogs?: { dialogStack?: { id?: unknown; state?: { values?: AnswerState } }[] } };
    if (state.entryId === undefined && state.dialogs !== undefined) {
      // Asked by an earlier version, whose waterfall of its own kept the ids in its values.
      const values = state.dialogs.dialogStack?.find((d) => d.id === LEGACY_WATERFALL)?.state?.values;
      state.entryId = values?.entryId;
      state.answerId = values?.answerId;
    }
    return state;
  }
}

/**
 * Whether a reply to "did this help?" says yes (`true`) or no (`false`): the recognizer's yes and
 * no, or the whole reply naming a choice by its number ("2", "the second"), as where the choices
 * are listed with numbers. `undefined` for anything else, such as a new question.
 */
function feedbackReply(text: string | undefined): boolean | undefined {
  const reply = recognizeCommand(text, ['reply']);
  if (reply === 'yes' || reply === 'no') return reply === 'yes';
  const said = (text ?? '').trim();
  const [match] = recognizeChoices(said, [...FEEDBACK_CHOICES]);
  return match && match.start === 0 && match.end === said.length - 1 ? match.resolution.index === 0 : undefined;
}
