import { DialogTestClient } from 'botbuilder-testing';
import type { Activity } from 'botbuilder';
import { FALLBACK_TEXT, MainDialog, PERSON_OPTION } from '../../dialogs/mainDialog';
import { MENU_OPTIONS } from '../../dialogs/menu';
import { KnowledgeNlu } from '../../src/knowledge';
import { helpdeskWorld, type HelpdeskWorld } from '../support/helpdeskServices';
import { actionsOf } from '../cards/adaptiveCardsSdk';
import { both, playTranscript, suggestionTitles, type Turn } from '../helpers/transcript';

let nlu: KnowledgeNlu;
let world: HelpdeskWorld;
beforeAll(async () => {
  nlu = await KnowledgeNlu.create();
});
beforeEach(async () => {
  world = await helpdeskWorld();
});

const hasMenu = (reply: Partial<Activity>) => {
  const card = reply.attachments?.[0];
  expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  const actions = actionsOf(card?.content);
  expect(actions.map((a) => a.title)).toEqual(MENU_OPTIONS.map((o) => o.title));
  actions.forEach((a) => expect(a.data).toMatchObject({ verb: 'menu' }));
  expect(reply.suggestedActions).toBeUndefined();
};
const answerCard = (entryId: string, fact?: RegExp) => (reply: Partial<Activity>) => {
  const entry = nlu.lookupEntry(entryId);
  expect(entry).toBeDefined();
  expect(reply.text).toBe(entry?.answer);
  expect(reply.speak).toBe(entry?.speech);
  expect(JSON.stringify(reply.attachments?.[0]?.content)).toContain(JSON.stringify(entry?.topic));
  if (fact) expect(reply.text).toMatch(fact);
};
const feedback = /Did this answer help\?/;
const offersPerson = (reply: Partial<Activity>) => expect(suggestionTitles(reply)).toContain(PERSON_OPTION);
const submit = (value: object): Partial<Activity> => ({ type: 'message', value });

