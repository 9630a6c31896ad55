import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { CODE_CHALLENGE_DIALOG } from '../../dialogs/codeChallengeDialog';
import { ESCALATE_DIALOG } from '../../dialogs/escalateDialog';
import { TICKET_STATUS_DIALOG } from '../../dialogs/ticketStatusDialog';
import { VERIFY_IDENTITY_DIALOG } from '../../dialogs/verifyIdentityDialog';
import type { HelpdeskConversationState } from './helpdeskTurnState';

/** Flows that prove identity, open tickets or show them: private chats only. */
const PERSONAL_ONLY_DIALOGS: ReadonlySet<string> = new Set([VERIFY_IDENTITY_DIALOG, CODE_CHALLENGE_DIALOG, ESCALATE_DIALOG, TICKET_STATUS_DIALOG]);

/** Whether a verification, ticket or "my tickets" flow is anywhere on the (nested) dialog stack. */
export function personalOnlyFlowActive(state: DialogState | undefined): boolean {
  const pending: unknown[] = [state];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current || typeof current !== 'object' || !('dialogStack' in current) || !Array.isArray(current.dialogStack)) continue;
    for (const instance of current.dialogStack as { id?: unknown; state?: { dialogs?: unknown } }[]) {
      if (typeof instance.id === 'string' && PERSONAL_ONLY_DIALOGS.has(instance.id)) return true;
      pending.push(instance.state?.dialogs);
    }
  }
  return false;
}

/** Told to someone who writes while another person's flow is waiting for an answer. */
export const SOMEONE_ELSES_FLOW_TEXT =
  "Someone else in this conversation is in the middle of something with me, so I can't take that step from you. Please open a private chat with me to get help of your own.";

/** Where a private chat with the bot opens in Teams. */
export function privateChatLink(botAppId: string | undefined): string | undefined {
  return botAppId ? `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(botAppId)}` : undefined;
}

/** Told in a channel or group chat when someone asks for a flow that needs a private chat. */
export function personalOnlyText(botAppId: string | undefined): string {
  const link = privateChatLink(botAppId);
  return (
    "I can check who you are, open tickets and show your tickets only in a private chat with me, so nobody else can see them or answer for you. " +
    `${link ? `Open a chat with me here: ${link} ` : 'Open a private chat with me (select my name, then Chat) '}and ask there. Here I can answer questions about MFA.`
  );
}

/** Whether a conversation has more than one person in it: a Teams channel or group chat. */
export function isGroupConversation(activity: Partial<Activity>): boolean {
  const c = activity.conversation;
  return c?.isGroup === true || c?.conversationType === 'channel' || c?.conversationType === 'groupChat';
}

/**
 * The guided flow waiting for an answer in this conversation, if any: a dialog on the main
 * dialog's inner stack other than its own waterfall and prompts (which only answer questions).
 */
export function activeFlow(state: DialogState | undefined): string | undefined {
  const root = state?.dialogStack?.[0];
  const inner: unknown = root?.state?.dialogs;
  const stack = inner && typeof inner === 'object' && 'dialogStack' in inner && Array.isArray(inner.dialogStack) ? (inner.dialogStack as { id?: unknown }[]) : [];
  const flow = stack.find((d) => typeof d.id === 'string' && !d.id.startsWith(`${root?.id ?? ''}.`));
  return typeof flow?.id === 'string' ? flow.id : undefined;
}

/**
 * Runs one message turn of the main dialog with two rules from the security design:
 * - every step of a flow comes from the user who started it: while a flow waits for an answer,
 *   anyone else in the conversation is told so and the flow is not touched;
 * - verification, ticket and "my tickets" flows run only in a private chat: in a channel or
 *   group chat the bot still answers questions and gives advice, but a turn that would start one
 *   of those flows is undone (its replies are held back and its state restored) and the person
 *   is pointed to a 1:1 chat.
 */
export async function runGuardedTurn(
  context: TurnContext,
  conversation: HelpdeskConversationState,
  run: () => Promise<void>,
  botAppId: string | undefined,
): Promise<void> {
  const userId = context.activity.from?.id;
  const before = activeFlow(conversation.dialogState);
  if (before && conversation.flowUserId !== undefined && conversation.flowUserId !== userId) {
    await context.sendActivity(MessageFactory.text(SOMEONE_ELSES_FLOW_TEXT, SOMEONE_ELSES_FLOW_TEXT));
    return;
  }
  if (!isGroupConversation(context.activity)) {
    await run();
  } else {
    const snapshot = conversation.dialogState && !personalOnlyFlowActive(conversation.dialogState) ? structuredClone(conversation.dialogState) : undefined;
    const held: Partial<Activity>[] = [];
    let holding = true;
    context.onSendActivities(async (_ctx, activities, next) => {
      if (!holding) return next();
      held.push(...activities);
      return activities.map(() => ({ id: '' }));
    });
    try {
      await run();
    } finally {
      holding = false;
    }
    if (personalOnlyFlowActive(conversation.dialogState)) {
      conversation.dialogState = snapshot;
      const text = personalOnlyText(botAppId);
      await context.sendActivity(MessageFactory.text(text, text));
    } else if (held.length > 0) {
      await context.sendActivities(held);
    }
  }
  const after = activeFlow(conversation.dialogState);
  if (!after) delete conversation.flowUserId;
  else if (!before || conversation.flowUserId === undefined) conversation.flowUserId = userId;
}
