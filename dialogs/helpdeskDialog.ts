import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { recognizeCommand } from '../src/knowledge/commands';
import { menuMessage } from './menu';
import type { TopicOutcome } from './outcome';
import { submissionAsText, takeGaveUp } from './prompts';
import { say } from './reply';
import { switchesTopic } from './topicSwitch';
import type { NewRequest } from './answerDialog';

/** Help text shown when the user asks for help in the middle of a conversation. */
export const HELP_TEXT =
  'Answer the question above to carry on. You can also say **cancel** to stop, **start over** to go back to the menu, or **talk to a person** at any time.';

/**
 * Base for every conversation of the bot. It handles the global interruptions at any step:
 * help (re-prompts), cancel, start over (back to the menu) and "talk to a person", and a
 * prompt that gave up after two re-prompts. A guided flow under the main dialog also ends when,
 * instead of answering one of its choices, the person asks for something else.
 */
export abstract class HelpdeskDialog extends ComponentDialog {
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const activity = innerDc.context.activity;
    if (activity.type === ActivityTypes.Message && !activity.text) {
      const asText = submissionAsText(activity.value);
      if (asText) activity.text = asText;
    }
    const result = this.delegatesInterruptions(innerDc) ? undefined : await this.interrupt(innerDc);
    if (result) return result;
    if (await switchesTopic(innerDc, this.id)) {
      // A new question instead of an answer: the flow ends and the main dialog reads the message afresh.
      await innerDc.cancelAllDialogs();
      return { status: DialogTurnStatus.complete, result: { kind: 'newRequest' } satisfies NewRequest };
    }
    const continued = await super.onContinueDialog(innerDc);
    if (continued.status === DialogTurnStatus.waiting && takeGaveUp(innerDc.context)) return this.onPromptGaveUp(innerDc);
    return continued;
  }

  /**
   * A prompt of this conversation got its third answer it could not use (see `limitAttempts`):
   * by default a person is offered, as for "talk to a person".
   */
  protected onPromptGaveUp(innerDc: DialogContext): Promise<DialogTurnResult> {
    return this.onTalkToPerson(innerDc);
  }

  /**
   * Whether the active child handles help, cancel and the rest itself (e.g. an identity
   * check, which reports a cancel as its result); the parent then leaves them to it.
   */
  protected delegatesInterruptions(_innerDc: DialogContext): boolean {
    return false;
  }

  /**
   * Handles a request to speak to a person: the conversation stops and hands over, as a
   * ticket of type `other`, with what it had learnt so far.
   */
  protected async onTalkToPerson(innerDc: DialogContext): Promise<DialogTurnResult> {
    const learnt: Record<string, unknown> = {};
    for (const instance of [...innerDc.stack].reverse()) {
      const values: unknown = instance.state?.values;
      if (values && typeof values === 'object') {
        for (const [key, value] of Object.entries(values)) if (key !== 'instanceId') learnt[key] = value;
      }
    }
    await innerDc.cancelAllDialogs();
    const outcome: TopicOutcome = {
      kind: 'handoff',
      type: 'other',
      summary: `Asked for a person during "${this.id}"`,
      details: { fromConversation: this.id, ...learnt },
    };
    return { status: DialogTurnStatus.complete, result: outcome };
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const activity = innerDc.context.activity;
    if (activity.type !== ActivityTypes.Message) return undefined;
    switch (recognizeCommand(activity.text, ['anywhere'])) {
      case 'help':
        await innerDc.context.sendActivity(say(HELP_TEXT));
        await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'cancel':
        await innerDc.context.sendActivity(say("OK, I've stopped that. Ask me anything else about MFA whenever you're ready."));
        return innerDc.cancelAllDialogs();
      case 'startOver':
        await innerDc.cancelAllDialogs();
        await innerDc.context.sendActivity(menuMessage("Let's start again."));
        return { status: DialogTurnStatus.cancelled };
      case 'person':
        return this.onTalkToPerson(innerDc);
      default:
        return undefined;
    }
  }
}
