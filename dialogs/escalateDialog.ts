import { TurnContext } from 'botbuilder';
import {
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { CreateTicketInput, TicketService } from '../src/tickets';
import { lostDeviceSummary } from '../src/tickets/lostDevice';
import type { TicketFloodGuard } from '../src/tickets/ticketFloodGuard';
import type { TranscriptLog } from '../src/tickets/transcriptLog';
import { conversationIdOf } from './codeChallenge';
import {
  NO_TICKET_TEXT,
  OPEN_ANYWAY,
  TICKET_REFUSED_TEXT,
  admitUnverified,
  PURPOSE,
  confirmation,
  evidenceOf,
  personOf,
  requesterOf,
  ticketChannel,
  ticketSubject,
  type EscalateOptions,
  type EscalateValues,
  type ExceptionForm,
} from './escalateTicket';
import { EXCEPTION_FORM, exceptionFormDialogs } from './exceptionForm';
import { HELPDESK_PHONE } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import type { TopicOutcome } from './outcome';
import { CHOICE_PROMPT, HelpdeskChoicePrompt, choiceOptions } from './prompts';
import { PROVE_NEW_NUMBER_DIALOG, ProveNewNumberDialog, type ProveNewNumberOptions, type ProveNewNumberResult } from './proveNewNumberDialog';
import { say } from './reply';
import { isVerifyIdentityResult, type NotVerified, type VerifyIdentityDeps, type VerifyIdentityOptions, type VerifyIdentityResult } from './verifyIdentity';
import { VERIFY_IDENTITY_DIALOG, VerifyIdentityDialog } from './verifyIdentityDialog';

/** Id of the hand-over conversation. */
export const ESCALATE_DIALOG = 'escalateDialog';
const STEPS = 'escalateDialog.steps';
const CHECK_PROMPT = 'escalateDialog.checkFirst';

/** Services the hand-over needs. */
export interface EscalateDeps extends VerifyIdentityDeps {
  readonly tickets: TicketService;
  readonly transcripts: TranscriptLog;
  /** Budgets of unverified tickets. */
  readonly floodGuard: TicketFloodGuard;
}

const CHECK_FIRST = { yes: "Yes, check it's me", no: 'No, just pass me on' } as const;

function valuesOf(step: WaterfallStepContext): EscalateValues {
  return step.values as EscalateValues;
}

/**
 * The hand-over to people. It proves who the person is (with a code to a number the directory
 * holds, or records why that was not possible), collects what the agent still needs, and opens
 * a ticket that is stored before the person is told its number. Suspicious prompts never wait
 * for the identity check: the alarm is raised either way.
 */
export class EscalateDialog extends HelpdeskDialog {
  constructor(private readonly deps: EscalateDeps) {
    super(ESCALATE_DIALOG);
    this.addDialog(new HelpdeskChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new HelpdeskChoicePrompt(CHECK_PROMPT));
    this.addDialog(new VerifyIdentityDialog(deps));
    this.addDialog(new ProveNewNumberDialog(deps));
    for (const dialog of exceptionFormDialogs()) this.addDialog(dialog);
    this.addDialog(
      new WaterfallDialog<EscalateOptions>(STEPS, [
        this.offerCheckStep.bind(this),
        this.verifyStep.bind(this),
        this.confirmUnverifiedStep.bind(this),
        this.afterVerifyStep.bind(this),
        this.createStep.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  protected override delegatesInterruptions(innerDc: DialogContext): boolean {
    const id = innerDc.activeDialog?.id;
    return id === VERIFY_IDENTITY_DIALOG || id === PROVE_NEW_NUMBER_DIALOG;
  }

  /**
   * A prompt of the hand-over itself gave up. At the offer of an identity check the person is
   * passed on without one; in the exception form the helpdesk number is given, since the
   * request cannot be sent without its details.
   */
  protected override async onPromptGaveUp(innerDc: DialogContext): Promise<DialogTurnResult> {
    if (innerDc.activeDialog?.id === CHECK_PROMPT) {
      const steps = innerDc.stack.find((instance) => instance.id === STEPS);
      const values: unknown = steps?.state?.values;
      if (values && typeof values === 'object') (values as EscalateValues).skipped = 'no usable answer to the offer of an identity check';
      return innerDc.endDialog({ value: CHECK_FIRST.no, index: 1, score: 0 } satisfies FoundChoice);
    }
    await innerDc.cancelAllDialogs();
    await innerDc.context.sendActivity(say(`Please call the helpdesk on ${HELPDESK_PHONE} and a person will take your request.`));
    return { status: DialogTurnStatus.complete, result: { kind: 'done' } satisfies TopicOutcome };
  }

  /** A plain request for a person: the identity check is offered, not imposed. */
  private async offerCheckStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const d = step.options?.details;
    if (d && isVerifyIdentityResult({ verified: false, reason: d.identityCheck })) {
      // The identity check was just tried and could not succeed: a person verifies them instead.
      valuesOf(step).identity = {
        verified: false,
        reason: d.identityCheck as NotVerified['reason'],
        message: '',
        ...(typeof d.personId === 'string' ? { personId: d.personId } : {}),
        ...(typeof d.email === 'string' ? { email: d.email } : {}),
      };
      return step.next(false);
    }
    if (step.options?.type !== 'other') return step.next(true);
    await step.context.sendActivity(say("I'll pass you to the helpdesk."));
    return step.prompt(
      CHECK_PROMPT,
      choiceOptions("Shall I check it's you first with a code to your phone? It lets the helpdesk act faster.", [
        { title: CHECK_FIRST.yes, synonyms: ['yes', 'ok', 'check', 'verify'] },
        { title: CHECK_FIRST.no, synonyms: ['no', 'skip', 'just pass me on'] },
      ]),
    );
  }

  private async verifyStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const proceed = step.result === true || (step.result as FoundChoice | undefined)?.value === CHECK_FIRST.yes;
    if (!proceed) {
      valuesOf(step).skipped ??= 'the person chose not to be verified';
      return step.next();
    }
    const type = step.options?.type ?? 'other';
    const options: VerifyIdentityOptions = {
      purpose: PURPOSE[type],
      // The phone that was lost cannot prove anything: ask which it is, and use another number on record.
      askLostPhone: type === 'lost_device',
    };
    return step.beginDialog(VERIFY_IDENTITY_DIALOG, options);
  }

  /** After a failed check, asks before opening a ticket that an agent must first check another way. */
  private async confirmUnverifiedStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const identity = (step.result as VerifyIdentityResult | undefined) ?? v.identity;
    if (identity) v.identity = identity;
    if (!identity || identity.verified || identity.reason === 'cancelled' || identity.reason === 'person_requested') return step.next(true);
    return step.prompt(
      CHOICE_PROMPT,
      choiceOptions("As I couldn't confirm it's you, an agent would first have to check who you are another way. Shall I still open a ticket?", [
        { title: OPEN_ANYWAY.yes, synonyms: ['yes', 'ok', 'open', 'open a ticket'] },
        { title: OPEN_ANYWAY.no, synonyms: ['no', 'no thanks', 'dont'] },
      ]),
    );
  }

  private async afterVerifyStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const type = step.options?.type ?? 'other';
    if (step.result !== true && (step.result as FoundChoice | undefined)?.value !== OPEN_ANYWAY.yes) {
      await step.context.sendActivity(say(NO_TICKET_TEXT));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    const identity = v.identity;
    if (identity && !identity.verified && identity.reason === 'cancelled' && type !== 'suspicious_prompt') {
      await step.context.sendActivity(say("OK, I haven't opened a ticket. Ask me again whenever you need a person."));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    if (type === 'exception_request') {
      // A flagged account is not told so: its request becomes a ticket like any unverified one (P1 for the flag).
      return step.beginDialog(EXCEPTION_FORM);
    }
    const newNumber = typeof step.options?.details.newNumberE164 === 'string' ? step.options.details.newNumberE164 : undefined;
    if (type === 'change_method' && newNumber && identity?.verified) {
      return step.beginDialog(PROVE_NEW_NUMBER_DIALOG, { newNumber } satisfies ProveNewNumberOptions);
    }
    return step.next();
  }

  private async createStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const options = step.options;
    if (!options) return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    if (options.type === 'exception_request') v.exceptionForm = step.result as ExceptionForm | undefined;
    if (options.type === 'change_method' && step.result && typeof step.result === 'object' && 'proven' in step.result) {
      v.newNumberProof = step.result as ProveNewNumberResult;
    }
    const activity = step.context.activity;
    const conversationId = conversationIdOf(step);
    const subject = ticketSubject(options, v, options.type === 'lost_device' ? await personOf(this.deps.directory, v.identity) : undefined);
    const input: CreateTicketInput = {
      ...subject,
      requester: requesterOf(v.identity, activity.from?.name),
      channel: ticketChannel(activity.channelId),
      verification: evidenceOf(options.type, v),
      summary: subject.type === 'lost_device' ? lostDeviceSummary(subject.details) : options.summary,
      transcript: await this.deps.transcripts.recent(conversationId),
      accountCompromised: v.identity?.verified === false && v.identity.reason === 'compromised',
      conversationRef: { ...TurnContext.getConversationReference(activity) },
      sourceActivityId: activity.id,
    };
    if (!input.verification.verified && !(await admitUnverified(this.deps.floodGuard, step.context, v.identity))) {
      await step.context.sendActivity(say(TICKET_REFUSED_TEXT));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    const ticket = await this.deps.tickets.createTicket(input);
    await step.context.sendActivity(say(confirmation(ticket, options.type, v)));
    return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
  }
}
