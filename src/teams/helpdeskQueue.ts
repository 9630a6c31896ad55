import { TurnContext, type Activity } from 'botbuilder';
import type { Logger } from '../logger';
import { toStoredReference } from './conversationRefs';
import type { QueueRecord, QueueRole, TeamsAgentStore } from './teamsStore';

/** Settings of {@link HelpdeskQueues}. */
export interface HelpdeskQueuesOptions {
  readonly store: TeamsAgentStore;
  readonly logger: Logger;
  /** `HELPDESK_TEAM_ID`: the only team whose channel may become the helpdesk queue. */
  readonly helpdeskTeamId?: string;
  /** `SECURITY_TEAM_ID`: a team whose channel also gets P1 tickets. */
  readonly securityTeamId?: string;
  readonly now?: () => Date;
}

/** The team of a Teams activity, from `channelData.team`. */
export interface ActivityTeam {
  readonly id: string;
  readonly name?: string;
  readonly aadGroupId?: string;
}

/** Reads `channelData.team` of a Teams activity. */
export function teamOf(activity: Partial<Activity>): ActivityTeam | undefined {
  const channelData: unknown = activity.channelData;
  if (channelData === null || typeof channelData !== 'object' || !('team' in channelData)) return undefined;
  const team: unknown = channelData.team;
  if (team === null || typeof team !== 'object' || !('id' in team) || typeof team.id !== 'string' || team.id === '') return undefined;
  const str = (key: string): string | undefined => {
    const v: unknown = (team as Record<string, unknown>)[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return { id: team.id, name: str('name'), aadGroupId: str('aadGroupId') };
}

/** `channelData.channel.id` of a Teams activity, when present. */
function channelIdOf(activity: Partial<Activity>): string | undefined {
  const channelData: unknown = activity.channelData;
  if (channelData === null || typeof channelData !== 'object' || !('channel' in channelData)) return undefined;
  const channel: unknown = channelData.channel;
  return channel !== null && typeof channel === 'object' && 'id' in channel && typeof channel.id === 'string' && channel.id ? channel.id : undefined;
}

/** Whether a configured team id (thread id or group GUID) names this team. */
export function sameTeam(configured: string | undefined, team: { readonly id: string; readonly aadGroupId?: string }): boolean {
  if (!configured) return false;
  if (configured === team.id) return true;
  return team.aadGroupId !== undefined && configured.toLowerCase() === team.aadGroupId.toLowerCase();
}

/** Whether the activity says the bot itself joined a team (`membersAdded` holds the bot). */
export function isBotAddedToTeam(context: TurnContext): boolean {
  const a = context.activity;
  return a.type === 'conversationUpdate' && teamOf(a) !== undefined && (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
}

/** Whether the activity says the bot itself left a team (`membersRemoved` holds the bot). */
export function isBotRemovedFromTeam(context: TurnContext): boolean {
  const a = context.activity;
  return a.type === 'conversationUpdate' && teamOf(a) !== undefined && (a.membersRemoved ?? []).some((m) => m.id === a.recipient?.id);
}

/**
 * The Teams channels tickets are posted to: the helpdesk queue, and the security team's channel
 * for P1 tickets. They are learnt when the bot is installed in a team and forgotten when it is
 * removed.
 */
export class HelpdeskQueues {
  private readonly now: () => Date;

  constructor(private readonly options: HelpdeskQueuesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The helpdesk queue, when the bot knows it. */
  async helpdesk(): Promise<QueueRecord | undefined> {
    return (await this.options.store.queues.get('helpdesk'))?.doc;
  }

  /** The security team's channel, when the bot knows it. */
  async security(): Promise<QueueRecord | undefined> {
    return (await this.options.store.queues.get('security'))?.doc;
  }

  /**
   * Handles the bot being installed in a team: the team's channel (`channelData.channel`, or the
   * General channel, whose id is the team id) becomes the helpdesk queue, or the security channel
   * when the team is `SECURITY_TEAM_ID`. With `HELPDESK_TEAM_ID` set, installs in other teams are
   * logged and ignored; without it (development only), the first team keeps the queue until the
   * bot is removed from it, and installs elsewhere are ignored.
   * @returns the role the team now has, or `undefined` when the install was ignored.
   */
  async onInstalled(context: TurnContext): Promise<QueueRole | undefined> {
    const a = context.activity;
    const team = teamOf(a);
    if (!team) return undefined;
    const { helpdeskTeamId, securityTeamId, logger } = this.options;
    let role: QueueRole;
    if (sameTeam(securityTeamId, team)) role = 'security';
    else if (!helpdeskTeamId || sameTeam(helpdeskTeamId, team)) role = 'helpdesk';
    else {
      logger.warn({ teamId: team.id }, 'bot installed in a team that is not HELPDESK_TEAM_ID or SECURITY_TEAM_ID: not used as a queue');
      return undefined;
    }
    const base = toStoredReference(TurnContext.getConversationReference(a));
    if (!base) {
      logger.warn({ teamId: team.id }, 'bot installed in a team, but the activity lacks a service URL or conversation: not used as a queue');
      return undefined;
    }
    const channelId = channelIdOf(a) ?? team.id;
    const { activityId: _activityId, ...withoutActivity } = base;
    const reference = {
      ...withoutActivity,
      conversation: { ...base.conversation, id: channelId, isGroup: true, conversationType: 'channel' },
    };
    const previous = (await this.options.store.queues.get(role))?.doc;
    const pinned = role === 'security' || sameTeam(helpdeskTeamId, team);
    if (previous && previous.teamId !== team.id && !pinned) {
      // An install never takes the queue from the team that holds it: only HELPDESK_TEAM_ID can name another.
      logger.warn({ role, queueTeamId: previous.teamId, teamId: team.id }, 'bot installed in another team while the queue is held: not used as a queue');
      return undefined;
    }
    await this.options.store.queues.put(role, {
      role,
      teamId: team.id,
      ...(team.name ? { teamName: team.name } : {}),
      ...(team.aadGroupId ? { aadGroupId: team.aadGroupId } : {}),
      reference,
      installedAt: this.now().toISOString(),
    });
    logger.info({ role, teamId: team.id, channelId }, 'Teams queue registered');
    return role;
  }

  /**
   * Handles the bot being removed from a team: the queue of that team is forgotten.
   * @returns the roles forgotten.
   */
  async onUninstalled(context: TurnContext): Promise<QueueRole[]> {
    const team = teamOf(context.activity);
    if (!team) return [];
    const forgotten: QueueRole[] = [];
    for (const role of ['helpdesk', 'security'] as const) {
      const current = await this.options.store.queues.get(role);
      if (current && current.doc.teamId === team.id) {
        await this.options.store.queues.delete(role, current.eTag);
        forgotten.push(role);
      }
    }
    this.options.logger.info({ teamId: team.id, forgotten }, 'bot removed from a team');
    return forgotten;
  }
}
