import { ActionTypes, type Activity } from 'botbuilder';
import type { CommandIntent } from '../src/knowledge/commands';
import type { HelpdeskEntities, HelpdeskSlots } from '../src/knowledge/entities';
import type { HelpdeskRecognition } from '../src/knowledge/recognizer';
import type { KnowledgeDialog, KnowledgeEntry } from '../src/knowledge/types';
import { CHANGE_METHOD_DIALOG, type ChangeMethodOptions } from './changeMethodDialog';
import { ESCALATE_DIALOG } from './escalateDialog';
import { EXCEPTION_REQUEST_DIALOG } from './exceptionRequestDialog';
import { LOST_DEVICE_DIALOG } from './lostDeviceDialog';
import { TOPIC, topicFromChoice, type TopicId } from './menu';
import { NEW_DEVICE_DIALOG } from './newDeviceDialog';
import type { HandoffType, TopicOutcome } from './outcome';
import { SUSPICIOUS_PROMPT_DIALOG } from './suspiciousPromptDialog';
import { TICKET_STATUS_DIALOG, type TicketStatusOptions } from './ticketStatusDialog';
import type { VerifyIdentityOptions } from './verifyIdentity';
import { VERIFY_IDENTITY_DIALOG } from './verifyIdentityDialog';

/** Offered with every "not sure" reply. */
export const PERSON_OPTION = 'Talk to a person';

/** Which conversation each menu topic starts. */
export const TOPIC_DIALOGS: Readonly<Record<Exclude<TopicId, 'person'>, string>> = {
  [TOPIC.lostDevice]: LOST_DEVICE_DIALOG,
  [TOPIC.changeMethod]: CHANGE_METHOD_DIALOG,
  [TOPIC.newDevice]: NEW_DEVICE_DIALOG,
  [TOPIC.suspiciousPrompt]: SUSPICIOUS_PROMPT_DIALOG,
  [TOPIC.exceptionRequest]: EXCEPTION_REQUEST_DIALOG,
};

/**
 * Knowledge entries whose guided conversation starts straight away: the person is reporting a
 * problem the bot can work through. Other entries are answered, with a button for the flow.
 */
export const DIRECT_DIALOGS: ReadonlySet<KnowledgeDialog> = new Set(['lost_device', 'new_device', 'suspicious_prompt', 'exception_request', 'person', 'verify_identity']);

/** The knowledge entry of each guided flow: what a follow-up is read against once the flow has finished. */
export const FLOW_ENTRIES: Readonly<Record<string, string>> = {
  [LOST_DEVICE_DIALOG]: 'lost_phone',
  [NEW_DEVICE_DIALOG]: 'new_phone',
  [SUSPICIOUS_PROMPT_DIALOG]: 'suspicious_prompt',
  [EXCEPTION_REQUEST_DIALOG]: 'exception_request',
  [CHANGE_METHOD_DIALOG]: 'change_default_method',
};

/** Begin options for a topic started from a knowledge entry. */
const ENTRY_OPTIONS: Readonly<Record<string, ChangeMethodOptions>> = {
  new_number: { change: 'phone_number' },
  change_default_method: { change: 'default_method' },
};

/** Adds "Talk to a person" to a reply's suggested actions. */
export function withPersonOption(activity: Partial<Activity>): Partial<Activity> {
  const actions = [...(activity.suggestedActions?.actions ?? [])];
  if (!actions.some((a) => a.title === PERSON_OPTION)) actions.push({ type: ActionTypes.ImBack, title: PERSON_OPTION, value: PERSON_OPTION });
  return { ...activity, speak: `${activity.speak ?? ''} Or say talk to a person.`.trim(), suggestedActions: { actions, to: [] } };
}

/** The hand-over for a plain request to talk to a person. */
export function personHandoff(): Extract<TopicOutcome, { kind: 'handoff' }> {
  return { kind: 'handoff', type: 'other', summary: 'Asked to talk to a person', details: {} };
}

const ENTRY_HANDOFF_TYPES: Readonly<Partial<Record<KnowledgeDialog, HandoffType>>> = {
  lost_device: 'lost_device',
  change_method: 'change_method',
  new_device: 'new_device',
  suspicious_prompt: 'suspicious_prompt',
  exception_request: 'exception_request',
};

/** The hand-over when the person followed the steps of an answer and is still stuck. */
export function stuckHandoff(entry: KnowledgeEntry | undefined): Extract<TopicOutcome, { kind: 'handoff' }> {
  const type = (entry?.dialog && ENTRY_HANDOFF_TYPES[entry.dialog]) || 'other';
  return { kind: 'handoff', type, summary: `Stuck following the steps for "${entry?.topic ?? 'an answer'}"`, details: { entryId: entry?.id ?? null, selfServiceTried: true } };
}

