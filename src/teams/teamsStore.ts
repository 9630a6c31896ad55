import type { Collection, DocumentStore } from '../store/documentStore';
import type { StoredReference } from './conversationRefs';

/** Collection of the Teams channels the bot posts tickets to, keyed by role. */
export const TEAMS_QUEUES_COLLECTION = 'teams_queues';
/** Collection of the ticket cards posted in Teams, keyed by `<ticket id>:<role>`. */
export const TEAMS_TICKET_POSTS_COLLECTION = 'teams_ticket_posts';
/** Collection of live chats between agents and people, keyed by ticket id. */
export const TEAMS_RELAYS_COLLECTION = 'teams_relays';
/** Collection of the chats each person's conversation may have live, keyed by the person's conversation id. */
export const TEAMS_PERSON_CHATS_COLLECTION = 'teams_person_chats';

/** What a queue is for: the helpdesk's tickets, or the security team's copy of P1 tickets. */
export type QueueRole = 'helpdesk' | 'security';

/** A Teams channel where the bot posts ticket cards. */
export type QueueRecord = {
  readonly role: QueueRole;
  /** `channelData.team.id` (`19:…@thread.tacv2`). */
  readonly teamId: string;
  readonly teamName?: string;
  /** The team's Microsoft 365 group id, when Teams sent it. */
  readonly aadGroupId?: string;
  /** The channel the cards go to (no activity id: every post starts a new thread). */
  readonly reference: StoredReference;
  readonly installedAt: string;
};

/** A ticket card posted in a Teams channel, so later changes update the same message. */
export type TicketPostRecord = {
  readonly ticketId: string;
  readonly role: QueueRole;
  readonly teamId: string;
  /** The channel the card was posted to. */
  readonly reference: StoredReference;
  /** Id of the posted message. */
  readonly activityId: string;
  /** Conversation id of the reply chain under the card (`<channel>;messageid=<activityId>`). */
  readonly threadConversationId: string;
  readonly postedAt: string;
};

/** The agent who chats with the person through the bot. */
export type RelayAgent = {
  /** Teams user id (`29:…`). */
  readonly id: string;
  readonly aadObjectId?: string;
  readonly name: string;
};

/** State of the handoff to an agent hub, when one was started. */
export type HubHandoffState = 'initiated' | 'accepted' | 'failed' | 'completed';

/** A live chat (or one being set up, or one that ended) between an agent in Teams and the person. */
export type RelayRecord = {
  readonly ticketId: string;
  /** `pending` while the claim is being made, `live` while messages are relayed, `ended` afterwards. */
  readonly state: 'pending' | 'live' | 'ended';
  readonly agent: RelayAgent;
  /** How the person is named in the thread (name or email from the ticket). */
  readonly personName: string;
  /** Conversation of the person (from the ticket's conversation reference). */
  readonly personConversationId: string;
  readonly personReference: StoredReference;
  /** The ticket card's reply chain in the helpdesk channel. */
  readonly threadConversationId: string;
  readonly threadReference: StoredReference;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly hub?: { readonly state: HubHandoffState; readonly at: string; readonly message?: string };
  /** Id of this chat, new each time a chat is prepared for the ticket (absent on chats kept before it existed). */
  readonly chatId?: string;
};

/** One chat of a person's conversation: its ticket, and which chat of that ticket. */
export type PersonChat = { readonly ticketId: string; readonly chatId?: string };

/**
 * The chats of one person's conversation that are live or may become live: every live chat of
 * the conversation is among them (noted before it can go live, forgotten once it no longer is).
 * Some may no longer be live, so each is checked against its chat before it is used.
 */
export type PersonChatsRecord = { readonly chats: readonly PersonChat[] };

function sameChat(a: PersonChat, b: PersonChat): boolean {
  return a.ticketId === b.ticketId && a.chatId === b.chatId;
}

/** The chat a relay record is. */
export function chatOf(relay: Pick<RelayRecord, 'ticketId' | 'chatId'>): PersonChat {
  return relay.chatId === undefined ? { ticketId: relay.ticketId } : { ticketId: relay.ticketId, chatId: relay.chatId };
}

/** The documents the Teams agent channel keeps in the product's store. */
export class TeamsAgentStore {
  /** Helpdesk and security queues. */
  readonly queues: Collection<QueueRecord>;
  /** Posted ticket cards. */
  readonly posts: Collection<TicketPostRecord>;
  /** Live chats. */
  readonly relays: Collection<RelayRecord>;
  /** The chats of each person's conversation, so a message finds its live chat by key. */
  readonly personChats: Collection<PersonChatsRecord>;

