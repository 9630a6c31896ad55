import type { Person } from '../directory/directory';
import { ticketOriginOf, type OriginActivity } from '../tickets/ticketFloodGuard';

/**
 * Who asks for a code or types one, as far as the server can tell. `teams`: a Teams user (the
 * Bot Connector authenticates the activity and names the user's Entra object id). `webchat`:
 * the web chat page or any other Direct Line client. `voice`: a caller on the phone line.
 * `agent`: a helpdesk agent checking a ticket by call-back.
 */
export type RequesterKind = 'teams' | 'webchat' | 'voice' | 'agent';

/** The requester of a code or of a code check. */
export interface CodeRequester {
  readonly kind: RequesterKind;
  /** The sender as the channel knows them: `entra:<object id>`, `caller:<number>`, `webchat:<token user>`. */
  readonly source?: string;
  /** Key of the client's network address (never the address itself), when the channel knows one. */
  readonly address?: string;
  /** The Entra object id of a Teams user. */
  readonly entraId?: string;
}

/**
 * Whose counters a request is held to. `own`: a Teams user proving they are the person their
 * Entra id names, so nothing an outsider typed about that person stops them. `outsider`: anyone
 * else (web chat, phone, a Teams user asking about another person).
 */
export type RequesterLane = 'own' | 'outsider';

/** The lane of a request about `person` from `requester`. */
export function laneOf(person: Pick<Person, 'objectId'> | { readonly objectId?: string }, requester: CodeRequester | undefined): RequesterLane {
  const objectId = person.objectId?.toLowerCase();
  return requester?.kind === 'teams' && objectId !== undefined && requester.entraId?.toLowerCase() === objectId ? 'own' : 'outsider';
}

/** The activity fields {@link requesterOf} reads. */
export type RequesterActivity = OriginActivity;

/** The requester of a turn's activity; `address` is the client address key the channel left in turn state. */
export function requesterOf(activity: RequesterActivity, address: unknown): CodeRequester {
  const origin = ticketOriginOf(activity, undefined, address);
  const kind: RequesterKind = activity.channelId === 'msteams' ? 'teams' : activity.channelId === 'voice' ? 'voice' : 'webchat';
  const entraId = kind === 'teams' ? activity.from?.aadObjectId : undefined;
  return {
    kind,
    ...(origin.source ? { source: origin.source } : {}),
    ...(origin.address ? { address: origin.address } : {}),
    ...(entraId ? { entraId } : {}),
  };
}