/** The topic of a menu card submission, if it is one. */
export function menuSubmission(value: unknown): TopicId | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as { verb?: unknown; topic?: unknown };
  return v.verb === 'menu' && typeof v.topic === 'string' ? topicFromChoice(v.topic) : undefined;
}

/** A dialog to begin, with its options. */
export interface DialogStart {
  readonly id: string;
  readonly options?: object;
}

/** The guided conversation a knowledge entry's `dialog` starts; `undefined` when it names none. */
export function entryDialogStart(dialog: string, entry: KnowledgeEntry | undefined, slots: HelpdeskSlots = {}): DialogStart | undefined {
  switch (dialog) {
    case 'person':
      return { id: ESCALATE_DIALOG, options: personHandoff() };
    case 'lost_device':
      return { id: LOST_DEVICE_DIALOG, options: { slots } };
    case 'new_device':
      return { id: NEW_DEVICE_DIALOG, options: { slots } };
    case 'suspicious_prompt':
      return { id: SUSPICIOUS_PROMPT_DIALOG, options: { slots } };
    case 'exception_request':
      return { id: EXCEPTION_REQUEST_DIALOG };
    case 'change_method':
      return { id: CHANGE_METHOD_DIALOG, options: entry ? ENTRY_OPTIONS[entry.id] : undefined };
    case 'verify_identity':
      return { id: VERIFY_IDENTITY_DIALOG, options: { standalone: true } satisfies VerifyIdentityOptions };
    default:
      return undefined;
  }
}

/** What the root dialog does with a command. */
export type CommandRoute = { readonly kind: 'dialog'; readonly start: DialogStart } | { readonly kind: 'menu' } | { readonly kind: 'nothingToCancel' };

const begin = (id: string, options?: object): CommandRoute => ({ kind: 'dialog', start: { id, options } });
const tickets = (action: TicketStatusOptions['action'], e: HelpdeskEntities): CommandRoute =>
  begin(TICKET_STATUS_DIALOG, { action, ticketId: e.ticketId } satisfies TicketStatusOptions);

/** One line per top-level command: what it starts. Commands of other scopes are not routed here. */
const COMMAND_ROUTES: Readonly<Partial<Record<CommandIntent, (e: HelpdeskEntities) => CommandRoute>>> = {
  person: () => begin(ESCALATE_DIALOG, personHandoff()),
  verifyMe: () => begin(VERIFY_IDENTITY_DIALOG, { standalone: true } satisfies VerifyIdentityOptions),
  myTickets: (e) => tickets('status', e),
  cancelTicket: (e) => tickets('cancel', e),
  help: () => ({ kind: 'menu' }),
  startOver: () => ({ kind: 'menu' }),
  cancel: () => ({ kind: 'nothingToCancel' }),
  'topic.lost_device': () => begin(LOST_DEVICE_DIALOG),
  'topic.change_method': () => begin(CHANGE_METHOD_DIALOG),
  'topic.new_device': () => begin(NEW_DEVICE_DIALOG),
  'topic.suspicious_prompt': () => begin(SUSPICIOUS_PROMPT_DIALOG),
  'topic.exception_request': () => begin(EXCEPTION_REQUEST_DIALOG),
};

/** What a top-level command starts, with its entities (e.g. the ticket id); `undefined` for other commands. */
export function commandRoute(intent: CommandIntent, entities: HelpdeskEntities): CommandRoute | undefined {
  return COMMAND_ROUTES[intent]?.(entities);
}

/** How sure the recognizer must be of another entry for a message at a flow's question to leave the flow. */
const TOPIC_SWITCH_SCORE = 0.8;

/**
 * Whether a message typed at a question of the guided flow `flowId`, picking none of its
 * choices, asks for something else: a menu topic or command that starts another flow ("I lost
 * my phone"; help, cancel and the rest are interruptions), another entry or a near-domain
 * question the recognizer is sure of.
 */
export function leavesFlow(recognition: HelpdeskRecognition, flowId: string): boolean {
  if (recognition.command) {
    const route = commandRoute(recognition.command, recognition.entities);
    return route?.kind === 'dialog' && route.start.id !== flowId;
  }
  const c = recognition.classification;
  if (c.kind === 'near_domain') return c.score >= TOPIC_SWITCH_SCORE;
  return c.kind === 'answer' && c.score >= TOPIC_SWITCH_SCORE && c.entry.id !== FLOW_ENTRIES[flowId];
}
