import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { parseKnowledgeSubmit } from '../cards';
import { normaliseCommand } from '../src/knowledge/commands';
import type { HelpdeskSlots } from '../src/knowledge/entities';
import type { ConversationContext } from '../src/knowledge/knowledgeNlu';
import type { HelpdeskRecognition } from '../src/knowledge/recognizer';
import type { KnowledgeEntry } from '../src/knowledge/types';
import { ANSWER_DIALOG, AnswerDialog, isAnswered, isNewRequest, type AnswerOptions, type AnswerRatings } from './answerDialog';
import { fallbackMessage, type EntryLookup } from './answerMessage';
import { ChangeMethodDialog } from './changeMethodDialog';
import { ESCALATE_DIALOG, EscalateDialog, type EscalateDeps } from './escalateDialog';
import { ExceptionRequestDialog } from './exceptionRequestDialog';
import { LAST_TOPIC_DIALOG, LastTopicDialog, type LastTopicOptions, type LastTopicRequest } from './lastTopicDialog';
import { LostDeviceDialog } from './lostDeviceDialog';
import { MAIN_WATERFALL, offerTopicSwitch, type TopicSwitch } from './topicSwitch';
import { DIRECT_DIALOGS, FLOW_ENTRIES, TOPIC_DIALOGS, commandRoute, entryDialogStart, leavesFlow, menuSubmission, personHandoff, stuckHandoff, withPersonOption } from './mainRouting';
import { menuMessage, TOPIC } from './menu';
import { NewDeviceDialog } from './newDeviceDialog';
import { RouteDialog, type RouteStep } from './routeDialog';
import { isTopicOutcome, type TopicOutcome } from './outcome';
import { say } from './reply';
import { SuspiciousPromptDialog } from './suspiciousPromptDialog';
import { TicketStatusDialog } from './ticketStatusDialog';
import { isVerifyIdentityResult } from './verifyIdentity';
import { VerifyIdentityDialog } from './verifyIdentityDialog';

export { PERSON_OPTION } from './mainRouting';

/** Id of the root dialog. */
export const MAIN_DIALOG = 'mainDialog';

/** Text of the fallback when a card or button could not be placed. */
export const FALLBACK_TEXT = "Sorry, I didn't quite get that. Pick one of the topics below, or ask your question in a different way.";

/** At most this many hand-overs between topics in a row (e.g. new phone → lost phone), so topics cannot loop. */
const MAX_HOPS = 3;

/** Understands free text: the recognizer of the knowledge layer. */
export interface Understanding {
  /** What a message means, read against what the conversation has just been about. */
  recognize(text: string, context?: ConversationContext): Promise<HelpdeskRecognition>;
  lookupEntry(id: string): KnowledgeEntry | undefined;
  /** An entry's answer as it reads for the question (the case asked about first). */
  answerFor(entry: KnowledgeEntry, question: string): { readonly text: string; readonly speech: string };
}

/** What the main dialog is built from. */
export interface MainDialogDeps {
  readonly understanding: Understanding;
  /** The services behind identity checks and tickets. */
  readonly services: EscalateDeps;
  /** Where ratings of answers are kept. */
  readonly feedback: AnswerRatings;
}

/** Options of the main waterfall when it is restarted to act on a topic's outcome. */
interface RouteOptions {
  readonly pending?: Exclude<TopicOutcome, { kind: 'done' }>;
  readonly hops?: number;
  /** What was just answered, so that a short follow-up is read against it. */
  readonly context?: ConversationContext;
  /** Whether {@link RouteOptions.context} is a guided flow that has just finished. */
  readonly finishedFlow?: boolean;
  /** Set after an answer or a finished flow: wait for the next message, keeping that topic. */
  readonly keep?: LastTopicOptions;
}

/** Values of the main waterfall. */
interface RouteValues {
  /** The entry of the guided flow begun this time round, if any. */
  flowEntry?: string;
}

/**
 * The root dialog. Each turn it works out what the user wants (a menu or card choice, a
 * global request, or free text through the knowledge NLU), answers or starts the matching
 * conversation, and acts on how that conversation ended: done, hand over to a person, or move
 * to another topic. An answer asks once whether it helped (never small talk or a guided
 * conversation); anything else said instead is treated as a new request.
 */
export class MainDialog extends ComponentDialog {
  private readonly understanding: Understanding;
  private readonly lookup: EntryLookup;
  private readonly topicSwitch: TopicSwitch;