const transcripts: [string, Turn[]][] = [
  ['a greeting gets a short reply and the menu', [['Hello', [(r) => { expect(r.text).toMatch(/^Hello!/); hasMenu(r); }]]]],
  ['thanks gets a short reply', [['thanks!', /welcome|pleasure|glad/i]]],
  ['an MFA question gets the answer, then "did this help?"; yes closes it', [['do I need wifi for the code', [answerCard('internet_needed', /internet/i), feedback]], ['yes', /Glad that helped/]]],
  ['"no, it did not help" offers a person', [['can I use my Irish number', [answerCard('uk_numbers', /UK/), feedback]], ['no', both(/Sorry that didn't help/, offersPerson)]]],
  ['a pressed No button (a choices card) answers too', [['how long is the grace period', [answerCard('grace_period', /14 days/), feedback]], [submit({ verb: 'choice', value: 'No' }), both(/Sorry that didn't help/, offersPerson)]]],
  ['small talk is not followed by "did this help?"', [['thanks!', /welcome|pleasure|glad/i], ['hello', (r) => expect(r.text).toMatch(/^Hello!/)]]],
  ['a new question instead of feedback is answered', [['what number is the helpdesk', [answerCard('contact_helpdesk', /0333 200 1133/), feedback]], ['are guest users able to register for mfa', [answerCard('guest_users'), feedback]]]],
  ['an off-topic question is declined, with a person offered', [["what's the weather like tomorrow", both(/only help with questions about multi-factor authentication/, offersPerson)]]],
  ['gibberish gets "not sure", the 3 closest topics and a person', [['zxcv qwerty', both((r) => { expect(r.text).toMatch(/not sure|only help/); expect(suggestionTitles(r)).toHaveLength(4); }, offersPerson)]]],
  [
    '"I lost my phone" starts the lost-phone conversation, which hands over to a person',
    [['I lost my phone', [/Sorry to hear that/, /another sign-in method/]], ['no', /stolen/], ['lost', [/local administrator/, /0333/, /still do your work/]], ['no', /take it from here/], ['yes', [/check it's you before the helpdesk removes the lost phone/, /NHSmail email address/]]],
  ],
  ['"someone keeps sending me approve requests" starts the suspicious-prompt conversation', [['someone keeps sending me approve requests', [/Don't approve/, /Did you approve any/]], ['cancel', /stopped/]]],
  ['a menu card submission starts its topic', [[submit({ verb: 'menu', topic: 'exception_request' }), [/A few things to know/, /Why do you need an exception/]]]],
  ['the menu title typed as text starts its topic', [['Change my MFA method', /What would you like to change/]]],
  ['a follow-up button answers that entry', [[submit({ verb: 'followup', entryId: 'fido2_tokens' }), [answerCard('fido2_tokens', /FIDO2/), feedback]]]],
  ['a "start guided flow" button starts the flow', [[submit({ verb: 'start_dialog', dialog: 'change_method', entryId: 'new_number' }), /What is your new mobile number/]]],
  ['"I\'m stuck" on steps hands over', [[submit({ verb: 'steps', outcome: 'stuck', entryId: 'new_phone' }), [/check it's you before the helpdesk changes anything/, /NHSmail email address/]]]],
  ['talk to a person at the top level', [['I want to talk to a person', [/pass you to the helpdesk/, /check it's you first/]]]],
  ['the person button', [[submit({ verb: 'menu', topic: 'person' }), [/pass you to the helpdesk/, /check it's you first/]]]],
  ['cancel with nothing running says so', [['cancel', /nothing to cancel/]]],
  ['an unknown card submission falls back to the menu', [[submit({ foo: 'bar' }), [(r) => { expect(r.text).toBe(FALLBACK_TEXT); hasMenu(r); }]]]],
  [
    'a new phone with the old one gone moves on to the lost-phone conversation',
    [['I have a new phone', /still have your old phone/], ["No, it's lost or broken", [/lost phone first/, /Sorry to hear that/, /another sign-in method/]]],
  ],
  [
    'a new phone with a new number moves on to the number question',
    [['I have a new phone', /old phone/], ['yes', /same mobile number/], ['New number', [/update your MFA details/, /What is your new mobile number/]]],
  ],
];

describe('MainDialog', () => {
  it.each(transcripts)('%s', async (_name, turns) => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    await playTranscript(client, turns);
  });
});

describe('MainDialog: identity checks that cannot succeed hand over', () => {
  it('Carol (app only) asks to be verified: told a person will verify her, and a ticket records why', async () => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    await playTranscript(client, [
      ['verify me', [/I need to check it's you/, /NHSmail email address/]],
      ['carol.white@example.nhs.net', /^I can't send a code for that account\. If you mistyped it/],
      ['carol.white@example.nhs.net', [/I can't send a code for that account/, /Shall I still open a ticket\?/]],
      ['Yes, open a ticket', /opened ticket \*\*MFA-\d{6}\*\*/],
    ]);
    const { items } = await world.tickets.list({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'other', verification: { verified: false, reason: 'no phone method' }, requester: { claimed: 'carol.white@example.nhs.net' } });
    expect(items[0]?.requester.email).toBeUndefined();
  });
});

describe('MainDialog: ratings of answers', () => {
  it('keeps each rating with the entry id, once per answer, and none for small talk or a guided conversation', async () => {
    const feedbackLog = world.feedback;
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: feedbackLog }));
    await playTranscript(client, [
      ['do I need wifi for the code', [answerCard('internet_needed'), feedback]],
      ['yes', /Glad that helped/],
      ['yes', (r) => expect(r.text).not.toMatch(/Glad that helped/)],
      ['can I use my Irish number', [answerCard('uk_numbers'), feedback]],
      ['no', /Sorry that didn't help/],
      ['can I use my Irish number', [answerCard('uk_numbers'), feedback]],
      ['2', /Sorry that didn't help/],
      ['thanks!', /welcome|pleasure|glad/i],
      ['someone keeps sending me approve requests', [/Don't approve/, /Did you approve any/]],
      ['cancel', /stopped/],
    ]);
    await expect(feedbackLog.countsByEntry()).resolves.toEqual([
      { entryId: 'uk_numbers', helpful: 0, unhelpful: 2 },
      { entryId: 'internet_needed', helpful: 1, unhelpful: 0 },
    ]);
  });
});
