import type { TurnContext } from 'botbuilder';
import type { Directory, Person } from '../src/directory/directory';
import { lostDeviceDetails, phoneLabel } from '../src/tickets/lostDevice';
import { ticketPriority } from '../src/tickets/priority';
import { CLIENT_ADDRESS_TURN_KEY, ticketOriginOf, type TicketFloodGuard } from '../src/tickets/ticketFloodGuard';
import type { CreateTicketInput, Ticket, TicketChannel, TicketSubjectInput, VerificationEvidence } from '../src/tickets';
import { HELPDESK_PHONE } from './facts';
import type { HandoffType, TopicOutcome } from './outcome';
import type { ProveNewNumberResult } from './proveNewNumberDialog';
import { PROMPT_COUNT_LOWER_BOUND } from './suspiciousPromptDialog';
import type { VerifyIdentityResult } from './verifyIdentity';

/** Options of the hand-over: what the conversation that asked for it learnt. */
export type EscalateOptions = Extract<TopicOutcome, { kind: 'handoff' }>;

/** What an agent must do when the bot could not prove who the person is. */
export const NOT_VERIFIED_INSTRUCTION =
  'identity NOT verified: agent must call back on a number from the HR record or get line-manager confirmation';

/** Told when an unverified ticket is refused because a budget is spent. */
export const TICKET_REFUSED_TEXT = `I can't open a ticket from here just now. Please call the helpdesk on ${HELPDESK_PHONE}: they can help you straight away.`;

/** Told when the person decides against a ticket after a failed check. */
export const NO_TICKET_TEXT = `OK, I haven't opened a ticket. You can call the helpdesk on ${HELPDESK_PHONE}, or ask me again whenever you need a person.`;

/** The answers to "Shall I still open a ticket?" after a failed check. */
export const OPEN_ANYWAY = { yes: 'Yes, open a ticket', no: 'No, thanks' } as const;

/**
 * Takes an unverified ticket from the flood budgets for this turn: its conversation, the claimed
 * requester, the sender and the client address the channel left in turn state. False when spent.
 */
export async function admitUnverified(guard: TicketFloodGuard, context: TurnContext, identity: VerifyIdentityResult | undefined): Promise<boolean> {
  const claimed = identity?.verified === false ? (identity.personId ?? identity.claimed ?? identity.email) : undefined;
  return (await guard.admit(ticketOriginOf(context.activity, claimed, context.turnState.get(CLIENT_ADDRESS_TURN_KEY)))).ok;
}

/** Durations offered for an exception. */
export const EXCEPTION_DURATIONS = ['1 month', '3 months', '6 months', '12 months'] as const;

/** Why the identity check is made, per hand-over type. */
export const PURPOSE: Record<HandoffType, string> = {
  lost_device: 'before the helpdesk removes the lost phone from your account',
  change_method: 'before your phone number is changed',
  new_device: 'before the helpdesk changes anything on your account',
  suspicious_prompt: 'so the security team knows the report comes from you',
  exception_request: 'before I pass on your exception request',
  other: 'so the helpdesk can act faster',
};

/** What happens next, per hand-over type. */
export const NEXT_STEPS: Record<HandoffType, string> = {
  lost_device: 'An agent will check who you are, remove the lost phone from your MFA methods and tell you how to sign in again.',
  change_method: 'An agent will update your MFA phone number.',
  new_device: 'An agent will help you move MFA to your new phone.',
  suspicious_prompt: 'The security team has been told and will check your account. Keep denying any request you did not start.',
  exception_request: 'Your local administrator has to approve an exception; the helpdesk will pass it on and let you know the outcome.',
  other: 'An agent will pick it up and get back to you.',
};

/** Form answers of an exception request. */
export interface ExceptionForm {
  duration: string;
  lineManagerEmail: string;
}

