import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { HELPDESK_EMAIL, HELPDESK_PHONE } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import type { HandoffType, TopicOutcome } from './outcome';
import { say } from './reply';

/** Id of the hand-over conversation. */
export const ESCALATE_DIALOG = 'escalateDialog';
const STEPS = 'escalateDialog.steps';

/** Options of the hand-over: what the conversation that asked for it learnt. */
export type EscalateOptions = Extract<TopicOutcome, { kind: 'handoff' }>;

const WHAT_TO_SAY: Record<HandoffType, string> = {
  lost_device: 'that your phone is lost and the lost device needs removing from your MFA methods',
  change_method: 'that you need your MFA phone number or method changed',
  new_device: 'that you need help moving MFA to a new phone',
  suspicious_prompt: "that you received MFA prompts you didn't start",
  exception_request: 'that you are asking for an MFA exception, and why',
  other: 'what you need help with',
};

/**
 * The hand-over point to people. Every topic conversation that needs a person ends here with
 * what it learnt. This version tells the person how to reach the helpdesk and what to say.
 */
export class EscalateDialog extends HelpdeskDialog {
  constructor() {
    super(ESCALATE_DIALOG);
    this.addDialog(new WaterfallDialog<EscalateOptions>(STEPS, [this.contactStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  private async contactStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const type = step.options?.type ?? 'other';
    await step.context.sendActivity(
      say(
        `A person needs to take this from here. Call the helpdesk on **${HELPDESK_PHONE}** or email **${HELPDESK_EMAIL}**, and tell them ${WHAT_TO_SAY[type]}. They will check it's really you before changing anything.`,
      ),
    );
    return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
  }
}
