import type { Attachment } from 'botbuilder';
import { createTicketCard, type CardJson, type TicketCardData } from '../../cards';
import { redactPhonesInText } from '../logger';
import type { Ticket, TicketType, VerificationEvidence } from '../tickets/model';
import { lostDeviceFacts, secondCheckPending } from '../tickets/lostDevice';
import { redactTranscriptText } from '../tickets/redaction';
import type { RelayRecord } from './teamsStore';

/** Longest summary shown on the card; the full one is in the ticket. */
export const CARD_SUMMARY_MAX = 1500;
/** Longest note or resolution text shown on the card. */
export const CARD_NOTE_MAX = 600;
/** How many of the latest notes the card shows. */
export const CARD_RECENT_NOTES = 3;

const TYPE_LABELS: Record<TicketType, string> = {
  lost_device: 'Lost or stolen phone',
  change_method: 'Change of MFA method',
  new_device: 'New phone',
  suspicious_prompt: 'MFA prompts the person did not start',
  exception_request: 'MFA exception request',
  other: 'Other',
};

/** Options of {@link ticketCardData}. */
export interface TicketCardOptions {
  /** The live chat of the ticket, if any. */
  readonly relay?: RelayRecord;
  /** A message for whoever pressed a button. */
  readonly message?: string;
  /** Show no buttons (the security team's copy, or someone outside the helpdesk team). */
  readonly readOnly?: boolean;
}

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Free text as the card shows it: codes and phone numbers redacted, Markdown links broken up
 * (so text a person typed cannot become a link on an agent's card), cut to `max`.
 */
function clean(text: string, max: number): string {
  return truncate(redactPhonesInText(redactTranscriptText(text)).replace(/\]\s*\(/g, '] ('), max);
}

/** "Verified by SMS to mobile ending 101" or "Identity NOT verified: <reason>". */
export function verificationBadge(evidence: VerificationEvidence): string {
  if (!evidence.verified) return `Identity NOT verified: ${clean(evidence.reason, 300)}`;
  const digits = evidence.destinationMasked.replace(/\D/g, '').slice(-3);
  const ending = digits ? ` ending ${digits}` : '';
  if (evidence.method === 'callback') return `Verified by call-back to the number on record${ending}`;
  return evidence.method === 'sms' ? `Verified by SMS to mobile${ending}` : `Verified by voice call to number${ending}`;
}

/** Who asked, as agents see it: name and email (never a phone number), or what an unverified requester claimed. */
export function requesterLine(ticket: Ticket): string {
  const { name, email, staffId, claimed } = ticket.requester;
  if (claimed !== undefined) return redactPhonesInText(`Claimed, not verified: "${claimed}"`);
  const parts = [name, email ? (name ? `(${email})` : email) : undefined, !name && !email && staffId ? `staff id ${staffId}` : undefined].filter(
    (p): p is string => p !== undefined,
  );
  return redactPhonesInText(parts.join(' ') || 'unknown');
}

function statusLine(ticket: Ticket): string {
  switch (ticket.status) {
    case 'open':
      return 'Open: waiting for an agent';
    case 'claimed':
      return `Claimed by ${ticket.assignee ?? 'an agent'}`;
    case 'resolved':
      return `Resolved by ${ticket.assignee ?? 'an agent'}`;
    case 'cancelled':
      return 'Cancelled';
  }
}

/** The values of the ticket card for a ticket. Every text is redacted and bounded, so the card stays small. */
export function ticketCardData(ticket: Ticket, options: TicketCardOptions = {}): TicketCardData {
  const active = ticket.status === 'open' || ticket.status === 'claimed';
  const relayLive = options.relay?.state === 'live';
  const readOnly = options.readOnly ?? false;
  const type = TYPE_LABELS[ticket.type];
  const badge = verificationBadge(ticket.verification);
  const pendingCheck = ticket.type === 'lost_device' && secondCheckPending(ticket.details);
  const facts = [
    { title: 'Priority', value: ticket.accountCompromised ? `${ticket.priority} (account flagged as compromised)` : ticket.priority },
    { title: 'Type', value: type },
    { title: 'Status', value: statusLine(ticket) },
    { title: 'Requester', value: requesterLine(ticket) },
    { title: 'Assigned to', value: ticket.assignee ?? 'nobody yet' },
    { title: 'Channel', value: ticket.channel },
    ...(ticket.type === 'lost_device' ? lostDeviceFacts(ticket.details, (note) => clean(note, 300)) : []),
    ...callbackFact(ticket),
  ];
  const recent = ticket.notes.slice(-CARD_RECENT_NOTES);
  const older = ticket.notes.length - recent.length;
  const turns = ticket.transcript.length;
  const summary = clean(ticket.summary, CARD_SUMMARY_MAX);
  const fallbackText = truncate(`${ticket.id} (${ticket.priority}, ${ticket.status}): ${type}. ${badge}. ${summary}`, 400);
  return {
    ticketId: ticket.id,
    title: `${ticket.id} · ${type}`,
    verification: { verified: ticket.verification.verified, text: badge },
    facts,
    summary,
    ...(ticket.personNotNotified
      ? { personNotNotified: `The person could not be notified (${clean(ticket.personNotNotified.reason, 200)}). Contact them another way.` }
      : {}),
    ...(relayLive && options.relay
      ? { relay: `Live chat: ${options.relay.agent.name} is chatting with the person in this card's thread. Replies there are relayed.` }
      : {}),
    ...(ticket.resolution ? { resolution: `Resolution: ${clean(ticket.resolution, CARD_NOTE_MAX)}` } : {}),
    notes: recent.map((n) => ({
      header: `${n.agent}, ${n.at.slice(0, 16).replace('T', ' ')} UTC${n.visibleToUser ? ' · shown to the person' : ' · internal'}`,
      text: clean(n.text, CARD_NOTE_MAX),
    })),
    notesHeading: older > 0 ? `Recent notes (${older} earlier in the ticket)` : 'Recent notes',
    transcriptLine: `${turns} conversation turn${turns === 1 ? '' : 's'} in the ticket (GET /api/tickets/${ticket.id}).`,
    ...(options.message ? { message: options.message } : {}),
    can: {
      claim: !readOnly && ticket.status === 'open',
      addNote: !readOnly,
      resolve: !readOnly && active && !pendingCheck,
      cancel: !readOnly && active,
      endChat: !readOnly && relayLive,
      verifyByCallback: !readOnly && active,
      recordSecondCheck: !readOnly && active && pendingCheck,
    },
    fallbackText,
    speak: `Ticket ${ticket.id}, priority ${ticket.priority}, ${statusLine(ticket)}. ${type}. ${badge}.`,
  };
}

/** The latest call-back verification on the ticket, as a fact row (none when there was none). */
function callbackFact(ticket: Ticket): { title: string; value: string }[] {
  const last = [...ticket.history].reverse().find((h) => h.action.startsWith('callback_'));
  if (!last) return [];
  const when = `${last.at.slice(0, 16).replace('T', ' ')} UTC`;
  switch (last.action) {
    case 'callback_verified':
      return [{ title: 'Call-back', value: `Verified by call-back to the number on record (${when})` }];
    case 'callback_denied':
      return [{ title: 'Call-back', value: `DENIED: the person on the number on record did not ask for help (${when}). Security alert raised.` }];
    case 'callback_no_answer':
      return [{ title: 'Call-back', value: `No answer (${when})` }];
    default:
      return [{ title: 'Call-back', value: `Calling the number on record (${when} by ${last.by})` }];
  }
}

/** The ticket card attachment for a ticket. */
export function ticketCardAttachment(ticket: Ticket, options: TicketCardOptions = {}): Attachment {
  return createTicketCard(ticketCardData(ticket, options));
}

/** The Adaptive Card JSON inside a card attachment. */
export function cardContent(attachment: Attachment): CardJson & { type: 'AdaptiveCard' } {
  const content: unknown = attachment.content;
  if (content === null || typeof content !== 'object' || (content as { type?: unknown }).type !== 'AdaptiveCard') {
    throw new Error('Not an Adaptive Card attachment');
  }
  return content as CardJson & { type: 'AdaptiveCard' };
}
