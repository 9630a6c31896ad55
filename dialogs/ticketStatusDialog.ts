import { TextPrompt, WaterfallDialog, type DialogContext, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { parseTicketNumber } from '../src/knowledge/identifiers';
import { InvalidTicketTransitionError, TicketNotFoundError, type RequesterTicketView, type TicketService } from '../src/tickets';
import type { VerifiedIdentity } from '../src/verification/sessions';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions, textOptions } from './prompts';
import { say, toSpeech } from './reply';
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
const NUMBER_PROMPT = 'ticketStatusDialog.numberPrompt';

interface StatusValues {
  personId?: string;
  email?: string;
  /** The ticket asked about: named in the message, or keyed in on the phone. */
  wanted?: string;
}

const METHOD_WORDS: Readonly<Record<VerifiedIdentity['method'], string>> = { sms: 'a code by text', voice: 'a code by voice call', callback: 'a call-back' };

function describe(t: RequesterTicketView): string {
  return `- **${t.id}** (${t.createdAt.slice(0, 10)}): ${state(t)}`;
}

/** A ticket as read out on the phone: no list marks and no date in digits. */
function spoken(t: RequesterTicketView): string {
  return `Ticket ${t.id}: ${state(t)}`;
}

function state(t: RequesterTicketView): string {
  const status = t.status === 'claimed' ? 'an agent is working on it' : t.status === 'open' ? 'waiting for an agent' : t.status;
  const notes = t.notes.length > 0 ? ` Latest note: "${t.notes[t.notes.length - 1].text}"` : '';
  const resolution = t.resolution ? ` Resolution: ${t.resolution}` : '';
  return `${t.summary}. Status: ${status}.${resolution}${notes}`;
}

/**
 * The person's own tickets: after proving who they are (reusing a recent proof), they see
 * the status of their tickets, or cancel one of their open tickets. Nobody sees anyone
 * else's tickets. On the phone line a caller first keys in the ticket number (from a chat, say);
 * only once they have proven who they are, and only if the ticket is theirs, do they hear its
 * status, and the ticket's history records how the caller was verified.
 */
export class TicketStatusDialog extends HelpdeskDialog {
  constructor(private readonly deps: TicketStatusDeps) {
    super(TICKET_STATUS_DIALOG);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new TextPrompt(NUMBER_PROMPT));
    this.addDialog(new VerifyIdentityDialog(deps));
    this.addDialog(
      new WaterfallDialog<TicketStatusOptions>(STEPS, [this.numberStep.bind(this), this.verifyStep.bind(this), this.listStep.bind(this), this.cancelStep.bind(this)]),
    );
    this.initialDialogId = STEPS;
  }

  protected override delegatesInterruptions(innerDc: DialogContext): boolean {
    const id = innerDc.activeDialog?.id;
    return id === VERIFY_IDENTITY_DIALOG;
  }

  /** On the phone, asks for the ticket number first (nothing is said about it before proof). */
  private async numberStep(step: WaterfallStepContext<TicketStatusOptions>): Promise<DialogTurnResult> {
    (step.values as StatusValues).wanted = step.options?.ticketId;
    if (step.context.activity.channelId !== 'voice' || step.options?.action !== 'status' || step.options.ticketId) return step.next();
    return step.prompt(NUMBER_PROMPT, textOptions('If you have a ticket number, key in its six digits, then press hash. To hear about all your tickets, press star.'));
  }

  private async verifyStep(step: WaterfallStepContext<TicketStatusOptions>): Promise<DialogTurnResult> {
    const v = step.values as StatusValues;
    if (typeof step.result === 'string') v.wanted = parseTicketNumber(step.result);
    const about = v.wanted && step.options?.action === 'status';
    const options: VerifyIdentityOptions = { purpose: about ? 'before I tell you about that ticket' : 'before I show you your tickets' };
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
    const wanted = v.wanted;
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
      const heading = `Here ${shown.length === 1 ? 'is your ticket' : 'are your latest tickets'}`;
      const voice = step.context.activity.channelId === 'voice';
      await step.context.sendActivity(say(`${heading}:\n\n${shown.map(describe).join('\n')}`, voice ? toSpeech(`${heading}. ${shown.map(spoken).join(' ')}`) : undefined));
      if (wanted && step.context.activity.channelId === 'voice') await this.recordCallEvidence(step, wanted, identity);
    }
    return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
  }

  /** The ticket the caller asked about gains the call's evidence: who proved what, and how. */
  private async recordCallEvidence(step: WaterfallStepContext, id: string, identity: VerifiedIdentity): Promise<void> {
    const ending = identity.destinationMasked.replace(/\D/g, '').slice(-3);
    const note = `${identity.displayName} called the phone line about this ticket and was verified by ${METHOD_WORDS[identity.method]} to the number on record ending ${ending} (call ${step.context.activity.conversation?.id ?? 'unknown'})`;
    await this.deps.tickets.recordEvent(id, 'caller_verified', 'bot', note);
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
