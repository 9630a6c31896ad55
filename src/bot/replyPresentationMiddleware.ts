import { ActivityTypes, type Activity, type Attachment, type CardAction, type Middleware, type TurnContext } from 'botbuilder';
import { createChoicesCard } from '../../cards';
import { replyCapabilities, type ReplyCapabilities } from '../../dialogs/channelCapabilities';

/**
 * Fits every outgoing message to what the client can show, so that each thing is said once:
 * - choices (the suggested actions the dialogs attach) stay suggested actions where the client
 *   shows that many, and otherwise become one card of buttons, one per row; choices a card of
 *   the message already offers are not offered again;
 * - on the phone line only the speech is kept, which already reads the choices out.
 * Dialogs build one message per reply and never look at the channel for this.
 */
export function replyPresentationMiddleware(): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const capabilities = replyCapabilities(context.activity);
      context.onSendActivities(async (_ctx, activities, nextSend) => {
        for (const activity of activities) if (activity.type === ActivityTypes.Message) present(activity, capabilities);
        return nextSend();
      });
      await next();
    },
  };
}

/** Adapts one message in place (the batch is the one the adapter sends). */
export function present(activity: Partial<Activity>, can: ReplyCapabilities): void {
  if (can.speechOnly) {
    delete activity.attachments;
    delete activity.suggestedActions;
    return;
  }
  const actions = activity.suggestedActions?.actions ?? [];
  // The cards are searched for buttons only when there are choices they might repeat.
  const offered = actions.length > 0 ? buttonTitles(activity.attachments ?? []) : new Set<string>();
  const choices = actions.filter((a) => !offered.has(normalise(a.title)));
  if (choices.length === 0 || can.suggestedActions(choices.length)) {
    if (choices.length === 0) delete activity.suggestedActions;
    else activity.suggestedActions = { actions: choices, to: activity.suggestedActions?.to ?? [] };
    return;
  }
  delete activity.suggestedActions;
  const titles = choices.map((c) => c.title ?? String(c.value ?? ''));
  if (can.cards(titles.length)) {
    activity.attachments = [...(activity.attachments ?? []), choicesCard(activity, titles)];
  } else {
    activity.text = `${activity.text ?? ''}\n\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}`.trim();
  }
}

function choicesCard(activity: Partial<Activity>, titles: readonly string[]): Attachment {
  return createChoicesCard({
    choices: titles,
    fallbackText: titles.map((t, i) => `${i + 1}. ${t}`).join('\n'),
    speak: activity.speak ?? titles.join(', '),
  });
}

/** Titles of every button of the cards, normalised for comparison. */
function buttonTitles(attachments: readonly Attachment[]): Set<string> {
  const titles = new Set<string>();
  const pending: unknown[] = attachments.map((a) => a.content);
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    const children = Array.isArray(node) ? (node as unknown[]) : Object.values(node);
    const obj = node as Record<string, unknown>;
    if (!Array.isArray(node) && typeof obj.type === 'string' && obj.type.startsWith('Action.') && typeof obj.title === 'string') titles.add(normalise(obj.title));
    for (const child of children) if (child !== null && typeof child === 'object') pending.push(child);
  }
  return titles;
}

function normalise(title: CardAction['title'] | undefined): string {
  return (title ?? '').trim().toLowerCase();
}
