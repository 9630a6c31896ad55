import { AUDIT_COLLECTION, AUDIT_SEQUENCE } from './audit/auditLog';
import { DIRECT_LINE_ACTIVITIES, DIRECT_LINE_CONVERSATIONS } from './channels/directLine/conversationLog';
import { DIRECT_LINE_BUDGETS } from './channels/directLine/rateLimit';
import { RECENT_ACTIVITIES_COLLECTION } from './bot/duplicateActivityMiddleware';
import { FEEDBACK_COLLECTION } from './knowledge/feedbackLog';
import { BOT_STATE_COLLECTION } from './store/botStorage';
import type { MigrationScope } from './store/migration';
import type { StoredCollection } from './store/retention';
import { TEAMS_PERSON_CHATS_COLLECTION, TEAMS_QUEUES_COLLECTION, TEAMS_RELAYS_COLLECTION, TEAMS_TICKET_POSTS_COLLECTION } from './teams/teamsStore';
import { TICKET_BY_ACTIVITY_COLLECTION, TICKET_NUMBER_COUNTER, TICKETS_COLLECTION } from './tickets/ticketService';
import { TRANSCRIPT_COLLECTION } from './tickets/transcriptLog';
import { LIMIT_WINDOWS_COLLECTION } from './limits/windowBudgets';
import { LOOKUP_COLLECTION } from './verification/lookupLimiter';
import { SESSION_COLLECTION } from './verification/sessions';
import { VERIFICATION_COLLECTIONS } from './verification/verificationService';

/**
 * Every collection the product stores, with its retention and the fields it is queried by.
 * A new collection is added here, so that its indexes are created at start-up and retention
 * covers it.
 */
export const STORE_LAYOUT: readonly StoredCollection[] = [
  { name: BOT_STATE_COLLECTION, retention: 'conversation' },
  { name: TRANSCRIPT_COLLECTION, retention: 'conversation' },
  { name: RECENT_ACTIVITIES_COLLECTION, retention: 'conversation' },
  { name: SESSION_COLLECTION, retention: 'conversation' },
  { name: LOOKUP_COLLECTION, retention: 'conversation' },
  { name: VERIFICATION_COLLECTIONS.challenges, retention: 'conversation' },
  { name: DIRECT_LINE_CONVERSATIONS, retention: 'conversation' },
  { name: DIRECT_LINE_ACTIVITIES, retention: 'conversation', indexes: [['conversationId', 'seq']] },
  { name: DIRECT_LINE_BUDGETS, retention: 'limits' },
  { name: VERIFICATION_COLLECTIONS.people, retention: 'limits' },
  { name: VERIFICATION_COLLECTIONS.destinations, retention: 'limits' },
  { name: VERIFICATION_COLLECTIONS.budget, retention: 'limits' },
  { name: VERIFICATION_COLLECTIONS.requesters, retention: 'limits' },
  { name: LIMIT_WINDOWS_COLLECTION, retention: 'limits' },
  {
    name: TICKETS_COLLECTION,
    retention: 'tickets',
    indexes: [['createdAt'], ['status', 'createdAt'], ['priority', 'createdAt'], ['type', 'createdAt'], ['requester.email', 'createdAt'], ['requester.personId', 'createdAt']],
  },
  { name: TICKET_BY_ACTIVITY_COLLECTION, retention: 'tickets' },
  { name: TEAMS_TICKET_POSTS_COLLECTION, retention: 'tickets', indexes: [['threadConversationId']] },
  { name: TEAMS_RELAYS_COLLECTION, retention: 'tickets', indexes: [['personConversationId', 'startedAt'], ['personConversationId', 'state', 'startedAt']] },
  { name: TEAMS_PERSON_CHATS_COLLECTION, retention: 'tickets' },
  { name: TEAMS_QUEUES_COLLECTION, retention: 'keep' },
  // Ratings hold no personal data (an entry id, a channel, a verdict and times); kept as long as tickets, for the content owners.
  { name: FEEDBACK_COLLECTION, retention: 'tickets', indexes: [['askedAt']] },
  { name: AUDIT_COLLECTION, retention: 'audit', indexes: [['seq'], ['personId', 'seq'], ['conversationId', 'seq']] },
];

/**
 * What `npm run migrate:export` and `migrate:import` move: tickets (with the record that keeps
 * one from being opened twice) and the audit log, with the counters their ids come from.
 */
export const MIGRATION_SCOPE: MigrationScope = {
  collections: [TICKETS_COLLECTION, TICKET_BY_ACTIVITY_COLLECTION, AUDIT_COLLECTION],
  counters: [TICKET_NUMBER_COUNTER, AUDIT_SEQUENCE],
};
