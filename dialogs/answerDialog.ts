import { randomUUID } from 'node:crypto';
import { ComponentDialog, recognizeChoices, TextPrompt, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { recognizeCommand } from '../src/knowledge/commands';
import type { FeedbackLog } from '../src/knowledge/feedbackLog';
import { answerMessage, FEEDBACK_CHOICES, feedbackMessage, type EntryLookup } from './answerMessage';
import { replyCapabilities } from './channelCapabilities';
import { withPersonOption } from './mainRouting';
import { submissionAsText } from './prompts';
import { say } from './reply';

/** Id of the dialog that answers with a knowledge entry and asks once whether it helped. */
export const ANSWER_DIALOG = 'answerDialog';
const ANSWER_WATERFALL = 'answerDialog.waterfall';
const FEEDBACK_PROMPT = 'answerDialog.feedback';

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

/** Values kept while waiting for "did this help?". */
interface AnswerValues {
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
 */
export class AnswerDialog extends ComponentDialog {
  constructor(
    private readonly lookup: EntryLookup,
    private readonly ratings: AnswerRatings,
  ) {
    super(ANSWER_DIALOG);
    this.addDialog(new TextPrompt(FEEDBACK_PROMPT, async () => true));
    this.addDialog(new WaterfallDialog(ANSWER_WATERFALL, [this.answerStep.bind(this), this.feedbackStep.bind(this)]));
    this.initialDialogId = ANSWER_WATERFALL;
  }

  private async answerStep(step: WaterfallStepContext<AnswerOptions>): Promise<DialogTurnResult> {
    const entry = this.lookup(step.options.entryId);
    if (!entry) return step.endDialog();
    const activity = step.context.activity;
    const channelId = activity.channelId ?? '';
    const conversationId = activity.conversation?.id ?? '';
    if (replyCapabilities(activity).nativeFeedback) {
      const sent = await step.context.sendActivity({ ...answerMessage(entry, this.lookup, step.options.shaped), channelData: { feedbackLoopEnabled: true } });
      if (sent?.id) await this.ratings.asked({ conversationId, answerId: sent.id, entryId: entry.id, channelId });
      return step.endDialog({ kind: 'answered', entryId: entry.id } satisfies Answered);
    }
    await step.context.sendActivity(answerMessage(entry, this.lookup, step.options.shaped));
    const values = step.values as AnswerValues;
    values.entryId = entry.id;
    values.answerId = activity.id ?? randomUUID();
    return step.prompt(FEEDBACK_PROMPT, { prompt: feedbackMessage() });
  }

  /** The reply to "did this help?": yes, no (a person is offered), or a new request. */
  private async feedbackStep(step: WaterfallStepContext<AnswerOptions>): Promise<DialogTurnResult> {
    const activity = step.context.activity;
    const helpful = feedbackReply((typeof step.result === 'string' && step.result) || activity.text || submissionAsText(activity.value));
    const values = step.values as AnswerValues;
    if (helpful === undefined) return step.endDialog({ kind: 'newRequest', entryId: values.entryId } satisfies NewRequest);
    const entry = this.lookup(values.entryId ?? '');
    if (entry && values.answerId) {
      await this.ratings.record({ conversationId: activity.conversation?.id ?? '', answerId: values.answerId, entryId: entry.id, channelId: activity.channelId ?? '' }, helpful);
    }
    const answered = entry ? ({ kind: 'answered', entryId: entry.id } satisfies Answered) : undefined;
    if (helpful) {
      await step.context.sendActivity(say('Glad that helped. Ask me anything else about MFA whenever you need.'));
      return step.endDialog(answered);
    }
    const sorry = say(`Sorry that didn't help${entry ? ` with "${entry.topic}"` : ''}. You can ask in other words, pick a topic, or talk to a person.`);
    await step.context.sendActivity(withPersonOption(sorry));
    return step.endDialog(answered);
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
