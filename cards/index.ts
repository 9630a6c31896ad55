import { CardFactory, type Attachment } from 'botbuilder';
import * as ACData from 'adaptivecards-templating';
import { z } from 'zod';
import answerTemplate from './answer.json';
import choicesTemplate from './choices.json';
import menuTemplate from './menu.json';
import noticeTemplate from './notice.json';
import stepsTemplate from './steps.json';
import ticketTemplate from './ticket.json';

/** A JSON object as found in card templates and expanded cards. */
export type CardJson = Record<string, unknown>;

/**
 * Parsed templates, keyed by the JSON they were parsed from. Parsing a template runs the
 * adaptive-expressions parser over every `${...}` in it, which costs far more than expanding it,
 * so each template is parsed once and its `Template` reused for every card.
 */
const parsedTemplates = new WeakMap<object, ACData.Template>();

/**
 * The parsed `adaptivecards-templating` template for a JSON template, parsed on first use.
 * @param template the JSON template from `cards/`
 */
function parsedTemplate(template: object): ACData.Template {
  let parsed = parsedTemplates.get(template);
  if (parsed === undefined) {
    parsed = new ACData.Template(template);
    parsedTemplates.set(template, parsed);
  }
  return parsed;
}

/** How many expanded cards are remembered per template. */
const REMEMBERED_CARDS = 256;

/**
 * Cards already expanded, per template, as JSON text keyed by the JSON of their values. Most
 * cards are the same every time (an entry's answer and feedback cards), so they are expanded
 * once and then only copied.
 */
const expandedCards = new WeakMap<object, Map<string, string>>();

/**
 * Expands an Adaptive Card template with `adaptivecards-templating`. The template is parsed
 * once, and a card already expanded with the same values is copied rather than expanded again;
 * each call returns a new object that shares nothing with the template or other calls.
 * @param template the JSON template from `cards/`
 * @param data the values bound to `$root`
 */
export function expandCard(template: object, data: object): CardJson {
  const key = JSON.stringify(data);
  let remembered = expandedCards.get(template);
  const known = remembered?.get(key);
  if (known !== undefined) return JSON.parse(known) as CardJson;
  const expanded: unknown = parsedTemplate(template).expand({ $root: data });
  if (expanded === null || typeof expanded !== 'object' || Array.isArray(expanded)) {
    throw new Error('Card template did not expand to an object');
  }
  if (remembered === undefined) {
    remembered = new Map();
    expandedCards.set(template, remembered);
  }
  if (remembered.size >= REMEMBERED_CARDS) remembered.delete(remembered.keys().next().value as string);
  remembered.set(key, JSON.stringify(expanded));
  return expanded as CardJson;
}

/** Parses every card template now, so that no conversation turn pays for it. */
export function prepareCardTemplates(): void {
  for (const template of [answerTemplate, choicesTemplate, menuTemplate, noticeTemplate, stepsTemplate, ticketTemplate]) {
    parsedTemplate(template);
  }
}

/** One button of the menu card. */
export interface MenuOption {
  /** Topic id sent back as `topic` with verb `menu`. */
  readonly id: string;
  readonly title: string;
}

/** Values of the menu card. */
export interface MenuCardData {
  readonly title: string;
  /** Plain text shown by clients that cannot render the card. */
  readonly fallbackText: string;
  readonly speak: string;
  readonly options: readonly MenuOption[];
}

/** The topic menu: a title and one submit button per topic (verb `menu`), one per row. */
export function createMenuCard(data: MenuCardData): Attachment {
  return CardFactory.adaptiveCard(expandCard(menuTemplate, data));
}

/** Values of the choices card. */
export interface ChoicesCardData {
  /** Button titles, in order; each button answers with its title. */
  readonly choices: readonly string[];
  /** Plain text shown by clients that cannot render the card. */
  readonly fallbackText: string;
  readonly speak: string;
}

/**
 * The choices of a question as buttons, one per row so that no title is cut off, for clients
 * that show no suggested actions. Each button submits `{ verb: 'choice', value: title }`, and in
 * Teams sends its title as a message (`imBack`), just as a suggested action would.
 */
