import { ActivityTypes } from 'botbuilder';
import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { HELPDESK_CONTACT_TEXT, HelpdeskDialog } from './helpdeskDialog';
import { detectInterruption, normalise } from './interruptions';
import { menuMessage, TOPIC, topicFromChoice, type TopicId } from './menu';
import { say } from './reply';

/** Id of the root dialog. */
export const MAIN_DIALOG = 'mainDialog';
const MAIN_WATERFALL = 'mainDialog.waterfall';

/** Text of the fallback when the bot did not understand. */
export const FALLBACK_TEXT = "Sorry, I didn't quite get that. Pick one of the topics below, or ask your question in a different way.";

/** What a card submission carries. */
interface SubmitValue {
  readonly verb?: unknown;
  readonly topic?: unknown;
}

/** State the main waterfall keeps between its steps. */
interface MainState {
  topic?: TopicId;
}

/**
 * The root dialog. Each turn it works out what the user wants (a menu choice, a global request
 * or free text) and starts the matching conversation; whatever it cannot place gets the
 * fallback with the topic menu.
 */
export class MainDialog extends HelpdeskDialog {
  constructor() {
    super(MAIN_DIALOG);
    this.addDialog(new WaterfallDialog<MainState>(MAIN_WATERFALL, [this.routeStep.bind(this), this.finalStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  private async routeStep(step: WaterfallStepContext<MainState>): Promise<DialogTurnResult> {
    const activity = step.context.activity;
    if (activity.type !== ActivityTypes.Message) return step.endDialog();
    const topic = topicFromSubmit(activity.value) ?? topicFromChoice(activity.text);
    if (topic === TOPIC.person || detectInterruption(activity.text) === 'person') {
      await step.context.sendActivity(say(`A person can take this from here. ${HELPDESK_CONTACT_TEXT}`));
      return step.endDialog();
    }
    const text = normalise(activity.text);
    if (['help', 'menu', 'start over', 'start', 'hi', 'hello'].includes(text)) {
      await step.context.sendActivity(menuMessage('I can help with multi-factor authentication (MFA).'));
      return step.endDialog();
    }
    if (['cancel', 'stop', 'quit'].includes(text)) {
      await step.context.sendActivity(say("There's nothing to cancel. Ask me anything about MFA whenever you're ready."));
      return step.endDialog();
    }
    if (topic) {
      await step.context.sendActivity(menuMessage(`The guided help for "${topicTitle(topic)}" is not available in this version yet. ${HELPDESK_CONTACT_TEXT}`));
      return step.endDialog();
    }
    await step.context.sendActivity(menuMessage(FALLBACK_TEXT));
    return step.endDialog();
  }

  private async finalStep(step: WaterfallStepContext<MainState>): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}

function topicFromSubmit(value: unknown): TopicId | undefined {
  if (!isSubmitValue(value)) return undefined;
  const v = value;
  return v.verb === 'menu' && typeof v.topic === 'string' ? topicFromChoice(v.topic) : undefined;
}

function isSubmitValue(value: unknown): value is SubmitValue {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function topicTitle(topic: TopicId): string {
  return topic.replace(/_/g, ' ');
}
