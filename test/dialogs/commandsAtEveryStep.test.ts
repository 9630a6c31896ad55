import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { HELP_TEXT } from '../../dialogs/helpdeskDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { KnowledgeNlu } from '../../src/knowledge';
import { helpdeskWorld, type HelpdeskWorld } from '../support/helpdeskServices';

let nlu: KnowledgeNlu;
let world: HelpdeskWorld;
beforeAll(async () => {
  nlu = await KnowledgeNlu.create();
});
beforeEach(async () => {
  world = await helpdeskWorld();
});

/** Ways into each step of the guided flows: what to say, and the question that shows the step was reached. */
const STEPS: [name: string, says: string[], question: RegExp][] = [
  ['lost phone, first question', ['I lost my phone'], /another sign-in method/],
  ['lost phone, second question', ['I lost my phone', 'no'], /stolen/],
  ['new phone, first question', ['I have a new phone'], /old phone/],
  ['new phone, method question', ['I have a new phone', 'yes', 'Same number'], /How do you usually confirm/],
  ['suspicious prompts, first question', ["Prompts I didn't ask for"], /Did you approve any/],
  ['exception request, first question', ['Ask for an exception'], /Why do you need an exception/],
  ['change method, first question', ['Change my MFA method'], /What would you like to change/],
  ['identity check, email question', ['verify me'], /NHSmail email address/],
  ['identity check, code question', ['verify me', 'alice.smith@example.nhs.net'], /How should I send your code/],
];

async function repliesTo(client: DialogTestClient, text: string): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  for (let reply = await client.sendActivity(text); reply; reply = client.getNextReply()) replies.push(reply);
  return replies;
}

async function reach(says: readonly string[], question: RegExp): Promise<DialogTestClient> {
  const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
  let last: Partial<Activity>[] = [];
  for (const text of says) last = await repliesTo(client, text);
  expect(last.map((r) => r.text).join('\n')).toMatch(question);
  return client;
}

const texts = (replies: readonly Partial<Activity>[]): string => replies.map((r) => r.text ?? '').join('\n');

describe('the commands work at every step', () => {
  it.each(STEPS)('%s: "help" explains and asks the same question again', async (_name, says, question) => {
    const client = await reach(says, question);
    const replies = await repliesTo(client, 'help');
    expect(replies[0].text).toBe(HELP_TEXT);
    expect(texts(replies.slice(1))).toMatch(question);
  });

  it.each(STEPS)('%s: "cancel" stops it', async (_name, says, question) => {
    const client = await reach(says, question);
    expect(texts(await repliesTo(client, 'cancel'))).toMatch(/stopped/);
    expect(texts(await repliesTo(client, 'cancel'))).toMatch(/nothing to cancel/);
  });

  it.each(STEPS)('%s: "start over" goes back to the menu', async (_name, says, question) => {
    const client = await reach(says, question);
    const replies = await repliesTo(client, 'start over');
    expect(texts(replies)).toMatch(/start again/);
    expect(replies.some((r) => r.attachments?.length)).toBe(true);
  });

  it.each(STEPS)('%s: "talk to a person" hands over', async (_name, says, question) => {
    const client = await reach(says, question);
    const replies = await repliesTo(client, 'can I talk to a person please');
    expect(texts(replies)).toMatch(/helpdesk|person/i);
    expect(texts(replies)).not.toMatch(question);
  });
});

/** Where the conversation keeps the last topic (a finished flow, a rated answer) while waiting for the next message. */
const KEPT_TOPICS: [name: string, says: string[], lastReply: RegExp][] = [
  ['after the new-phone flow has finished', ['got a new phone but kept the same number, i use text codes'], /nothing to do/],
  ['after an answer has been rated', ['does mfa need an internet connection?', 'yes'], /Glad that helped/],
];

describe('the commands work while the last topic is kept', () => {
  it.each(KEPT_TOPICS)('%s: help, cancel, start over, talk to a person and verify me', async (_name, says, lastReply) => {
    const expectations: [command: string, reply: RegExp][] = [
      ['help', /I can help with multi-factor authentication/],
      ['cancel', /nothing to cancel/],
      ['start over', /I can help with multi-factor authentication/],
      ['can I talk to a person please', /helpdesk|person/i],
    ];
    for (const [command, reply] of expectations) {
      const client = await reach(says, lastReply);
      expect(texts(await repliesTo(client, command))).toMatch(reply);
    }
    const client = await reach(says, lastReply);
    expect(texts(await repliesTo(client, 'verify me'))).toMatch(/NHSmail email address/);
  });
});