  constructor(deps: MainDialogDeps) {
    super(MAIN_DIALOG);
    this.understanding = deps.understanding;
    this.lookup = (id) => deps.understanding.lookupEntry(id);
    this.topicSwitch = async (text, flowId) => leavesFlow(await deps.understanding.recognize(text), flowId);
    this.addDialog(new LostDeviceDialog());
    this.addDialog(new ChangeMethodDialog(this.lookup));
    this.addDialog(new NewDeviceDialog(this.lookup));
    this.addDialog(new SuspiciousPromptDialog());
    this.addDialog(new ExceptionRequestDialog());
    this.addDialog(new EscalateDialog(deps.services));
    this.addDialog(new VerifyIdentityDialog(deps.services));
    this.addDialog(new TicketStatusDialog(deps.services));
    this.addDialog(new AnswerDialog(this.lookup, deps.feedback));
    this.addDialog(new LastTopicDialog());
    this.addDialog(new RouteDialog<RouteOptions>(MAIN_WATERFALL, this.routeStep.bind(this), this.afterRouteStep.bind(this)));
    this.initialDialogId = MAIN_WATERFALL;
  }

  /** Every turn, the guided flows may ask whether a message at one of their questions is a new request. */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    offerTopicSwitch(innerDc.context, this.topicSwitch);
    return super.onContinueDialog(innerDc);
  }

  /** Decides what this turn is about and starts it. */
  private async routeStep(step: RouteStep<RouteOptions>): Promise<DialogTurnResult> {
    if (step.options?.keep) return step.beginDialog(LAST_TOPIC_DIALOG, step.options.keep);
    const pending = step.options?.pending;
    if (pending?.kind === 'handoff') return step.beginDialog(ESCALATE_DIALOG, pending);
    if (pending?.kind === 'redirect' && pending.topic !== TOPIC.person) return this.beginFlow(step, TOPIC_DIALOGS[pending.topic], pending.options);

    const activity = step.context.activity;
    if (activity.type !== ActivityTypes.Message) return step.endDialog();

    const submitted = this.routeSubmission(activity.value);
    if (submitted) return submitted(step);

    const recognition = await this.understanding.recognize(activity.text ?? '', step.options?.context);
    const route = recognition.command ? commandRoute(recognition.command, recognition.entities) : undefined;
    switch (route?.kind) {
      case 'dialog':
        return this.beginFlow(step, route.start.id, route.start.options);
      case 'menu':
        await step.context.sendActivity(menuMessage('I can help with multi-factor authentication (MFA).'));
        return step.endDialog();
      case 'nothingToCancel':
        await step.context.sendActivity(say("There's nothing to cancel. Ask me anything about MFA whenever you're ready."));
        return step.endDialog();
      default:
        break;
    }
    if (!normaliseCommand(activity.text)) {
      await step.context.sendActivity(menuMessage(FALLBACK_TEXT));
      return step.endDialog();
    }
    return this.understand(step, recognition);
  }

  /** Acts on a card submission; `undefined` when the value is not one the main dialog knows. */
  private routeSubmission(value: unknown): ((step: RouteStep<RouteOptions>) => Promise<DialogTurnResult>) | undefined {
    const menu = menuSubmission(value);
    if (menu === TOPIC.person) return (step) => step.beginDialog(ESCALATE_DIALOG, personHandoff());
    if (menu) return (step) => this.beginFlow(step, TOPIC_DIALOGS[menu]);
    const submit = parseKnowledgeSubmit(value);
    if (!submit) return undefined;
    const entry = this.lookup(submit.entryId);
    switch (submit.verb) {
      case 'followup':
        return entry ? (step) => this.answer(step, entry) : undefined;
      case 'start_dialog':
        return (step) => this.startEntryDialog(step, submit.dialog, entry);
      case 'steps':
        return async (step) => {
          if (submit.outcome === 'done') {
            await step.context.sendActivity(say("Great, you're all set."));
            return step.endDialog();
          }
          return step.beginDialog(ESCALATE_DIALOG, stuckHandoff(entry));
        };
      default:
        return undefined;
    }
  }

  /** Free text: answer, guided flow, small talk, or the "not sure" reply with the closest topics. */
  private async understand(step: RouteStep<RouteOptions>, recognition: HelpdeskRecognition): Promise<DialogTurnResult> {
    const result = recognition.classification;
    if (result.kind === 'answer') {
      const dialog = result.entry.dialog;
      // A follow-up of the flow just finished ("and if I used the app?") is answered, not a new run of the flow.
      const followsFinishedFlow = step.options?.finishedFlow === true && recognition.followUpOf === result.entry.id;
      if (dialog && DIRECT_DIALOGS.has(dialog) && !followsFinishedFlow) return this.startEntryDialog(step, dialog, result.entry, recognition.entities);
      return this.answer(step, result.entry, recognition.text);
    }
    if (result.kind === 'smalltalk') {
      if (result.intent === 'greeting') {
        await step.context.sendActivity(menuMessage(result.reply));
      } else {
        await step.context.sendActivity(fallbackMessage(result));
      }
      return step.endDialog();
    }
    await step.context.sendActivity(withPersonOption(fallbackMessage(result)));
    return step.endDialog();
  }

  /** Answers with an entry, asking once whether it helped. */
  private async answer(step: RouteStep<RouteOptions>, entry: KnowledgeEntry, question?: string): Promise<DialogTurnResult> {
    const shaped = question === undefined ? undefined : this.understanding.answerFor(entry, question);
    return step.beginDialog(ANSWER_DIALOG, { entryId: entry.id, shaped } satisfies AnswerOptions);
  }

  private async startEntryDialog(step: RouteStep<RouteOptions>, dialog: string, entry: KnowledgeEntry | undefined, slots: HelpdeskSlots = {}): Promise<DialogTurnResult> {
    const start = entryDialogStart(dialog, entry, slots);
    if (start) return this.beginFlow(step, start.id, start.options, entry?.id);
    if (entry) return this.answer(step, entry);
    await step.context.sendActivity(menuMessage(FALLBACK_TEXT));
    return step.endDialog();
  }

  /** Begins a dialog, noting the knowledge entry of the guided flow it is (see {@link FLOW_ENTRIES}). */
  private async beginFlow(step: RouteStep<RouteOptions>, id: string, options?: object, entryId?: string): Promise<DialogTurnResult> {
    const flowEntry = FLOW_ENTRIES[id] === undefined ? undefined : (entryId ?? FLOW_ENTRIES[id]);
    (step.values as RouteValues).flowEntry = flowEntry;
    return step.beginDialog(id, options);
  }

  /** After a topic or an answer: acts on the outcome, or routes a new request from the top. */
  private async afterRouteStep(step: RouteStep<RouteOptions>): Promise<DialogTurnResult> {
    const result: unknown = step.result;
    // A new question after an answer or a flow is read against it ("and the phone call option?").
    if (isNewRequest(result)) {
      const finishedFlow = (result as LastTopicRequest).finishedFlow === true;
      return step.replaceDialog(MAIN_WATERFALL, { context: { entryId: result.entryId }, finishedFlow } satisfies RouteOptions);
    }
    // An answer given and rated: the next message is still read against it.
    if (isAnswered(result)) return step.replaceDialog(MAIN_WATERFALL, { keep: { entryId: result.entryId } } satisfies RouteOptions);
    // A standalone identity check that could not succeed hands over: a person verifies them instead.
    if (isVerifyIdentityResult(result) && !result.verified && result.reason !== 'cancelled') {
      const pending: RouteOptions['pending'] = {
        kind: 'handoff',
        type: 'other',
        summary: `Identity check could not be completed (${result.reason.replace(/_/g, ' ')})`,
        details: { identityCheck: result.reason, ...(result.personId ? { personId: result.personId } : {}), ...(result.email ? { email: result.email } : {}) },
      };
      return step.replaceDialog(MAIN_WATERFALL, { pending, hops: MAX_HOPS } satisfies RouteOptions);
    }
    if (!isTopicOutcome(result) || result.kind === 'done') {
      // A guided flow that has finished: the next message is read against its entry.
      const flowEntry = isTopicOutcome(result) ? (step.values as RouteValues).flowEntry : undefined;
      if (flowEntry) return step.replaceDialog(MAIN_WATERFALL, { keep: { entryId: flowEntry, finishedFlow: true } } satisfies RouteOptions);
      return step.endDialog();
    }
    const hops = (step.options?.hops ?? 0) + 1;
    if (result.kind === 'redirect' && (hops > MAX_HOPS || result.topic === TOPIC.person)) {
      return step.replaceDialog(MAIN_WATERFALL, { pending: personHandoff(), hops } satisfies RouteOptions);
    }
    return step.replaceDialog(MAIN_WATERFALL, { pending: result, hops } satisfies RouteOptions);
  }
}
