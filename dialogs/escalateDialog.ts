import { TurnContext } from 'botbuilder';
import {
  ChoicePrompt,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { CreateTicketInput, Ticket, TicketChannel, TicketService, TicketSubjectInput, VerificationEvidence } from '../src/tickets';
import type { TranscriptLog } from '../src/tickets/transcriptLog';
import { conversationIdOf } from './codeChallenge';
import { HELPDESK_PHONE } from './facts';
import { HelpdeskDialog } from './helpdeskDialog';
import type { HandoffType, TopicOutcome } from './outcome';
import { CHOICE_PROMPT, choiceOptions, textOptions } from './prompts';
import { PROVE_NEW_NUMBER_DIALOG, ProveNewNumberDialog, type ProveNewNumberOptions, type ProveNewNumberResult } from './proveNewNumberDialog';
import { say } from './reply';
import { isVerifyIdentityResult, type NotVerified, type VerifyIdentityDeps, type VerifyIdentityOptions, type VerifyIdentityResult } from './verifyIdentity';
import { VERIFY_IDENTITY_DIALOG, VerifyIdentityDialog } from './verifyIdentityDialog';

/** Id of the hand-over conversation. */
export const ESCALATE_DIALOG = 'escalateDialog';
const STEPS = 'escalateDialog.steps';
const EXCEPTION_FORM = 'escalateDialog.exceptionForm';
const MANAGER_PROMPT = 'escalateDialog.managerEmail';

/** Options of the hand-over: what the conversation that asked for it learnt. */
export type EscalateOptions = Extract<TopicOutcome, { kind: 'handoff' }>;

/** Services the hand-over needs. */
export interface EscalateDeps extends VerifyIdentityDeps {
  readonly tickets: TicketService;
  readonly transcripts: TranscriptLog;
}

/** What an agent must do when the bot could not prove who the person is. */
export const NOT_VERIFIED_INSTRUCTION =
  'identity NOT verified: agent must call back on a number from the HR record or get line-manager confirmation';

/** Durations offered for an exception. */
export const EXCEPTION_DURATIONS = ['1 month', '3 months', '6 months', '12 months'] as const;

const CHECK_FIRST = { yes: "Yes, check it's me", no: 'No, just pass me on' } as const;

const PURPOSE: Record<HandoffType, string> = {
  lost_device: 'before the helpdesk removes the lost phone from your account',
  change_method: 'before your phone number is changed',
  new_device: 'before the helpdesk changes anything on your account',
  suspicious_prompt: 'so the security team knows the report comes from you',
  exception_request: 'before I pass on your exception request',
  other: 'so the helpdesk can act faster',
};

const NEXT_STEPS: Record<HandoffType, string> = {
  lost_device: 'An agent will remove the lost phone from your MFA methods and issue you a Temporary Access Pass so you can sign in and set up MFA again.',
  change_method: 'An agent will update your MFA phone number.',
  new_device: 'An agent will help you move MFA to your new phone.',
  suspicious_prompt: 'The security team has been told and will check your account. Keep denying any request you did not start.',
  exception_request: 'Your local administrator has to approve an exception; the helpdesk will pass it on and let you know the outcome.',
  other: 'An agent will pick it up and get back to you.',
};

/** Form answers of an exception request. */
interface ExceptionForm {
  duration: string;
  lineManagerEmail: string;
}

interface EscalateValues {
  identity?: VerifyIdentityResult;
  /** Why no identity check was made, when it was skipped. */
  skipped?: string;
  newNumberProof?: ProveNewNumberResult;
  exceptionForm?: ExceptionForm;
}

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
    this.addDialog(new ChoicePrompt(CHOICE_PROMPT));
    this.addDialog(new TextPrompt(MANAGER_PROMPT, this.managerEmailValidator.bind(this)));
    this.addDialog(new VerifyIdentityDialog(deps));
    this.addDialog(new ProveNewNumberDialog(deps));
    this.addDialog(new WaterfallDialog(EXCEPTION_FORM, [this.durationStep.bind(this), this.managerStep.bind(this), this.formDoneStep.bind(this)]));
    this.addDialog(
      new WaterfallDialog<EscalateOptions>(STEPS, [
        this.offerCheckStep.bind(this),
        this.verifyStep.bind(this),
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
      CHOICE_PROMPT,
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
      // The phone that was lost cannot prove anything: use another registered number.
      excludeMethods: type === 'lost_device' ? ['mobile'] : undefined,
    };
    return step.beginDialog(VERIFY_IDENTITY_DIALOG, options);
  }

  private async afterVerifyStep(step: WaterfallStepContext<EscalateOptions>): Promise<DialogTurnResult> {
    const v = valuesOf(step);
    const type = step.options?.type ?? 'other';
    const identity = (step.result as VerifyIdentityResult | undefined) ?? v.identity;
    if (identity) v.identity = identity;
    if (identity && !identity.verified && identity.reason === 'cancelled' && type !== 'suspicious_prompt') {
      await step.context.sendActivity(say("OK, I haven't opened a ticket. Ask me again whenever you need a person."));
      return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
    }
    if (type === 'exception_request') {
      if (identity && !identity.verified && identity.reason === 'compromised') {
        await step.context.sendActivity(
          say(
            `I can't pass on an exception request for this account: accounts that have been compromised always have MFA enforced and can't be exempted. Please contact your local administrator or the helpdesk on ${HELPDESK_PHONE}.`,
          ),
        );
        return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
      }
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
    const input: CreateTicketInput = {
      ...ticketSubject(options, v),
      requester: requesterOf(v.identity, activity.from?.name),
      channel: ticketChannel(activity.channelId),
      verification: evidenceOf(options.type, v),
      summary: options.summary,
      transcript: await this.deps.transcripts.recent(conversationId),
      accountCompromised: v.identity?.verified === false && v.identity.reason === 'compromised',
      conversationRef: { ...TurnContext.getConversationReference(activity) },
      sourceActivityId: activity.id,
    };
    const ticket = await this.deps.tickets.createTicket(input);
    await step.context.sendActivity(say(confirmation(ticket, options.type, v)));
    return step.endDialog({ kind: 'done' } satisfies TopicOutcome);
  }

  private async durationStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(CHOICE_PROMPT, choiceOptions('How long do you need the exception for?', [...EXCEPTION_DURATIONS]));
  }

  private async managerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    (step.values as Partial<ExceptionForm>).duration = (step.result as FoundChoice).value;
    return step.prompt(MANAGER_PROMPT, textOptions("What is your line manager's email address? The local administrator may check with them."));
  }

  private async managerEmailValidator(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const text = (prompt.recognized.value ?? '').trim();
    if (/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[A-Za-z]{2,}$/.test(text) && text.length <= 320) return true;
    await prompt.context.sendActivity(say("That doesn't look like an email address. Please type your line manager's email, for example jo.bloggs@example.nhs.net."));
    return false;
  }

  private async formDoneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const duration = (step.values as Partial<ExceptionForm>).duration ?? EXCEPTION_DURATIONS[0];
    const form: ExceptionForm = { duration, lineManagerEmail: String(step.result).trim().toLowerCase() };
    return step.endDialog(form);
  }
}