export function createChoicesCard(data: ChoicesCardData): Attachment {
  return CardFactory.adaptiveCard(
    expandCard(choicesTemplate, { choices: data.choices.map((title) => ({ title })), fallbackText: data.fallbackText, speak: data.speak }),
  );
}

/** A link button ("more info") of the answer card. */
export interface CardLink {
  readonly title: string;
  readonly url: string;
}

/** A related-question button of the answer card; submits `{ verb: 'followup', entryId: id }`. */
export interface CardFollowUp {
  readonly id: string;
  readonly title: string;
}

/** Values of the answer card. */
export interface AnswerCardData {
  /** Knowledge entry shown; echoed in every submission. */
  readonly entryId: string;
  readonly title: string;
  /**
   * The answer in Markdown. It is sent as the message text, above the card, so the card itself
   * carries the title, source, links and follow-ups and clients do not show the answer twice.
   */
  readonly text: string;
  /** Small print under the answer, e.g. where the information comes from. */
  readonly source?: string;
  readonly links?: readonly CardLink[];
  readonly followUps?: readonly CardFollowUp[];
  /** Heading above the related-question buttons; defaults to "Related questions". */
  readonly followUpsLabel?: string;
  /** Guided flow offered by a button that submits `{ verb: 'start_dialog', dialog, entryId }`. */
  readonly dialog?: string;
  /** Title of the guided-flow button; defaults to "Help me do this". */
  readonly dialogTitle?: string;
  /** Plain text shown by clients that cannot render the card. */
  readonly fallbackText: string;
  readonly speak: string;
}

/**
 * An answer: title, Markdown text, optional source line, an optional button that starts a guided
 * flow (verb `start_dialog`), link buttons and related-question buttons (verb `followup`).
 */
export function createAnswerCard(data: AnswerCardData): Attachment {
  return CardFactory.adaptiveCard(
    expandCard(answerTemplate, {
      ...data,
      links: data.links ?? [],
      followUps: data.followUps ?? [],
      followUpsLabel: data.followUpsLabel ?? 'Related questions',
      dialogTitle: data.dialogTitle ?? 'Help me do this',
    }),
  );
}

/** Values of the numbered steps card. */
export interface StepsCardData {
  /** Knowledge entry the steps belong to; echoed in every submission. */
  readonly entryId: string;
  readonly title: string;
  readonly intro?: string;
  /** One instruction per step, in order, without the number (Markdown allowed). */
  readonly steps: readonly string[];
  /** Title of the button that submits `{ verb: 'steps', outcome: 'done' }`; defaults to "Done, that worked". */
  readonly doneTitle?: string;
  /** Title of the button that submits `{ verb: 'steps', outcome: 'stuck' }`; defaults to "I'm stuck". */
  readonly stuckTitle?: string;
  readonly fallbackText: string;
  readonly speak: string;
}

/** Numbered instructions with "done" and "stuck" buttons (verb `steps`). */
export function createStepsCard(data: StepsCardData): Attachment {
  return CardFactory.adaptiveCard(
    expandCard(stepsTemplate, {
      ...data,
      steps: data.steps.map((text, i) => ({ number: i + 1, text })),
      doneTitle: data.doneTitle ?? 'Done, that worked',
      stuckTitle: data.stuckTitle ?? "I'm stuck",
    }),
  );
}

/** Verbs of the `Action.Execute` buttons on the ticket card; each sends `{ ticketId }` (plus its inputs). */
export const TICKET_CARD_VERBS = {
  claim: 'claimTicket',
  addNote: 'addNote',
  resolve: 'resolveTicket',
  cancel: 'cancelTicket',
  endChat: 'endChat',
  /** Calls the requester's number on record: # confirms the request, 9 denies it. */
  verifyByCallback: 'verifyByCallback',
  /** Records the second check a lost phone's Temporary Access Pass waits for (`secondCheckMethod`, `secondCheckNote`). */
  recordSecondCheck: 'recordSecondCheck',
  /** Sent by Teams to refresh the card in place (Universal Actions `refresh`). */
  refresh: 'refreshTicket',
} as const;