  constructor(store: DocumentStore) {
    this.queues = store.collection<QueueRecord>(TEAMS_QUEUES_COLLECTION);
    this.posts = store.collection<TicketPostRecord>(TEAMS_TICKET_POSTS_COLLECTION);
    this.relays = store.collection<RelayRecord>(TEAMS_RELAYS_COLLECTION);
    this.personChats = store.collection<PersonChatsRecord>(TEAMS_PERSON_CHATS_COLLECTION);
  }

  /** Notes a chat of a person's conversation; done before the chat can go live. */
  async noteChat(personConversationId: string, chat: PersonChat): Promise<void> {
    await this.personChats.update(personConversationId, (current) =>
      current?.chats.some((c) => sameChat(c, chat)) ? undefined : { chats: [...(current?.chats ?? []), chat] },
    );
  }

  /** Forgets a chat of a person's conversation; done once it can no longer be live. */
  async forgetChat(personConversationId: string, chat: PersonChat): Promise<void> {
    await this.personChats.update(personConversationId, (current) =>
      current?.chats.some((c) => sameChat(c, chat)) ? { chats: current.chats.filter((c) => !sameChat(c, chat)) } : undefined,
    );
  }

  /**
   * Notes every chat that is live or being set up, for chats started before their conversations'
   * chats were kept (run at start-up; noting a chat twice changes nothing).
   * @returns how many chats were looked at
   */
  async noteOpenChats(): Promise<number> {
    let seen = 0;
    for (const state of ['pending', 'live'] as const) {
      let after: { value: string; id: string } | undefined;
      for (;;) {
        const page = await this.relays.find({ where: { state }, orderBy: { field: 'startedAt', direction: 'asc' }, after, limit: 500 });
        for (const { doc } of page) await this.noteChat(doc.personConversationId, chatOf(doc));
        seen += page.length;
        const last = page.at(-1);
        if (page.length < 500 || !last) break;
        after = { value: last.doc.startedAt, id: last.id };
      }
    }
    return seen;
  }

  /** Id of the post record of a ticket in a queue. */
  static postId(ticketId: string, role: QueueRole): string {
    return `${ticketId}:${role}`;
  }

  /** The cards posted for a ticket (at most one per queue). */
  async postsOf(ticketId: string): Promise<TicketPostRecord[]> {
    const found = await this.posts.getMany([TeamsAgentStore.postId(ticketId, 'helpdesk'), TeamsAgentStore.postId(ticketId, 'security')]);
    return [...found.values()].map((v) => v.doc);
  }

  /** The ticket card whose reply chain this conversation is, if any. */
  async postByThread(threadConversationId: string): Promise<TicketPostRecord | undefined> {
    const [found] = await this.posts.find({ where: { threadConversationId }, limit: 1 });
    return found?.doc;
  }

  /**
   * The live chat of a person's conversation (the most recent, should there be several): one read
   * by key, and for a conversation that has had chats, a read of those chats by key.
   */
  async liveRelayForPerson(personConversationId: string): Promise<RelayRecord | undefined> {
    const chats = (await this.personChats.get(personConversationId))?.doc.chats ?? [];
    if (chats.length === 0) return undefined;
    const found = await this.relays.getMany([...new Set(chats.map((c) => c.ticketId))]);
    let latest: RelayRecord | undefined;
    for (const { doc } of found.values()) {
      if (doc.state !== 'live' || doc.personConversationId !== personConversationId) continue;
      if (!latest || doc.startedAt > latest.startedAt || (doc.startedAt === latest.startedAt && doc.ticketId > latest.ticketId)) latest = doc;
    }
    return latest;
  }

  /** The latest chat (live or not) of a person's conversation. */
  async latestRelayForPerson(personConversationId: string): Promise<RelayRecord | undefined> {
    const [found] = await this.relays.find({ where: { personConversationId }, orderBy: { field: 'startedAt', direction: 'desc' }, limit: 1 });
    return found?.doc;
  }

  /** The relay of a ticket, in whatever state. */
  async relayOf(ticketId: string): Promise<RelayRecord | undefined> {
    return (await this.relays.get(ticketId))?.doc;
  }
}
