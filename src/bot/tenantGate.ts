import { ActivityTypes, MessageFactory, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import { turnLogger } from './turnLogger';

/** What someone from another organisation is told. */
export const OTHER_TENANT_TEXT =
  "Sorry, this MFA helpdesk only serves its own organisation, and I can't help with accounts elsewhere. Please contact your own IT helpdesk.";

/** The Entra tenant a Teams activity comes from: `channelData.tenant.id`, else `conversation.tenantId`. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const channelData: unknown = activity.channelData;
  if (channelData !== null && typeof channelData === 'object' && 'tenant' in channelData) {
    const tenant: unknown = channelData.tenant;
    if (tenant !== null && typeof tenant === 'object' && 'id' in tenant && typeof tenant.id === 'string' && tenant.id !== '') return tenant.id;
  }
  const fromConversation = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' && fromConversation !== '' ? fromConversation : undefined;
}

/**
 * Refuses Teams activities from a tenant not in `allowed` (lower-case tenant ids), and Teams
 * activities that name no tenant at all. A message gets a polite refusal, a card action an
 * answer in the same words, anything else nothing; each is logged and none reaches the bot.
 * Activities of other channels (web chat, voice) carry no tenant and pass. With `allowed`
 * empty every activity passes.
 */
export function tenantGateMiddleware(allowed: readonly string[], logger: Logger): Middleware {
  const tenants = new Set(allowed.map((t) => t.toLowerCase()));
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const a = context.activity;
      if (tenants.size === 0 || a.channelId !== 'msteams') {
        await next();
        return;
      }
      const tenant = tenantOf(a);
      if (tenant !== undefined && tenants.has(tenant.toLowerCase())) {
        await next();
        return;
      }
      turnLogger(context, logger).warn(
        { tenantId: tenant?.slice(0, 64) ?? null, activityType: a.type },
        'activity from a tenant not in ALLOWED_TENANT_IDS: refused',
      );
      if (a.type === ActivityTypes.Message) {
        await context.sendActivity(MessageFactory.text(OTHER_TENANT_TEXT, OTHER_TENANT_TEXT));
      } else if (a.type === ActivityTypes.Invoke) {
        const body = a.name === 'adaptiveCard/action' ? { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: OTHER_TENANT_TEXT } : undefined;
        await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: body ? 200 : 403, body } });
      }
    },
  };
}
