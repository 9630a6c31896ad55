import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../dialogs/mainDialog';
import { KnowledgeNlu } from '../../src/knowledge';
import { helpdeskWorld, type HelpdeskWorld } from '../support/helpdeskServices';
import { playTranscript, type Turn } from '../helpers/transcript';

let nlu: KnowledgeNlu;
let world: HelpdeskWorld;
beforeAll(async () => {
  nlu = await KnowledgeNlu.create();
});
beforeEach(async () => {
  world = await helpdeskWorld();
});

/** The questions of each guided flow, so a transcript can show which were skipped. */
const QUESTION = {
  oldPhone: /Do you still have your old phone\?/,
  sameNumber: /same mobile number/,
  method: /How do you usually confirm it is you/,
  otherMethod: /Do you have another sign-in method registered/,
  stolen: /Could the phone have been stolen\?/,
  approved: /Did you approve any of them\?/,
  count: /Roughly how many requests/,
  confirm: /Is that right\?/,
} as const;

/** Every reply to one message, in order. */
async function repliesTo(client: DialogTestClient, text: string): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  for (let reply = await client.sendActivity(text); reply; reply = client.getNextReply()) replies.push(reply);
  return replies;
}

const asked = (replies: readonly Partial<Activity>[]): string[] =>
  Object.entries(QUESTION)
    .filter(([, pattern]) => replies.some((r) => pattern.test(r.text ?? '')))
    .map(([name]) => name);

const cases: { name: string; first: string; skipped: (keyof typeof QUESTION)[]; asks: (keyof typeof QUESTION)[]; says: RegExp[] }[] = [
  {
    name: 'new phone, same number, text codes: nothing to do, no question asked',
    first: 'got a new phone but kept the same number, i use text codes',
    skipped: ['oldPhone', 'sameNumber', 'method'],
    asks: [],
    says: [/nothing to do/],
  },
  {
    name: 'moving the Authenticator app to a new iPhone: straight to the backup and recovery steps',
    first: 'how do i move authenticator over to my new iphone',
    skipped: ['oldPhone', 'sameNumber', 'method'],
    asks: [],
    says: [/iCloud backup/, /step by step/, /Did that get you set up\?/],
  },
  {
    name: 'stolen phone and no other way in: both lost-phone questions skipped',
    first: 'my phone was stolen yesterday and I have no other way to sign in',
    skipped: ['otherMethod', 'stolen'],
    asks: [],
    says: [/Sorry to hear that/, /reset your NHSmail password now/, /0333 200 1133/, /still do your work/],
  },
  {
    name: 'lost, not stolen, with another method: straight to the advice',
    first: "I lost my phone, it wasn't stolen, and I have another number registered",
    skipped: ['otherMethod', 'stolen'],
    asks: [],
    says: [/Sign in another way/, /remove the lost phone/],
  },
  {
    name: 'a hedged "I think I have another method" is only confirmed, not asked in full nor assumed',
    first: 'I lost my phone but I think I have another method',
    skipped: ['stolen', 'otherMethod'],
    asks: ['confirm'],
    says: [/Sorry to hear that/, /It sounds like you have another sign-in method registered\. Is that right\?/],
  },
  {
    name: 'a hedged "I might have approved one" is only confirmed',
    first: "I keep getting approval requests I didn't start and I might have approved one",
    skipped: ['approved'],
    asks: ['confirm'],
    says: [/Don't approve/, /It sounds like you may have approved one of them\. Is that right\?/],
  },
  {
    name: 'prompts, about ten, none approved: both suspicious-prompt questions skipped',
    first: "someone keeps sending me approval requests, I got about 10 of them and I didn't approve any",
    skipped: ['approved', 'count'],
    asks: [],
    says: [/Don't approve/, /reset your password since the requests started/],
  },
  {
    name: 'an approved prompt and loads of them: the urgent advice at once, then the password question',
    first: "I accidentally approved an MFA request I didn't start, I've had loads of prompts",
    skipped: ['approved', 'count'],
    asks: [],
    says: [/Don't approve/, /change your NHSmail password straight away/, /reset your password since/],
  },
];

describe('guided flows start with what the first message says', () => {
  it.each(cases)('$name', async ({ first, skipped, asks, says }) => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    const replies = await repliesTo(client, first);
    for (const r of replies) expect(typeof r.speak).toBe('string');
    const questions = asked(replies);
    for (const q of skipped) expect(questions).not.toContain(q);
    expect(questions).toEqual(asks);
    for (const pattern of says) expect(replies.map((r) => r.text ?? '').join('\n')).toMatch(pattern);
  });

  it.each<[string, RegExp[]]>([
    ["Yes, that's right", [/Sign in another way/, /remove the lost phone/]],
    ['no', [/tell your local administrator/, /Without another method, a person has to reset your MFA/, /still do your work/]],
  ])('the confirmation %p decides the advice', async (answer, replies) => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    await playTranscript(client, [
      ['I lost my phone, it was not stolen, but I think I have another method', [/Sorry to hear that/, /Is that right\?/]],
      [answer, replies],
    ]);
  });

  it.each<[string, RegExp[]]>([
    ['yes', [/there's nothing to do/]],
    ["No, that's not right", [/Security info page/, /step by step/, /Did that get you set up\?/]],
  ])('on a new phone, the confirmation %p of a hedged method decides the advice', async (answer, replies) => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    await playTranscript(client, [
      ['I have a new phone, I think I use texts', /Do you still have your old phone\?/],
      ['yes', /same mobile number/],
      ['same', /It sounds like you use text messages\. Is that right\?/],
      [answer, replies],
    ]);
  });

  it('a skipped question still leaves the rest of the flow working: the stolen-phone flow hands over', async () => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    const turns: Turn[] = [
      ['my phone was stolen and I have no other way to sign in', [/Sorry to hear that/, /reset your NHSmail password now/, /0333 200 1133/, /still do your work/]],
      ["No, I can't work", /take it from here/],
      ['yes', [/check it's you before the helpdesk removes the lost phone/, /NHSmail email address/]],
    ];
    await playTranscript(client, turns);
  });
});
