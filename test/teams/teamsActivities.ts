import { randomUUID } from 'node:crypto';

/** Ids of the Teams fixtures. */
export const BOT = { id: '28:mfa-helpdesk-bot', name: 'MFA Helpdesk' };
export const TENANT = '7a1b2c3d-0000-4000-8000-000000000001';
export const OTHER_TENANT = '9f9f9f9f-0000-4000-8000-00000000bad0';
export const HELPDESK_TEAM = '19:helpdesk-team@thread.tacv2';
export const SECURITY_TEAM = '19:security-team@thread.tacv2';
export const OTHER_TEAM = '19:some-other-team@thread.tacv2';
export const ALICE = { id: '29:alice', name: 'Alice Agent', aadObjectId: 'aad-alice' };
export const BOB = { id: '29:bob', name: 'Bob Agent', aadObjectId: 'aad-bob' };
export const MALLORY = { id: '29:mallory', name: 'Mallory Outsider', aadObjectId: 'aad-mallory' };

type Account = { readonly id: string; readonly name: string; readonly aadObjectId: string };
export type Json = Record<string, unknown>;

/** The `conversationUpdate` Teams sends when the app is installed in (or removed from) a team. */
export function teamInstall(serviceUrl: string, teamId: string, removed = false): Json {
  return {
    type: 'conversationUpdate',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: ALICE.id, aadObjectId: ALICE.aadObjectId },
    recipient: BOT,
    conversation: { id: teamId, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    ...(removed ? { membersRemoved: [{ id: BOT.id }] } : { membersAdded: [{ id: BOT.id }] }),
    channelData: { eventType: removed ? 'teamMemberRemoved' : 'teamMemberAdded', team: { id: teamId, name: 'Team' }, tenant: { id: TENANT } },
  };
}

/** An `Action.Execute` from a card in a channel, as Teams sends it. */
export function cardAction(
  serviceUrl: string,
  options: { teamId: string; postedId: string; from: Account; verb: string; data: Json; trigger?: 'manual' | 'automatic' },
): Json {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: options.from,
    recipient: BOT,
    conversation: { id: `${options.teamId};messageid=${options.postedId}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    replyToId: options.postedId,
    channelData: { team: { id: options.teamId }, channel: { id: options.teamId }, tenant: { id: TENANT }, source: { name: 'message' } },
    value: { action: { type: 'Action.Execute', verb: options.verb, data: options.data }, trigger: options.trigger ?? 'manual' },
  };
}

/**
 * A message an agent posts in a card's thread (or, with another `postedId`, in any channel thread),
 * mentioning the bot unless `mention` is false: with `ChannelMessage.Read.Group` Teams sends both.
 */
export function threadMessage(
  serviceUrl: string,
  options: { teamId: string; postedId: string; from: Account; text: string; mention?: boolean },
): Json {
  const mention = `<at>${BOT.name}</at>`;
  const mentioned = options.mention ?? true;
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    from: options.from,
    recipient: BOT,
    conversation: { id: `${options.teamId};messageid=${options.postedId}`, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { team: { id: options.teamId }, channel: { id: options.teamId }, tenant: { id: TENANT } },
    text: mentioned ? `${mention} ${options.text}` : options.text,
    textFormat: 'plain',
    entities: mentioned ? [{ type: 'mention', text: mention, mentioned: BOT }] : [],
    deliveryMode: 'expectReplies',
  };
}

/** A message from the person in their own chat with the bot. */
export function personMessage(serviceUrl: string, conversationId: string, text: string, channelId = 'msteams'): Json {
  return {
    type: 'message',
    id: randomUUID(),
    channelId,
    serviceUrl,
    from: { id: '29:alex', name: 'Alex Smith', aadObjectId: 'aad-alex' },
    recipient: BOT,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
    text,
    deliveryMode: 'expectReplies',
  };
}

/** The conversation reference the bot stores on a ticket for the person's chat. */
export function personReference(serviceUrl: string, conversationId: string, channelId = 'msteams'): Json {
  return {
    channelId,
    serviceUrl,
    conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT },
    bot: BOT,
    user: { id: '29:alex', name: 'Alex Smith' },
  };
}

/** Posts an activity to the bot and returns the HTTP status and parsed body (if any). */
export async function post(baseUrl: string, activity: Json): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** The card returned in an `adaptiveCard/action` invoke response. */
export function invokeCard(body: Json): Json {
  expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  return body.value as Json;
}

/** Message replies (with `expectReplies`). */
export function replies(body: Json): Json[] {
  return ((body.activities as Json[] | undefined) ?? []).filter((a) => a.type === 'message');
}

/** The Adaptive Card in a recorded activity body. */
export function cardOf(activity: Json): Json {
  const attachments = activity.attachments as { contentType: string; content: Json }[];
  const first = attachments[0];
  if (!first) throw new Error('no attachment');
  expect(first.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return first.content;
}

/** The `verb`s of the card's buttons (nested ones included). */
export function verbsOf(card: Json): string[] {
  const verbs: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string') verbs.push(o.verb);
      Object.entries(o).forEach(([k, child]) => {
        if (k !== 'refresh') walk(child);
      });
    }
  };
  walk(card);
  return verbs;
}
