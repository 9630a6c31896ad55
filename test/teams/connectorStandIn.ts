import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { HttpStandIn, json, type ReceivedRequest } from '../support/httpStandIn';

/** An activity the bot sent or updated through the stand-in. */
export interface RecordedActivity {
  readonly method: 'POST' | 'PUT';
  /** Decoded conversation id from the URL. */
  readonly conversationId: string;
  /** For PUT: the id of the updated activity; for POST: the activity replied to, if any. */
  readonly activityId?: string;
  /** Id the stand-in gave a POSTed activity. */
  readonly newId?: string;
  readonly body: Record<string, unknown>;
}

/** A member of a team, as `GET /v3/conversations/{teamId}/members/{userId}` returns it. */
export interface StandInMember {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
}

/** How the stand-in answers sends to a conversation that the bot cannot reach. */
export type Unreachable = 'roster403' | 'notFound404' | 'unavailable503';

/**
 * A local stand-in for the Bot Connector API (the `serviceUrl` of the test activities): team
 * membership lookups, sends and updates are recorded; members answer 200, anyone else 404;
 * conversations can be made unreachable (403 roster, 404 not found) or failing (503).
 */
export class ConnectorStandIn {
  readonly http: HttpStandIn;
  readonly activities: RecordedActivity[] = [];
  readonly memberLookups: string[] = [];
  /** team id → members, keyed by AAD object id and by Teams user id. */
  readonly teams = new Map<string, StandInMember[]>();
  readonly unreachable = new Map<string, Unreachable>();
  /** Sends to a conversation that fail with 503 this many times before succeeding. */
  readonly failuresLeft = new Map<string, number>();
  url = '';

  constructor() {
    this.http = new HttpStandIn((req, res) => this.answer(req, res));
  }

  async start(): Promise<string> {
    this.url = `${await this.http.start()}/`;
    return this.url;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Activities sent (POST) to a conversation. */
  sentTo(conversationId: string): RecordedActivity[] {
    return this.activities.filter((a) => a.method === 'POST' && a.conversationId === conversationId);
  }

  /** Texts of the message activities sent to a conversation. */
  textsTo(conversationId: string): string[] {
    return this.sentTo(conversationId)
      .filter((a) => a.body.type === 'message')
      .map((a) => String(a.body.text ?? ''));
  }

  /** Updates (PUT) of one activity. */
  updatesOf(activityId: string): RecordedActivity[] {
    return this.activities.filter((a) => a.method === 'PUT' && a.activityId === activityId);
  }

  /** Every request made to a conversation, POST or PUT, answered or not. */
  attemptsOn(conversationId: string): number {
    return this.http.requests.filter((r) => r.method !== 'GET' && this.conversationOf(r.url) === conversationId).length;
  }

  private conversationOf(url: string): string | undefined {
    const m = /^\/v3\/conversations\/([^/]+)/.exec(url);
    return m?.[1] ? decodeURIComponent(m[1]) : undefined;
  }

  private answer(req: ReceivedRequest, res: ServerResponse): void {
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/?]+)/.exec(req.url);
    if (req.method === 'GET' && member?.[1] && member[2]) {
      const teamId = decodeURIComponent(member[1]);
      const userId = decodeURIComponent(member[2]);
      this.memberLookups.push(`${teamId} ${userId}`);
      const found = (this.teams.get(teamId) ?? []).find((m) => m.aadObjectId === userId || m.id === userId);
      if (found) json(res, 200, found);
      else json(res, 404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found.' } });
      return;
    }
    const activity = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url);
    if (activity?.[1] && (req.method === 'POST' || req.method === 'PUT')) {
      const conversationId = decodeURIComponent(activity[1]);
      const failing = this.failuresLeft.get(conversationId) ?? 0;
      if (failing > 0) {
        this.failuresLeft.set(conversationId, failing - 1);
        json(res, 503, { error: { code: 'ServiceUnavailable', message: 'Try again later.' } });
        return;
      }
      const blocked = this.unreachable.get(conversationId);
      if (blocked === 'roster403') {
        json(res, 403, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
        return;
      }
      if (blocked === 'notFound404') {
        json(res, 404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
        return;
      }
      if (blocked === 'unavailable503') {
        json(res, 503, { error: { code: 'ServiceUnavailable', message: 'Try again later.' } });
        return;
      }
      const body = JSON.parse(req.body || '{}') as Record<string, unknown>;
      const activityId = activity[2] ? decodeURIComponent(activity[2]) : undefined;
      const newId = req.method === 'POST' ? `msg-${randomUUID()}` : undefined;
      this.activities.push({ method: req.method, conversationId, activityId, newId, body });
      json(res, 200, { id: newId ?? activityId });
      return;
    }
    json(res, 404, { error: { code: 'NotFound', message: `no route for ${req.method} ${req.url}` } });
  }
}