/** Values of the ticket card agents see in Teams. Every string is shown as it is: redact before. */
export interface TicketCardData {
  readonly ticketId: string;
  /** Heading, e.g. `MFA-000042 · Lost or stolen phone`. */
  readonly title: string;
  /** The verification badge: `verified` selects a green or a red badge. */
  readonly verification: { readonly verified: boolean; readonly text: string };
  /** Label and value rows: priority, type, status, requester, assignee. */
  readonly facts: readonly { readonly title: string; readonly value: string }[];
  readonly summary: string;
  /** Shown in red when a message to the person could not be delivered. */
  readonly personNotNotified?: string;
  /** Describes the live chat with the person, when one is open. */
  readonly relay?: string;
  readonly resolution?: string;
  /** Recent notes, oldest first. */
  readonly notes: readonly { readonly header: string; readonly text: string }[];
  /** Heading above the notes; defaults to "Recent notes". */
  readonly notesHeading?: string;
  /** Where the full ticket and its transcript are, e.g. "20 conversation turns in the ticket: GET /api/tickets/MFA-000042". */
  readonly transcriptLine: string;
  /** A message for whoever pressed a button, shown above everything else (e.g. who holds the ticket). */
  readonly message?: string;
  /** Which buttons to show. */
  readonly can: {
    readonly claim: boolean;
    readonly addNote: boolean;
    readonly resolve: boolean;
    readonly cancel: boolean;
    readonly endChat: boolean;
    readonly verifyByCallback: boolean;
    /** A Temporary Access Pass waits for its second check (shown instead of Resolve, which is refused until then). */
    readonly recordSecondCheck: boolean;
  };
  readonly fallbackText: string;
  readonly speak: string;
}

/**
 * A helpdesk ticket for agents in Teams: heading, verification badge, facts, summary, notes and
 * `Action.Execute` buttons (verbs in {@link TICKET_CARD_VERBS}, each with `{ ticketId }` in
 * `data`): Claim, Add note (text and "show to the person" toggle), Resolve (resolution text),
 * Verify by call-back, and "More actions" opening End chat and Cancel. While a Temporary Access
 * Pass waits for its second check, "Record second check" (method and note) replaces Resolve. At most five buttons show
 * at once, which every Teams client displays whole. Its `refresh` action (verb `refreshTicket`)
 * lets Teams update it in place.
 */
export function createTicketCard(data: TicketCardData): Attachment {
  const verified = data.verification.verified;
  return CardFactory.adaptiveCard(
    expandCard(ticketTemplate, {
      ...data,
      verification: { text: data.verification.text, style: verified ? 'good' : 'attention', color: verified ? 'Good' : 'Attention' },
      notesHeading: data.notesHeading ?? 'Recent notes',
    }),
  );
}

/** Values of the notice card. */
export interface NoticeCardData {
  readonly title: string;
  readonly text: string;
  /** Defaults to the title and the text. */
  readonly fallbackText?: string;
  /** Defaults to the text. */
  readonly speak?: string;
}

/** A short notice without buttons, e.g. the refusal shown to someone who may not act on a ticket. */
export function createNoticeCard(data: NoticeCardData): Attachment {
  return CardFactory.adaptiveCard(
    expandCard(noticeTemplate, {
      title: data.title,
      text: data.text,
      fallbackText: data.fallbackText ?? `${data.title}: ${data.text}`,
      speak: data.speak ?? data.text,
    }),
  );
}

const knowledgeSubmitSchema = z.discriminatedUnion('verb', [
  z.object({ verb: z.literal('followup'), entryId: z.string().min(1) }),
  z.object({ verb: z.literal('start_dialog'), dialog: z.string().min(1), entryId: z.string().min(1) }),
  z.object({ verb: z.literal('steps'), outcome: z.enum(['done', 'stuck']), entryId: z.string().min(1) }),
]);

/** The `value` of a submission from the answer or steps card. */
export type KnowledgeCardSubmit = z.infer<typeof knowledgeSubmitSchema>;

/**
 * Reads an activity `value` sent by the answer or steps card.
 * @returns the typed submission, or `undefined` when the value is not one of them
 */
export function parseKnowledgeSubmit(value: unknown): KnowledgeCardSubmit | undefined {
  // Typed messages carry no value: nothing to parse, and no schema error to build.
  if (value === null || typeof value !== 'object') return undefined;
  const parsed = knowledgeSubmitSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
