import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog, PERSON_OPTION } from '../../dialogs/mainDialog';
import { KnowledgeNlu } from '../../src/knowledge';
import { helpdeskWorld, type HelpdeskWorld } from '../support/helpdeskServices';
import { both, playTranscript, suggestionTitles, type Turn } from '../helpers/transcript';

let nlu: KnowledgeNlu;
let world: HelpdeskWorld;
beforeAll(async () => {
  nlu = await KnowledgeNlu.create();
});
beforeEach(async () => {
  world = await helpdeskWorld();
});

const feedback = /Did this answer help\?/;
/** The reply is the entry's answer, with `lead` in its first paragraph (text and speech). */
const answers = (entryId: string, lead?: RegExp, spokenLead?: RegExp) => (reply: Partial<Activity>) => {
  const entry = nlu.lookupEntry(entryId);
  expect(JSON.stringify(reply.attachments?.[0]?.content)).toContain(JSON.stringify(entry?.topic));
  if (lead) expect(reply.text?.split('\n\n')[0]).toMatch(lead);
  if (spokenLead) expect(reply.speak).toMatch(spokenLead);
};
const notMfa = (who: RegExp) => both(who, /0333 200 1133/, (r: Partial<Activity>) => expect(suggestionTitles(r)).toContain(PERSON_OPTION));
const lostPhoneFlow = /Sorry to hear that|another sign-in method|stolen/;

