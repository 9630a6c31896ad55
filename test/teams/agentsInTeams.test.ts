import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { pendingTapTicket, ticketInput } from '../helpers/tickets';
import type { Ticket } from '../../src/tickets';
import { TeamsAgentStore } from '../../src/teams';
import { ConnectorStandIn } from './connectorStandIn';
import {
  ALICE,
  BOB,
  HELPDESK_TEAM,
  MALLORY,
  OTHER_TEAM,
  SECURITY_TEAM,
  cardAction,
  cardOf,
  invokeCard,
  personMessage,
  personReference,
  post,
  replies,
  teamInstall,
  threadMessage,
  verbsOf,
  type Json,
} from './teamsActivities';

const PERSON_CONVERSATION = 'a:person-alex';

describe('Helpdesk agents in Teams', () => {
  let connector: ConnectorStandIn;
  let serviceUrl: string;
  let t: TestHelpdesk;

  const idle = async (): Promise<void> => {
    expect(await t.helpdesk.tickets.whenIdle(5000)).toBe(true);
  };
  const ticket = async (id: string): Promise<Ticket> => {
    const found = await t.helpdesk.tickets.get(id);
    if (!found) throw new Error(`no ticket ${id}`);
    return found;
  };
  const postOf = async (ticketId: string, role: 'helpdesk' | 'security' = 'helpdesk') =>
    (await t.helpdesk.teamsAgents.store.posts.get(TeamsAgentStore.postId(ticketId, role)))?.doc;
  const act = async (ticketId: string, from: typeof ALICE, verb: string, data: Json = {}) => {
    const posted = await postOf(ticketId);
    if (!posted) throw new Error(`ticket ${ticketId} was not posted`);
    const r = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId: posted.activityId, from, verb, data: { ticketId, ...data } }));
    expect(r.status).toBe(200);
    await idle();
    return { card: invokeCard(r.body), postedId: posted.activityId };
  };
  const openTicket = async (conversationId: string, overrides: Parameters<typeof ticketInput>[0] = {}): Promise<Ticket> => {
    const created = await t.helpdesk.tickets.createTicket(ticketInput({ conversationRef: personReference(serviceUrl, conversationId), ...overrides }));
    await idle();
    return created;
  };

  beforeAll(async () => {
    connector = new ConnectorStandIn();
    serviceUrl = await connector.start();
    connector.teams.set(HELPDESK_TEAM, [ALICE, BOB]);
    t = await startTestHelpdesk({ HELPDESK_TEAM_ID: HELPDESK_TEAM, SECURITY_TEAM_ID: SECURITY_TEAM, VOICE_SKIP_SIGNATURE: 'true' });
  });
  afterAll(async () => {
    await t.stop();
    await connector.stop();
  });

  describe('the helpdesk queue', () => {
    it('ignores an install in a team other than HELPDESK_TEAM_ID, and logs it', async () => {
      expect((await post(t.baseUrl, teamInstall(serviceUrl, OTHER_TEAM))).status).toBe(200);
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toBeUndefined();
      expect(t.logLines.some((l) => l.includes('not HELPDESK_TEAM_ID') && l.includes(OTHER_TEAM))).toBe(true);
    });

    it('remembers the helpdesk team and the security team when the app is installed in them', async () => {
      await post(t.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM));
      await post(t.baseUrl, teamInstall(serviceUrl, SECURITY_TEAM));
      const helpdesk = await t.helpdesk.teamsAgents.queues.helpdesk();
      expect(helpdesk).toMatchObject({ role: 'helpdesk', teamId: HELPDESK_TEAM, reference: { serviceUrl, conversation: { id: HELPDESK_TEAM } } });
      expect(helpdesk?.reference.activityId).toBeUndefined();
      expect(await t.helpdesk.teamsAgents.queues.security()).toMatchObject({ role: 'security', teamId: SECURITY_TEAM });
      // Installing sends nothing (no welcome in the channel).
      expect(connector.activities).toEqual([]);
    });
  });

  describe('new tickets', () => {
    it('are posted to the helpdesk channel as a ticket card, and the message id is kept', async () => {
      const created = await openTicket(PERSON_CONVERSATION);
      const sent = connector.sentTo(HELPDESK_TEAM);
      expect(sent).toHaveLength(1);
      const card = cardOf(sent[0]!.body);
      expect(JSON.stringify(card)).toContain(created.id);
      expect(JSON.stringify(card)).toContain('Verified by SMS to mobile ending 101');
      expect(verbsOf(card)).toEqual(['claimTicket', 'addNote', 'resolveTicket', 'verifyByCallback', 'cancelTicket']);
      expect(card.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'refreshTicket', data: { ticketId: created.id } }, userIds: [] });
      expect(await postOf(created.id)).toMatchObject({
        activityId: sent[0]!.newId,
        threadConversationId: `${HELPDESK_TEAM};messageid=${sent[0]!.newId}`,
      });
      // Not a P1: nothing for the security team.
      expect(connector.sentTo(SECURITY_TEAM)).toHaveLength(0);
    });

    it('P1 tickets also go to the security team, read-only', async () => {
      const p1 = await openTicket('a:p1-person', {
        type: 'suspicious_prompt',
        details: { anyApproved: true, passwordReset: false },
        verification: { verified: false, reason: 'the person had no number on record' },
      });
      expect(p1.priority).toBe('P1');
      const security = connector.sentTo(SECURITY_TEAM);
      expect(security).toHaveLength(1);
      const card = cardOf(security[0]!.body);
      expect(verbsOf(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain('Identity NOT verified: the person had no number on record');
      expect(await postOf(p1.id, 'security')).toBeDefined();
    });
  });

  describe('card actions', () => {
    let first: Ticket;

    beforeAll(async () => {
      first = (await t.helpdesk.tickets.list({ limit: 100 })).items.find((i) => i.priority !== 'P1')!;
    });

    it('refresh returns the current card to a member, without changing the message for everyone', async () => {
      const before = connector.activities.length;
      const { card } = await act(first.id, ALICE, 'refreshTicket');
      expect(card.type).toBe('AdaptiveCard');
      expect(JSON.stringify(card)).toContain(first.id);
      expect(verbsOf(card)).toContain('claimTicket');
      expect(connector.activities.length).toBe(before);
      expect(connector.memberLookups).toContain(`${HELPDESK_TEAM} ${ALICE.aadObjectId}`);
    });

    it('refuses someone outside the helpdesk team, and changes nothing', async () => {
      const { card, postedId } = await act(first.id, MALLORY, 'claimTicket');
      expect(JSON.stringify(card)).toContain('Only the helpdesk team can work on tickets');
      expect(JSON.stringify(card)).toContain('You are not a member of the helpdesk team.');
      expect(verbsOf(card)).toEqual([]);
      expect((await ticket(first.id)).status).toBe('open');
      expect(connector.updatesOf(postedId)).toHaveLength(0);
    });

    it('claim: the card comes back updated for everyone, the person is told the agent joined', async () => {
      const { card, postedId } = await act(first.id, ALICE, 'claimTicket');
      expect(await ticket(first.id)).toMatchObject({ status: 'claimed', assignee: 'Alice Agent' });
      expect(JSON.stringify(card)).toContain('Claimed by Alice Agent');
      expect(verbsOf(card)).toEqual(['addNote', 'resolveTicket', 'verifyByCallback', 'endChat', 'cancelTicket']);
      // teams-ai replaced the message for everyone, and the notifier updated it in place too.
      expect(connector.updatesOf(postedId).length).toBeGreaterThanOrEqual(1);
      const latest = connector.updatesOf(postedId).at(-1)!;
      expect(latest.conversationId.startsWith(HELPDESK_TEAM)).toBe(true);
      expect(JSON.stringify(cardOf(latest.body))).toContain('Live chat: Alice Agent');
      expect(connector.textsTo(PERSON_CONVERSATION)).toEqual([
        `Alice Agent from the helpdesk has picked up your ticket ${first.id} and joined this chat. What you write here now goes to them, until they end the chat.`,
      ]);
      expect((await ticket(first.id)).history.map((h) => h.action)).toEqual(['created', 'claimed', 'chat_started']);
    });

    it('claim of a ticket someone else holds returns the card with a message naming the holder, to the one who pressed only', async () => {
      const posted = await postOf(first.id);
      const updatesBefore = connector.updatesOf(posted!.activityId).length;
      const { card } = await act(first.id, BOB, 'claimTicket');
      expect(JSON.stringify(card)).toContain(`${first.id} is already claimed by Alice Agent.`);
      expect(connector.updatesOf(posted!.activityId)).toHaveLength(updatesBefore);
      expect((await ticket(first.id)).assignee).toBe('Alice Agent');
    });

    it('resolve by another agent is refused, naming the holder', async () => {
      const { card } = await act(first.id, BOB, 'resolveTicket', { resolution: 'done' });
      expect(JSON.stringify(card)).toContain('is claimed by Alice Agent: only Alice Agent can do that.');
      expect((await ticket(first.id)).status).toBe('claimed');
    });

    it('add note: internal notes stay internal, notes for the person reach their chat', async () => {
      const before = connector.textsTo(PERSON_CONVERSATION).length;
      const internal = await act(first.id, ALICE, 'addNote', { noteText: 'Checked the sign-in logs.', visibleToUser: 'false' });
      expect(JSON.stringify(internal.card)).toContain('Checked the sign-in logs.');
      expect(connector.textsTo(PERSON_CONVERSATION)).toHaveLength(before);
      await act(first.id, ALICE, 'addNote', { noteText: 'A new phone is on its way; call 07700 900123 if not.', visibleToUser: 'true' });
      const texts = connector.textsTo(PERSON_CONVERSATION);
      expect(texts).toHaveLength(before + 1);
      expect(texts.at(-1)).toBe(`The helpdesk added a note to your ticket ${first.id}: A new phone is on its way; call ***123 if not.`);
      expect((await ticket(first.id)).notes.map((n) => n.visibleToUser)).toEqual([false, true]);
    });

    it('an empty note is refused with a message', async () => {
      const { card } = await act(first.id, ALICE, 'addNote', { noteText: '   ', visibleToUser: 'false' });
      expect(JSON.stringify(card)).toContain('Write the note first');
      expect((await ticket(first.id)).notes).toHaveLength(2);
    });

    it('cancel ends the ticket and removes the buttons but Add note', async () => {
      const other = await openTicket('a:cancel-person');
      const { card } = await act(other.id, BOB, 'cancelTicket');
      expect((await ticket(other.id)).status).toBe('cancelled');
      expect(JSON.stringify(card)).toContain('Cancelled');
      expect(verbsOf(card)).toEqual(['addNote']);
      const again = await act(other.id, BOB, 'cancelTicket');
      expect(JSON.stringify(again.card)).toContain(`${other.id} is cancelled: it can no longer be cancelled.`);
    });
  });

  describe('live chat between the agent and the person', () => {
    let chat: Ticket;
    let postedId: string;

    beforeAll(async () => {
      chat = await openTicket('a:relay-person');
      postedId = (await postOf(chat.id))!.activityId;
      await act(chat.id, BOB, 'claimTicket');
    });

    it('relays the agent\'s thread messages to the person, without codes or full phone numbers', async () => {
      const r = await post(
        t.baseUrl,
        threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: BOB, text: 'Hi Alex, is 07700 900123 still your number? Ignore code 482913.' }),
      );
      expect(r.status).toBe(200);
      expect(replies(r.body)).toEqual([]);
      const last = connector.textsTo('a:relay-person').at(-1);
      expect(last).toBe('Bob Agent (Helpdesk): Hi Alex, is ***123 still your number? Ignore code [code].');
      expect(connector.sentTo('a:relay-person').at(-1)?.body.textFormat).toBe('plain');
    });

    it('relays the person\'s messages to the thread instead of running the bot\'s dialogs', async () => {
      const r = await post(t.baseUrl, personMessage(serviceUrl, 'a:relay-person', 'Yes it is +44 7700 900123, and the code was 123 456'));
      expect(r.status).toBe(200);
      expect(replies(r.body)).toEqual([]);
      const thread = `${HELPDESK_TEAM};messageid=${postedId}`;
      expect(connector.textsTo(thread)).toEqual(['Alex Smith (alex.smith@example.nhs.uk): Yes it is ***123, and the code was [code]']);
      const all = JSON.stringify(connector.activities);
      expect(all).not.toMatch(/900123|482913|123 456/);
    });

    it('does not relay what another member writes in the thread', async () => {
      const before = connector.textsTo('a:relay-person').length;
      const r = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: ALICE, text: 'Internal: check the logs' }));
      expect(replies(r.body).map((a) => a.text)).toEqual(['Not sent: only Bob Agent, who is chatting with the person, can write to them here.']);
      expect(connector.textsTo('a:relay-person')).toHaveLength(before);
    });

    it('relays the holder\'s thread messages without an @mention; the others\' unmentioned messages get no reply', async () => {
      const before = connector.textsTo('a:relay-person').length;
      const holder = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: BOB, text: 'Can you open Authenticator?', mention: false }));
      expect(replies(holder.body)).toEqual([]);
      expect(connector.textsTo('a:relay-person').at(-1)).toBe('Bob Agent (Helpdesk): Can you open Authenticator?');
      const colleague = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: ALICE, text: 'I can take over later', mention: false }));
      expect(colleague.status).toBe(200);
      expect(replies(colleague.body)).toEqual([]);
      expect(connector.textsTo('a:relay-person')).toHaveLength(before + 1);
    });

    it('End chat tells the person and returns them to the bot', async () => {
      const { card } = await act(chat.id, BOB, 'endChat');
      expect(verbsOf(card)).not.toContain('endChat');
      expect(connector.textsTo('a:relay-person').at(-1)).toBe("Bob Agent has left the chat. You're back with the MFA helpdesk assistant.");
      const thread = `${HELPDESK_TEAM};messageid=${postedId}`;
      const relayed = connector.textsTo(thread).length;
      const r = await post(t.baseUrl, personMessage(serviceUrl, 'a:relay-person', 'hello'));
      expect(replies(r.body).length).toBeGreaterThan(0);
      expect(connector.textsTo(thread)).toHaveLength(relayed);
      expect((await ticket(chat.id)).history.map((h) => h.action)).toEqual(['created', 'claimed', 'chat_started', 'chat_ended']);
      const again = await act(chat.id, BOB, 'endChat');
      expect(JSON.stringify(again.card)).toContain(`There is no live chat on ${chat.id}.`);
    });

    it('after the chat ended, thread messages are not relayed', async () => {
      const before = connector.textsTo('a:relay-person').length;
      const unmentioned = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: BOB, text: 'Still there?', mention: false }));
      expect(replies(unmentioned.body)).toEqual([]);
      const r = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId, from: BOB, text: 'Are you there?' }));
      expect(String(replies(r.body)[0]?.text)).toContain('Nothing was sent to the person');
      expect(connector.textsTo('a:relay-person')).toHaveLength(before);
    });

    it('resolve by the holder tells the person', async () => {
      const { card } = await act(chat.id, BOB, 'resolveTicket', { resolution: 'Authenticator moved to the new phone.' });
      expect(await ticket(chat.id)).toMatchObject({ status: 'resolved', resolution: 'Authenticator moved to the new phone.' });
      expect(JSON.stringify(card)).toContain('Resolution: Authenticator moved to the new phone.');
      expect(connector.textsTo('a:relay-person').at(-1)).toBe(`Your ticket ${chat.id} has been resolved: Authenticator moved to the new phone.`);
    });

    it('resolving ends a live chat too', async () => {
      const live = await openTicket('a:resolve-live');
      await act(live.id, ALICE, 'claimTicket');
      await act(live.id, ALICE, 'resolveTicket', { resolution: 'Sorted.' });
      expect(connector.textsTo('a:resolve-live').slice(-2)).toEqual([
        `Your ticket ${live.id} has been resolved: Sorted.`,
        "The chat with Alice Agent has ended. You're back with the MFA helpdesk assistant.",
      ]);
      expect((await t.helpdesk.teamsAgents.store.relayOf(live.id))?.state).toBe('ended');
    });
  });

  describe('Verify by call-back', () => {
    /** Plays Twilio answering the call kept in the dev outbox, and the callee pressing a key. */
    const answerCallback = async (to: string, digits: string): Promise<void> => {
      const outbox = (await (await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`)).json()) as { channel: string; webhookUrl?: string }[];
      const call = outbox[0]; // newest first
      expect(call?.channel).toBe('voice');
      const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
      const answered = await (await fetch(`${t.baseUrl}${call?.webhookUrl ?? ''}`, form({ CallSid: `CA${'7'.repeat(32)}`, CallStatus: 'in-progress' }))).text();
      const keyPath = /action="([^"]+)"/.exec(answered)?.[1]?.replace(/&amp;/g, '&') ?? '';
      expect(keyPath).toMatch(/^\/api\/voice\/callback\/key\?t=/);
      expect((await fetch(`${t.baseUrl}${keyPath}`, form({ CallSid: `CA${'7'.repeat(32)}`, Digits: digits }))).status).toBe(200);
      await idle();
    };

    it('calls the number on record; the card shows the call, then "verified by call-back"', async () => {
      const bob = await openTicket('a:callback-verified', { type: 'other', details: { actionRequested: true }, requester: { email: 'bob.jones@example.nhs.net', name: 'Bob Jones' }, verification: { verified: false, reason: 'the caller reached an agent directly' } });
      const { card, postedId } = await act(bob.id, ALICE, 'verifyByCallback');
      expect(JSON.stringify(card)).toContain('Calling the number on record');
      expect((await ticket(bob.id)).history.at(-1)).toMatchObject({ action: 'callback_started', by: 'Alice Agent' });
      await answerCallback('+447700900201', '#');
      const latest = cardOf(connector.updatesOf(postedId).at(-1)!.body);
      expect(JSON.stringify(latest)).toContain('Verified by call-back to the number on record ending 201');
      expect((await ticket(bob.id)).verification).toMatchObject({ verified: true, method: 'callback', destinationMasked: '***201' });
      expect(connector.sentTo(SECURITY_TEAM).filter((a) => JSON.stringify(a.body).includes(bob.id))).toHaveLength(0);
    });

    it('a denial raises a P1: the card says DENIED and the security team gets it too', async () => {
      const alice = await openTicket('a:callback-denied', { type: 'other', details: { actionRequested: true }, requester: { email: 'alice.smith@example.nhs.net', name: 'Alice Smith' } });
      const { postedId } = await act(alice.id, BOB, 'verifyByCallback');
      await answerCallback('+447700900101', '9');
      expect(await ticket(alice.id)).toMatchObject({ priority: 'P1', verification: { verified: false } });
      expect(JSON.stringify(cardOf(connector.updatesOf(postedId).at(-1)!.body))).toContain('DENIED');
      const security = connector.sentTo(SECURITY_TEAM).filter((a) => JSON.stringify(a.body).includes(alice.id));
      expect(security).toHaveLength(1);
      expect(verbsOf(cardOf(security[0]!.body))).toEqual([]);
      expect(await postOf(alice.id, 'security')).toBeDefined();
    });

    it('explains why a ticket naming nobody in the directory cannot be called back', async () => {
      const nobody = await openTicket('a:callback-nobody');
      const { card } = await act(nobody.id, ALICE, 'verifyByCallback');
      expect(JSON.stringify(card)).toContain('does not name a person in the directory');
      expect((await ticket(nobody.id)).history.map((h) => h.action)).toEqual(['created']);
    });
  });

  describe('a lost phone that needs a Temporary Access Pass', () => {
    it('shows both masked numbers and the pending second check; Resolve waits until an agent records it on the card', async () => {
      const lost = await openTicket('a:lost-tap', pendingTapTicket(['Remove the lost phone (mobile ending 201) from the MFA methods']));
      const posted = cardOf(connector.sentTo(HELPDESK_TEAM).find((a) => JSON.stringify(a.body).includes(lost.id))!.body);
      expect(JSON.stringify(posted)).toContain('mobile ending 201');
      expect(JSON.stringify(posted)).toContain('Second check PENDING');
      expect(verbsOf(posted)).toEqual(['claimTicket', 'addNote', 'recordSecondCheck', 'verifyByCallback', 'cancelTicket']);

      // A Resolve sent anyway (an old card, a forged button) is refused with the reason.
      const early = await act(lost.id, ALICE, 'resolveTicket', { resolution: 'TAP issued' });
      expect(JSON.stringify(early.card)).toContain('record its second check');
      expect((await ticket(lost.id)).status).toBe('open');
      const noMethod = await act(lost.id, ALICE, 'recordSecondCheck', { secondCheckMethod: 'a hunch', secondCheckNote: 'seemed fine' });
      expect(JSON.stringify(noMethod.card)).toContain('Choose how the second check was made');

      const { postedId } = await act(lost.id, ALICE, 'recordSecondCheck', { secondCheckMethod: 'line_manager', secondCheckNote: 'Jo Bloggs confirmed on a call' });
      const recorded = await ticket(lost.id);
      expect(recorded.type === 'lost_device' && recorded.details.temporaryAccessPass).toMatchObject({
        requested: true,
        secondCheck: { status: 'recorded', method: 'line_manager', by: 'Alice Agent', note: 'Jo Bloggs confirmed on a call' },
      });
      const latest = cardOf(connector.updatesOf(postedId).at(-1)!.body);
      expect(JSON.stringify(latest)).toContain("Second check recorded: line manager's confirmation by Alice Agent");
      expect(verbsOf(latest)).toContain('resolveTicket');
      expect(verbsOf(latest)).not.toContain('recordSecondCheck');
    });
  });

  describe('when the person cannot be reached', () => {
    it('403 BotNotInConversationRoster: the ticket is marked, the card says so, nothing is retried', async () => {
      connector.unreachable.set('a:removed-bot', 'roster403');
      const gone = await openTicket('a:removed-bot');
      const { postedId } = await act(gone.id, ALICE, 'claimTicket');
      const marked = await ticket(gone.id);
      expect(marked.personNotNotified).toMatchObject({ reason: 'the bot is no longer in their chat' });
      expect(marked.history.filter((h) => h.action === 'person_not_notified')).toHaveLength(1);
      expect(connector.attemptsOn('a:removed-bot')).toBe(1);
      expect(await t.helpdesk.teamsAgents.store.relayOf(gone.id)).toBeUndefined();
      const latest = connector.updatesOf(postedId).at(-1)!;
      expect(JSON.stringify(cardOf(latest.body))).toContain('The person could not be notified (the bot is no longer in their chat)');
      // Later updates try once each, and the ticket is not marked twice.
      await act(gone.id, ALICE, 'addNote', { noteText: 'Tried again.', visibleToUser: 'true' });
      expect(connector.attemptsOn('a:removed-bot')).toBe(2);
      expect((await ticket(gone.id)).history.filter((h) => h.action === 'person_not_notified')).toHaveLength(1);
    });

    it('404 ConversationNotFound on a claim made outside Teams: marked, no crash, no retry', async () => {
      connector.unreachable.set('a:deleted-chat', 'notFound404');
      const gone = await openTicket('a:deleted-chat');
      await t.helpdesk.tickets.claim(gone.id, 'carol');
      await idle();
      expect((await ticket(gone.id)).personNotNotified).toMatchObject({ reason: 'their conversation no longer exists' });
      expect(connector.attemptsOn('a:deleted-chat')).toBe(1);
      const { card } = await act(gone.id, ALICE, 'refreshTicket');
      expect(JSON.stringify(card)).toContain('The person could not be notified');
    });

    it('a passing failure (503) is retried by the connector client and then delivered', async () => {
      const flaky = await openTicket('a:flaky-chat');
      connector.failuresLeft.set('a:flaky-chat', 2);
      await t.helpdesk.tickets.claim(flaky.id, 'carol');
      await idle();
      expect(connector.attemptsOn('a:flaky-chat')).toBe(3);
      expect(connector.textsTo('a:flaky-chat')).toEqual([`Good news: carol from the helpdesk has picked up your ticket ${flaky.id}.`]);
      expect((await ticket(flaky.id)).personNotNotified).toBeUndefined();
    });
  });

  describe('other channel messages', () => {
    it('are answered only when they mention the bot', async () => {
      const quiet = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId: 'general-1', from: ALICE, text: 'what is MFA', mention: false }));
      expect(quiet.status).toBe(200);
      expect(replies(quiet.body)).toEqual([]);
      const asked = await post(t.baseUrl, threadMessage(serviceUrl, { teamId: HELPDESK_TEAM, postedId: 'general-2', from: ALICE, text: 'what is MFA' }));
      expect(replies(asked.body).length).toBeGreaterThan(0);
    });
  });

  describe('uninstall', () => {
    it('forgets the helpdesk queue when the app is removed from the team', async () => {
      await post(t.baseUrl, teamInstall(serviceUrl, HELPDESK_TEAM, true));
      expect(await t.helpdesk.teamsAgents.queues.helpdesk()).toBeUndefined();
      expect(await t.helpdesk.teamsAgents.queues.security()).toBeDefined();
      const before = connector.sentTo(HELPDESK_TEAM).length;
      const later = await openTicket('a:after-uninstall');
      expect(connector.sentTo(HELPDESK_TEAM)).toHaveLength(before);
      expect(await postOf(later.id)).toBeUndefined();
      const { card } = await (async () => {
        const r = await post(t.baseUrl, cardAction(serviceUrl, { teamId: HELPDESK_TEAM, postedId: 'x', from: ALICE, verb: 'claimTicket', data: { ticketId: later.id } }));
        return { card: invokeCard(r.body) };
      })();
      expect(JSON.stringify(card)).toContain('The helpdesk queue is not set up');
    });
  });
});
