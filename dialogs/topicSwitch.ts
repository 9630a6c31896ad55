import type { TurnContext } from 'botbuilder';
import { recognizeChoices, type Choice, type DialogContext, type PromptOptions } from 'botbuilder-dialogs';
import { HelpdeskChoicePrompt, choiceRecognizerOptions } from './prompts';

/** Id of the main dialog's waterfall, under which every guided flow runs. */
export const MAIN_WATERFALL = 'mainDialog.waterfall';

/**
 * Whether a message typed at a guided flow's question is a new request instead of an answer
 * (for example "I lost my phone" at "Did that get you set up?").
 * @param text what was typed
 * @param flowId the id of the guided flow that asked
 */
export type TopicSwitch = (text: string, flowId: string) => Promise<boolean>;

const TOPIC_SWITCH = Symbol('topicSwitch');
/** Longer messages are never taken for a new request: a request fits in a line, pasted junk does not. */
const MAX_REQUEST_LENGTH = 200;

/** Lets the guided flows of this turn ask the main dialog's recognizer whether a message changes the topic. */
export function offerTopicSwitch(context: TurnContext, isSwitch: TopicSwitch): void {
  context.turnState.set(TOPIC_SWITCH, isSwitch);
}

/**
 * Whether the message of this turn leaves the flow `flowId` for another topic: the flow runs
 * directly under the main dialog, it waits on one of its own choice prompts, the message picks
 * none of the choices, and the recognizer is sure it asks for something else.
 */
export async function switchesTopic(innerDc: DialogContext, flowId: string): Promise<boolean> {
  const activity = innerDc.context.activity;
  const text = activity.text?.trim();
  if (activity.type !== 'message' || !text || text.length > MAX_REQUEST_LENGTH || activity.value !== undefined) return false;
  const parent = innerDc.parent;
  if (parent?.activeDialog?.id !== flowId || !parent.stack.some((instance) => instance.id === MAIN_WATERFALL)) return false;
  const active = innerDc.activeDialog;
  if (!active || !(innerDc.findDialog(active.id) instanceof HelpdeskChoicePrompt)) return false;
  const choices = ((active.state as { options?: PromptOptions }).options?.choices ?? []) as (string | Choice)[];
  if (recognizeChoices(text, choices, choiceRecognizerOptions()).length > 0) return false;
  const isSwitch = innerDc.context.turnState.get(TOPIC_SWITCH) as TopicSwitch | undefined;
  return isSwitch ? isSwitch(text, flowId) : false;
}
