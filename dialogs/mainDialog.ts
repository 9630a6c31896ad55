import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type Dialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { CHANGE_METHOD_DIALOG, ChangeMethodDialog } from './changeMethodDialog';
import { ESCALATE_DIALOG, EscalateDialog } from './escalateDialog';
import { EXCEPTION_REQUEST_DIALOG, ExceptionRequestDialog } from './exceptionRequestDialog';
import { detectInterruption, normalise } from './interruptions';
import { LOST_DEVICE_DIALOG, LostDeviceDialog } from './lostDeviceDialog';
import { menuMessage, TOPIC, topicFromChoice, type TopicId } from './menu';
import { NEW_DEVICE_DIALOG, NewDeviceDialog } from './newDeviceDialog';
import { isTopicOutcome, type TopicOutcome } from './outcome';
import { say } from './reply';
import { SUSPICIOUS_PROMPT_DIALOG, SuspiciousPromptDialog } from './suspiciousPromptDialog';

/** Id of the root dialog. */
export const MAIN_DIALOG = 'mainDialog';
const MAIN_WATERFALL = 'mainDialog.waterfall';

/** Text of the fallback when the bot did not understand. */
export const FALLBACK_TEXT = "Sorry, I didn't quite get that. Pick one of the topics below, or ask your question in a different way.";

/** Which conversation each menu topic starts. */
const TOPIC_DIALOGS: Readonly<Record<Exclude<TopicId, 'person'>, string>> = {
  [TOPIC.lostDevice]: LOST_DEVICE_DIALOG,
  [TOPIC.changeMethod]: CHANGE_METHOD_DIALOG,
  [TOPIC.newDevice]: NEW_DEVICE_DIALOG,
  [TOPIC.suspiciousPrompt]: SUSPICIOUS_PROMPT_DIALOG,
  [TOPIC.exceptionRequest]: EXCEPTION_REQUEST_DIALOG,
};

/** At most this many redirects in a row (e.g. new phone → lost phone), so topics cannot loop. */
const MAX_REDIRECTS = 3;

/** Dialogs that can be replaced, e.g. the hand-over once tickets exist. */
export interface MainDialogParts {
  readonly escalate?: Dialog;
}

/** What a card submission carries. */
interface SubmitValue {
  readonly verb?: unknown;
  readonly topic?: unknown;
}

/**
 * The root dialog. Each turn it works out what the user wants (a menu choice, a global request
 * or free text), starts the matching conversation, and acts on how that conversation ended:
 * done, hand over to a person, or move to another topic. Whatever it cannot place gets the
 * fallback with the topic menu.
 */
export class MainDialog extends ComponentDialog {
  constructor(parts: MainDialogParts = {}) {
    super(MAIN_DIALOG);
    this.addDialog(new LostDeviceDialog());
    this.addDialog(new ChangeMethodDialog());
    this.addDialog(new NewDeviceDialog());
    this.addDialog(new SuspiciousPromptDialog());
    this.addDialog(new ExceptionRequestDialog());
    this.addDialog(parts.escalate ?? new EscalateDialog());
    this.addDialog(new WaterfallDialog(MAIN_WATERFALL, [this.routeStep.bind(this), this.outcomeStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  private async routeStep(step: WaterfallStepContext<RouteOptions>): Promise<DialogTurnResult> {
    const pending = step.options?.pending;
    if (pending?.kind === 'handoff') return step.beginDialog(ESCALATE_DIALOG, pending);
    if (pending?.kind === 'redirect' && pending.topic !== TOPIC.person) return step.beginDialog(TOPIC_DIALOGS[pending.topic], pending.options);
    const activity = step.context.activity;
    if (activity.type !== ActivityTypes.Message) return step.endDialog();
    const topic = topicFromSubmit(activity.value) ?? topicFromChoice(activity.text);
    if (topic === TOPIC.person || detectInterruption(activity.text) === 'person') {
      return step.beginDialog(ESCALATE_DIALOG, handoffForPerson());
    }
    if (topic) return step.beginDialog(TOPIC_DIALOGS[topic]);
    const text = normalise(activity.text);
    if (['help', 'menu', 'start over', 'start', 'hi', 'hello'].includes(text)) {
      await step.context.sendActivity(menuMessage('I can help with multi-factor authentication (MFA).'));
      return step.endDialog();
    }
    if (['cancel', 'stop', 'quit'].includes(text)) {
      await step.context.sendActivity(say("There's nothing to cancel. Ask me anything about MFA whenever you're ready."));
      return step.endDialog();
    }
    await step.context.sendActivity(menuMessage(FALLBACK_TEXT));
    return step.endDialog();
  }

  /** Acts on how a topic ended; redirects chain (bounded), hand-overs go to the escalation dialog. */
  private async outcomeStep(step: WaterfallStepContext<RouteOptions>): Promise<DialogTurnResult> {
    const result: unknown = step.result;
    if (!isTopicOutcome(result)) return step.endDialog();
    if (result.kind === 'done') return step.endDialog();
    const outcome = result;
    const hops = (step.options?.hops ?? 0) + 1;
    if (outcome.kind === 'redirect' && (hops > MAX_REDIRECTS || outcome.topic === TOPIC.person)) {
      return step.replaceDialog(MAIN_WATERFALL, { pending: handoffForPerson(), hops } satisfies RouteOptions);
    }
    return step.replaceDialog(MAIN_WATERFALL, { pending: outcome, hops } satisfies RouteOptions);
  }
}

/** Options of the main waterfall when it is restarted to act on a topic's outcome. */
interface RouteOptions {
  readonly pending?: Exclude<TopicOutcome, { kind: 'done' }>;
  readonly hops?: number;
}

function handoffForPerson(): Extract<TopicOutcome, { kind: 'handoff' }> {
  return { kind: 'handoff', type: 'other', summary: 'Asked to talk to a person', details: {} };
}

function topicFromSubmit(value: unknown): TopicId | undefined {
  if (!isSubmitValue(value)) return undefined;
  return value.verb === 'menu' && typeof value.topic === 'string' ? topicFromChoice(value.topic) : undefined;
}

function isSubmitValue(value: unknown): value is SubmitValue {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