/** Maps a conversation's channel onto the ticket channels. */
export function ticketChannel(channelId: string | undefined): TicketChannel {
  switch (channelId) {
    case 'msteams':
    case 'emulator':
    case 'voice':
      return channelId;
    default:
      return 'webchat';
  }
}

function requesterOf(identity: VerifyIdentityResult | undefined, typedName: string | undefined): CreateTicketInput['requester'] {
  if (identity?.verified) return { email: identity.email, name: identity.displayName, staffId: identity.staffId || undefined, personId: identity.personId };
  if (identity?.personId || identity?.email) return { personId: identity.personId, email: identity.email };
  // A name given by the chat client proves nothing; it only helps the agent address the person.
  const name = typedName?.trim().slice(0, 200);
  return { name: name ? `${name} (name given by the chat client, not verified)` : 'Unknown person (not verified)' };
}

function evidenceOf(type: HandoffType, v: EscalateValues): VerificationEvidence {
  const identity = v.identity;
  if (identity?.verified) return { verified: true, method: identity.method, destinationMasked: identity.destinationMasked, at: identity.at };
  const why = identity?.verified === false ? identity.reason.replace(/_/g, ' ') : v.skipped ?? 'no identity check was made';
  if (type === 'lost_device' || type === 'change_method' || type === 'new_device' || type === 'exception_request') {
    return { verified: false, reason: `${why}; ${NOT_VERIFIED_INSTRUCTION}` };
  }
  return { verified: false, reason: why };
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** The ticket's type and structured details, from what the topic conversation learnt. */
function ticketSubject(options: EscalateOptions, v: EscalateValues): TicketSubjectInput {
  const d = options.details;
  switch (options.type) {
    case 'lost_device':
      return {
        type: 'lost_device',
        details: {
          otherMethodAvailable: bool(d.otherMethodAvailable, false),
          canWork: bool(d.canWork, true),
          actionsNeeded: Array.isArray(d.actionsNeeded) ? d.actionsNeeded.map(String) : ['Remove the lost phone from the MFA methods', 'Issue a Temporary Access Pass'],
        },
      };
    case 'change_method': {
      const proof = v.newNumberProof;
      return {
        type: 'change_method',
        details: {
          newNumberE164: typeof d.newNumberE164 === 'string' ? d.newNumberE164 : undefined,
          newNumberProof:
            proof === undefined
              ? undefined
              : proof.proven
                ? { verified: true, method: proof.method, destinationMasked: proof.destinationMasked, at: proof.at }
                : { verified: false, reason: `new number not proven: ${proof.reason.replace(/_/g, ' ')}` },
          toMethod: d.change === 'default_method' ? 'new default method' : typeof d.newNumberKind === 'string' ? `${d.newNumberKind} number` : undefined,
        },
      };
    }
    case 'new_device':
      return {
        type: 'new_device',
        details: { oldDeviceAvailable: true, actionsNeeded: ['Help move the Authenticator app or the MFA number to the new phone'] },
      };
    case 'suspicious_prompt':
      return {
        type: 'suspicious_prompt',
        details: { anyApproved: bool(d.anyApproved, false) || bool(d.approvalUnsure, false), passwordReset: bool(d.passwordReset, false), promptCount: promptCountOf(d.promptCount) },
      };
    case 'exception_request':
      return {
        type: 'exception_request',
        details: {
          reasonCategory: typeof d.reasonCategory === 'string' ? d.reasonCategory : 'Not given',
          justification: typeof d.justification === 'string' && d.justification.trim() ? d.justification : 'Not given',
          duration: v.exceptionForm?.duration ?? EXCEPTION_DURATIONS[0],
          lineManagerEmail: v.exceptionForm?.lineManagerEmail ?? '',
          needsLocalAdminApproval: true,
        },
      };
    default:
      return {
        type: 'other',
        details: {
          actionRequested: true,
          topic: typeof d.fromConversation === 'string' ? d.fromConversation : typeof d.identityCheck === 'string' ? 'identity check' : undefined,
        },
      };
  }
}

/** The lower bound of a prompt-count answer ("Just one", "2 to 5", "More than 5"). */
function promptCountOf(answer: unknown): number | undefined {
  if (typeof answer !== 'string') return undefined;
  if (/one/i.test(answer)) return 1;
  const n = answer.match(/\d+/);
  if (!n) return undefined;
  return /more than/i.test(answer) ? Number(n[0]) + 1 : Number(n[0]);
}

function confirmation(ticket: Ticket, type: HandoffType, v: EscalateValues): string {
  const verified = v.identity?.verified === true;
  const lines = [`I've opened ticket **${ticket.id}** (priority ${ticket.priority}) with the helpdesk. ${NEXT_STEPS[type]}`];
  if (!verified && type !== 'suspicious_prompt' && type !== 'other') {
    lines.push("As I couldn't confirm it's you, an agent will call you back on a number from your HR record, or check with your line manager, before changing anything.");
  }
  if (ticket.priority === 'P1') lines.push('This has been marked urgent and the security team has been alerted.');
  lines.push(`Quote ${ticket.id} if you contact the helpdesk on ${HELPDESK_PHONE}. You can ask me "what's the status of my ticket" at any time.`);
  return lines.join('\n\n');
}
