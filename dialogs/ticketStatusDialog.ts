import { WaterfallDialog, type DialogContext, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { InvalidTicketTransitionError, TicketNotFoundError, type RequesterTicketView, type TicketService } from '../src/tickets';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions } from './prompts';
import { say } from './reply';
import type { VerifyIdentityDeps, VerifyIdentityOptions, VerifyIdentityResult } from './verifyIdentity';
import { VERIFY_IDENTITY_DIALOG, VerifyIdentityDialog } from './verifyIdentityDialog';

/** Id of the "my tickets" conversation. */
export const TICKET_STATUS_DIALOG = 'ticketStatusDialog';
const STEPS = 'ticketStatusDialog.steps';

/** Begin options: show the person's tickets, or cancel one of them. */
export interface TicketStatusOptions {
  readonly action: 'status' | 'cancel';
  /** A ticket id the person named, e.g. `MFA-000123`. */
  readonly ticketId?: string;
}

/** Services the conversation needs. */
export interface TicketStatusDeps extends VerifyIdentityDeps {
  readonly tickets: TicketService;
}

const KEEP = 'Keep it open';

interface StatusValues {
  personId?: string;
  email?: string;
}

function describe(t: RequesterTicketView): string {
  const status = t.status === 'claimed' ? 'an agent is working on it' : t.status === 'open' ? 'waiting for an agent' : t.status;
  const notes = t.notes.length > 0 ? ` Latest note: "${t.notes[t.notes.length - 1].text}"` : '';
  const resolution = t.resolution ? ` Resolution: ${t.resolution}` : '';
  return `- **${t.id}** (${t.createdAt.slice(0, 10)}): ${t.summary}. Status: ${status}.${resolution}${notes}`;
}

/**
 * The person's own tickets: after proving who they are (reusing a recent proof), they see
 * the status of their tickets, or cancel one of their open tickets. Nobody sees anyone
 * else's tickets.
 */
export class TicketStatusDialog extends HelpdeskDialog {
  constructor(private readonly deps: TicketStatusDeps) {
    super(TICKET_STATUS_DIALOG);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new VerifyIdentityDialog(deps));
    this.addDialog(new WaterfallDialog<TicketStatusOptions>(STEPS, [this.verifyStep.bind(this), this.listStep.bind(this), this.cancelStep.bind(this)]));
    this.initialDialogId = STEPS;
  }

  protected override delegatesInterruptions(innerDc: DialogContext): boolean {
    const id = innerDc.activeDialog?.id;
    return id === VERIFY_IDENTITY_DIALOG;
  }

  private async verifyStep(step: WaterfallStepContext<TicketStatusOptions>): Promise<DialogTurnResult> {
    const options: VerifyIdentityOptions = { purpose: 'before I show you your tickets' };
    return step.beginDialog(VERIFY_IDENTITY_DIALOG, options);
  }

  private async listStep(step: WaterfallStepContext<TicketStatusOptions>): Promise<DialogTurnResult> {
    const identity = step.result as VerifyIdentityResult | undefined;
    if (!identity?.verified) {
      await step.context.sendActivity(say("I can only show tickets to the person they belong to, so I can't look them up without checking it's you."));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    const v = step.values as StatusValues;
    v.personId = identity.personId;
    v.email = identity.email;
    const mine = await this.deps.tickets.listForRequester({ personId: identity.personId, email: identity.email }, { limit: 10 });
    const wanted = step.options?.ticketId;
    if (step.options?.action === 'cancel') {
      const open = mine.filter((t) => t.status === 'open' && (!wanted || t.id === wanted));
      if (open.length === 0) {
        const why = wanted && mine.some((t) => t.id === wanted) ? `${wanted} is already being handled or closed, so it can't be cancelled here.` : "You don't have an open ticket I can cancel.";
        await step.context.sendActivity(say(`${why} Agents can still help with a ticket they are working on.`));
        return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
      }
      return step.prompt(
        CHOICE_PROMPT,
        choiceOptions('Which ticket would you like to cancel?', [...open.slice(0, 5).map((t) => ({ title: `Cancel ${t.id}`, synonyms: [t.id, t.id.toLowerCase()] })), { title: KEEP, synonyms: ['no', 'keep', 'none'] }]),
      );
    }
    const shown = wanted ? mine.filter((t) => t.id === wanted) : mine.slice(0, 5);
    if (shown.length === 0) {
      await step.context.sendActivity(say(wanted ? `I can't find a ticket ${wanted} of yours.` : "You don't have any helpdesk tickets with me."));
    } else {
      await step.context.sendActivity(say(`Here ${shown.length === 1 ? 'is your ticket' : 'are your latest tickets'}:\n\n${shown.map(describe).join('\n')}`));
    }
    return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
  }

  private async cancelStep(step: WaterfallStepContext<TicketStatusOptions>): Promise<DialogTurnResult> {
    const choice = (step.result as FoundChoice).value;
    if (choice === KEEP) {
      await step.context.sendActivity(say('OK, your ticket stays open.'));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    const id = choice.replace(/^Cancel /, '');
    const v = step.values as StatusValues;
    try {
      await this.deps.tickets.cancelOwn(id, { personId: v.personId, email: v.email });
      await step.context.sendActivity(say(`Done: ticket ${id} is cancelled. If you still need help, just ask.`));
    } catch (err) {
      if (!(err instanceof TicketNotFoundError || err instanceof InvalidTicketTransitionError)) throw err;
      await step.context.sendActivity(say(`I couldn't cancel ${id}: an agent may already be working on it.`));
    }
    return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
  }
}