/** What the hand-over learnt on the way to the ticket. */
export interface EscalateValues {
  identity?: VerifyIdentityResult;
  /** Why no identity check was made, when it was skipped. */
  skipped?: string;
  newNumberProof?: ProveNewNumberResult;
  exceptionForm?: ExceptionForm;
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

/**
 * Who the ticket is for: the verified person; or, unverified, what the person typed to say who
 * they are (`claimed`, with the directory entry it matched); or the name the client gave.
 */
export function requesterOf(identity: VerifyIdentityResult | undefined, typedName: string | undefined): CreateTicketInput['requester'] {
  if (identity?.verified) return { email: identity.email, name: identity.displayName, staffId: identity.staffId || undefined, personId: identity.personId };
  const claimed = identity?.claimed ?? identity?.email;
  if (identity?.personId || claimed) return { ...(identity?.personId ? { personId: identity.personId } : {}), ...(claimed ? { claimed } : {}) };
  // A name given by the chat client proves nothing; it only helps the agent address the person.
  const name = typedName?.trim().slice(0, 200);
  return { name: name ? `${name} (name given by the chat client, not verified)` : 'Unknown person (not verified)' };
}

/** How identity was proven, or why it was not, with the agent's instruction when it matters. */
export function evidenceOf(type: HandoffType, v: EscalateValues): VerificationEvidence {
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

/**
 * The directory entry of the person the identity check found (proven or not), read again within
 * the turn so that no number is kept in the conversation's state.
 */
export async function personOf(directory: Directory, identity: VerifyIdentityResult | undefined): Promise<Person | undefined> {
  if (!identity?.personId) return undefined;
  const person = identity.email ? await directory.findByEmail(identity.email) : await directory.findByObjectId(identity.personId);
  return person?.id === identity.personId ? person : undefined;
}

/**
 * The ticket's type and structured details, from what the topic conversation learnt. A lost
 * phone's details also need the person's directory entry (`person`), when they were found.
 */
export function ticketSubject(options: EscalateOptions, v: EscalateValues, person?: Person): TicketSubjectInput {
  const d = options.details;
  switch (options.type) {
    case 'lost_device': {
      const identity = v.identity;
      return {
        type: 'lost_device',
        details: lostDeviceDetails({
          person,
          lostMethod: identity?.lostMethod,
          provingMasked: identity?.verified ? identity.destinationMasked : undefined,
          saidOtherMethod: d.otherMethodAvailable === true ? 'yes' : d.otherMethodUnsure === true ? 'unsure' : 'no',
          canWork: bool(d.canWork, true),
        }),
      };
    }
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

/**
 * What happens next with a lost phone. Only a proven person hears what the directory holds
 * (which phone, whether another method is registered); before proof the reply is the same for all.
 */
function lostPhoneNextSteps(details: Extract<Ticket, { type: 'lost_device' }>['details'], verified: boolean): string {
  if (!verified) return NEXT_STEPS.lost_device;
  const phone = details.lostPhone ? `your ${phoneLabel(details.lostPhone)}` : 'the lost phone';
  if (!details.temporaryAccessPass.requested) {
    return `An agent will remove ${phone} from your MFA methods. You don't need a Temporary Access Pass: at the MFA prompt, choose **Sign in another way** and use your other method.`;
  }
  return `An agent will remove ${phone} from your MFA methods. As no other method is registered, they will issue you a Temporary Access Pass, but only after a second check that the request is yours (a call-back or your line manager's confirmation).`;
}

/** The lower bound of a prompt-count answer ("Just one", "2 to 5", "More than 5"). */
function promptCountOf(answer: unknown): number | undefined {
  return typeof answer === 'string' ? PROMPT_COUNT_LOWER_BOUND[answer] : undefined;
}

/**
 * The reply that gives the person their ticket number and what happens next. Before proof it
 * shows no priority, and calls the ticket urgent only when the person's own answers make it so:
 * a priority raised by the directory's flags would tell them what the directory knows.
 */
export function confirmation(ticket: Ticket, type: HandoffType, v: EscalateValues): string {
  const verified = v.identity?.verified === true;
  const urgent = verified ? ticket.priority === 'P1' : ticketPriority({ ...ticket, accountCompromised: false }) === 'P1';
  const next = ticket.type === 'lost_device' ? lostPhoneNextSteps(ticket.details, verified) : NEXT_STEPS[type];
  const lines = [`I've opened ticket **${ticket.id}**${verified ? ` (priority ${ticket.priority})` : ''} with the helpdesk. ${next}`];
  if (!verified && type !== 'suspicious_prompt' && type !== 'other') {
    lines.push("As I couldn't confirm it's you, an agent will call you back on a number from your HR record, or check with your line manager, before changing anything.");
  }
  if (urgent) lines.push('This has been marked urgent and the security team has been alerted.');
  lines.push(`Quote ${ticket.id} if you contact the helpdesk on ${HELPDESK_PHONE}. You can ask me "what's the status of my ticket" at any time.`);
  return lines.join('\n\n');
}