const transcripts: [string, Turn[]][] = [
  [
    'a follow-up about the phone call option is answered from the entry just given, that case first',
    [
      ['does mfa need an internet connection?', [answers('internet_needed'), feedback]],
      ['and what about the phone call option?', [answers('internet_needed', /^\*\*Phone call:\*\* no internet connection is needed/, /^Phone calls don't need the internet/), feedback]],
    ],
  ],
  [
    'a follow-up about the iPhone after "which method" leads with iOS',
    [
      ['which method should i choose', [answers('preferred_method'), feedback]],
      ['what about on iphone?', [answers('preferred_method', /iOS/), feedback]],
    ],
  ],
  [
    'a follow-up naming another topic moves on to it',
    [
      ['do shared mailboxes need mfa', [answers('shared_mailboxes'), feedback]],
      ['and guest accounts?', [answers('guest_users', /Guest users can still register/), feedback]],
    ],
  ],
  [
    'the same follow-up with nothing answered before is not read as the phone-call case',
    [['and what about the phone call option?', [(r) => expect(JSON.stringify(r.attachments?.[0]?.content)).not.toContain(JSON.stringify(nlu.lookupEntry('internet_needed')?.topic)), feedback]]],
  ],
  [
    'a short off-topic question right after an answer is declined, not answered again with that entry',
    [
      ['how do I change my mobile number?', [answers('new_number'), feedback]],
      ['who invented the internet', (r) => expect(r.text).toMatch(/^Sorry, I can only help with questions about multi-factor authentication/)],
    ],
  ],
  ['"why is my account blocked" is told it is not MFA, and who can help', [['why is my account blocked', notMfa(/local administrator/)]]],
  ['"i forgot my password" is told it is not MFA, and who can help', [['i forgot my password', notMfa(/local administrator/)]]],
  ['"the wifi on my ward is down" is told it is not MFA', [['the wifi on my ward is down', notMfa(/local IT team or administrator/)]]],
  ['"i lost my credit card" does not start the lost-phone flow', [['i lost my credit card', (r) => expect(r.text).not.toMatch(lostPhoneFlow)]]],
  [
    '"what do I do about my shared mailbox" gets the shared-mailbox answer, not a bare "No."',
    [['what do I do about my shared mailbox?', [both(answers('shared_mailboxes', /^When you open a shared mailbox/), (r) => expect(r.text).not.toMatch(/^(Yes|No)\b/)), feedback]]],
  ],
  [
    'a follow-up after the new-phone flow has finished is answered from that flow\'s entry, the case asked about first',
    [
      ['got a new phone but kept the same number, i use text codes', /nothing to do/],
      ['and what if I used the authenticator app?', [answers('new_phone', /^\*\*Authenticator app:\*\*/), feedback]],
    ],
  ],
  [
    'a new request typed at a flow\'s question instead of an answer leaves the flow and is taken up',
    [
      ['how do i move authenticator over to my new iphone', [/iCloud backup/, /step by step/, /Did that get you set up\?/]],
      ['i lost my phone', [/Sorry to hear that/, /another sign-in method/]],
    ],
  ],
  [
    'a near-domain question typed at a flow\'s question gets its honest reply instead of a re-prompt',
    [
      ['how do i move authenticator over to my new iphone', [/iCloud backup/, /step by step/, /Did that get you set up\?/]],
      ['why is my account blocked', notMfa(/local administrator/)],
    ],
  ],
  [
    'an answer that picks one of the choices stays in the flow, even when it sounds like a topic of its own',
    [
      ['I lost my phone', [/Sorry to hear that/, /another sign-in method/]],
      ['yes, the authenticator app on my tablet', /Could the phone have been stolen\?/],
    ],
  ],
  [
    'a message at a flow\'s question that is neither a choice nor a clear request is asked again',
    [
      ['how do i move authenticator over to my new iphone', [/iCloud backup/, /step by step/, /Did that get you set up\?/]],
      ['and what about on android?', /Sorry, I didn't catch that/],
    ],
  ],
  [
    'after an answer has been rated, a follow-up is still read against it',
    [
      ['does mfa need an internet connection?', [answers('internet_needed'), feedback]],
      ['yes', /Glad that helped/],
      ['and the text message option?', [answers('internet_needed', /^\*\*Text message:\*\*/), feedback]],
    ],
  ],
];

describe('MainDialog: understanding in context', () => {
  it.each(transcripts)('%s', async (_name, turns) => {
    const client = new DialogTestClient('webchat', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    await playTranscript(client, turns);
  });
});

describe('MainDialog in Teams, where answers carry Teams\' own feedback buttons', () => {
  it('a follow-up is still read against the answer just given, the case asked about first', async () => {
    const client = new DialogTestClient('msteams', new MainDialog({ understanding: nlu, services: world.services, feedback: world.feedback }));
    await playTranscript(client, [
      ['does mfa need an internet connection?', [both(answers('internet_needed'), (r) => expect(r.channelData).toMatchObject({ feedbackLoopEnabled: true }))]],
      ['and what about the phone call option?', [answers('internet_needed', /^\*\*Phone call:\*\* no internet connection is needed/)]],
    ]);
  });
});

describe('answers fit any question form', () => {
  it('no answer, spoken answer or case of an answer, of any entry, starts with a bare "Yes" or "No"', () => {
    const texts = nlu.entries.flatMap((e) => [e.answer, e.speech, ...(e.cases ?? []).flatMap((c) => [c.answer, c.speech])].map((text) => ({ id: e.id, text })));
    expect(texts.length).toBeGreaterThan(nlu.entries.length * 2);
    expect(texts.filter(({ text }) => /^\W*(yes|no)\b/i.test(text))).toEqual([]);
  });

  it('no entry answers a question with a bare "Yes" or "No" first, however it is shaped for the question', () => {
    const bare = nlu.entries.flatMap((e) =>
      [undefined, ...(e.cases ?? [])].map((c) => {
        const question = c ? `${e.topic} ${c.method ?? ''} ${c.device ?? ''}` : e.topic;
        return { id: e.id, question, text: nlu.answerFor(e, question).text };
      }),
    );
    expect(bare.filter(({ text }) => /^\W*(yes|no)\b/i.test(text))).toEqual([]);
  });

  it('a question that names no case gets the entry as written', () => {
    const entry = nlu.lookupEntry('internet_needed');
    expect(entry && nlu.answerFor(entry, 'do I need the internet for mfa')).toEqual({ text: entry?.answer, speech: entry?.speech });
  });

  it.each([
    ['internet_needed', 'does the text message need data?', /^\*\*Text message:\*\*/],
    ['core_methods', 'how does the phone call method work', /^\*\*Phone call:\*\*/],
    ['new_phone', 'new phone, i use the authenticator app', /^\*\*Authenticator app:\*\*/],
    ['install_authenticator', 'installing it on android', /Android/],
  ])('%s asked %p leads with that case', (id, question, lead) => {
    const entry = nlu.lookupEntry(id);
    expect(entry).toBeDefined();
    if (!entry) return;
    const { text, speech } = nlu.answerFor(entry, question);
    expect(text.split('\n\n')[0]).toMatch(lead);
    expect(text).toContain(entry.answer);
    expect(speech).toContain(entry.speech);
  });
});
