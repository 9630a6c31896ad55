import { randomBytes } from 'node:crypto';
import type { FloorBot } from './floorBots';
import { TurnError, type Conversation, type ConversationContext } from './load';

/** Which server a scenario loads: the helpdesk itself or one of the floor bots. */
export type Target = 'helpdesk' | FloorBot;

/** One kind of load of the benchmark. */
export interface Scenario {
  /** Name in the report. */
  readonly name: string;
  readonly target: Target;
  /** One conversation; the load plays it again and again. */
  readonly conversation: Conversation;
}

/** How many people the bench directory holds (see {@link benchDirectory}). */
export const BENCH_PEOPLE = 4000;

/**
 * The directory the helpdesk runs with under load: {@link BENCH_PEOPLE} fictional people, each
 * with the Authenticator app and two mobile numbers from Ofcom's drama range. Numbers are shared
 * between people (there are only 1,000 of them), so that every flow can take a new person and
 * stay within the per-person and per-number send limits.
 */
export function benchDirectory(): { description: string; people: unknown[] } {
  return {
    description: 'Fictional people for the load benchmark; numbers from the range Ofcom reserves for drama.',
    people: Array.from({ length: BENCH_PEOPLE }, (_, i) => {
      const n = String(i + 1).padStart(6, '0');
      const id = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
      return {
        id,
        email: `bench.person${n}@example.nhs.net`,
        staffId: `9${n}`,
        objectId: id,
        displayName: `Bench Person ${n}`,
        methods: { authenticatorApp: true, mobile: benchMobile(i, 0), alternateMobile: benchMobile(i, 1), fido2: false, smartcard: false },
        defaultMethod: 'authenticatorApp',
        guest: false,
        compromised: false,
      };
    }),
  };
}

function benchMobile(person: number, which: 0 | 1): string {
  return `+447700900${String((person * 2 + which) % 1000).padStart(3, '0')}`;
}

function benchPerson(sequence: number): { email: string; staffId: string; mobile: string; alternateMobile: string } {
  const i = sequence % BENCH_PEOPLE;
  const n = String(i + 1).padStart(6, '0');
  return { email: `bench.person${n}@example.nhs.net`, staffId: `9${n}`, mobile: benchMobile(i, 0), alternateMobile: benchMobile(i, 1) };
}

/**
 * People for the flows that send a code, one after another. They are counted apart from the
 * conversation sequence, which every load (the floor bots' too) takes numbers from: otherwise the
 * code flows would take people spread over the directory's range and wrap round it within minutes,
 * sending one person a fourth code inside their 15-minute limit, so that a faster server would see
 * more refusals. With {@link BENCH_PEOPLE} people, a run reuses nobody for its first 4,000 code
 * flows (about four rounds).
 */
let codePeople = 0;
function nextCodePerson(): ReturnType<typeof benchPerson> {
  return benchPerson(codePeople++);
}

/** Reads the newest code the dev outbox holds for a number. */
async function codeSentTo(context: ConversationContext, to: string): Promise<string> {
  const reply = await context.http('GET', `/dev/outbox?to=${encodeURIComponent(to)}`);
  const newest = Array.isArray(reply.body) ? (reply.body[0] as { text?: unknown } | undefined) : undefined;
  const match = typeof newest?.text === 'string' ? /code (?:is:? )?((?:\d[,\s]*){6})/.exec(newest.text) : null;
  if (reply.status !== 200 || !match) throw new TurnError(`no code in the dev outbox for ***${to.slice(-3)}`);
  return match[1].replace(/\D/g, '');
}

/** Questions of the FAQ load, each with what its answer must say. */
const FAQ: readonly (readonly [string, RegExp])[] = [
  ['do I need wifi for the code', /internet|signal|offline|data/i],
  ['can I use my Irish number', /UK/],
  ['what is the helpdesk number', /0333/],
  ['is there a grace period', /14 days/],
  ['do shared mailboxes need mfa', /shared mailbox/i],
  ['can I use a fido2 key', /FIDO2/i],
];

/** FAQ turns: three questions, each answered with a card and followed by feedback on it. */
export const faqTurns: Scenario = {
  name: 'faq',
  target: 'helpdesk',
  async conversation(context) {
    for (let i = 0; i < 3; i += 1) {
      const [question, answer] = FAQ[(context.sequence + i) % FAQ.length];
      await context.say(question, { expect: answer });
      await context.say(i % 2 === 0 ? 'yes' : 'no', { expect: /thank|sorry|glad|help/i });
    }
  },
};

/** The identity check on its own: "verify me", the email, the method, the code from the dev outbox. */
export const verificationFlow: Scenario = {
  name: 'verification',
  target: 'helpdesk',
  async conversation(context) {
    const person = nextCodePerson();
    await context.say('verify me', { expect: /NHSmail email address/ });
    await context.say(person.email, { expect: /How should I send your code/ });
    await context.say('1', { expect: /sent a 6-digit code/ });
    await context.say(await codeSentTo(context, person.mobile), { expect: /right code/ });
  },
};

/** A lost phone: the questions, which phone is lost (the mobile), the identity check on the other mobile, and the ticket opened. */
export const ticketFlow: Scenario = {
  name: 'ticket',
  target: 'helpdesk',
  async conversation(context) {
    const person = nextCodePerson();
    await context.say('I lost my phone', { expect: /another sign-in method registered/ });
    await context.say('Yes', { expect: /stolen/ });
    await context.say('Just lost or broken', { expect: /remove the lost phone from your account/ });
    await context.say('Yes, please', { expect: /NHSmail email address/ });
    await context.say(person.email, { expect: /Which of your phones is lost/ });
    await context.say('1', { expect: /How should I send your code/ });
    await context.say('1', { expect: /sent a 6-digit code/ });
    await context.say(await codeSentTo(context, person.alternateMobile), { expect: /opened ticket \*\*MFA-\d{6}\*\*/ });
  },
};

/** The metric a voice turn records: the server's own time for it, from its `Server-Timing` header. */
export const VOICE_SERVER_MS = 'voiceServerMs';

/**
 * One timed webhook of a call, posted form-encoded as Twilio posts it. The TwiML must match
 * `expect`; the server's time for the turn (`Server-Timing: turn;dur=…`) is recorded.
 */
async function voiceTurn(context: ConversationContext, callSid: string, path: string, fields: Record<string, string>, expect: RegExp): Promise<string> {
  const body = new URLSearchParams({ CallSid: callSid, AccountSid: `AC${'0'.repeat(32)}`, From: '+447700900999', To: '+443330000000', ...fields }).toString();
  const what = fields.SpeechResult ?? fields.Digits ?? path;
  return context.turn(async () => {
    const reply = await context.http('POST', path, body, { 'content-type': 'application/x-www-form-urlencoded' });
    const twiml = typeof reply.body === 'string' ? reply.body : '';
    const timing = /\bturn;dur=([\d.]+)/.exec(String(reply.headers['server-timing'] ?? ''));
    if (reply.status !== 200 || !twiml.startsWith('<?xml')) throw new TurnError(`voice "${what}": HTTP ${reply.status}`);
    if (!timing) throw new TurnError(`voice "${what}": no Server-Timing header`);
    context.record(VOICE_SERVER_MS, Number(timing[1]));
    if (!expect.test(twiml)) throw new TurnError(`voice "${what}": expected ${expect} but got "${twiml.slice(0, 200)}"`);
    return twiml;
  });
}

/**
 * A whole call on the phone line, webhook by webhook: the greeting, a lost phone (spoken and
 * keyed answers), the staff ID, which phone is lost, "text message please" for the code, the code from the dev
 * outbox, then the ticket and the transfer.
 */
export const voiceCall: Scenario = {
  name: 'voice',
  target: 'helpdesk',
  async conversation(context) {
    const person = nextCodePerson();
    const call = `CA${randomBytes(16).toString('hex')}`;
    const gather = (fields: Record<string, string>, expect: RegExp) => voiceTurn(context, call, '/api/voice/gather', fields, expect);
    await voiceTurn(context, call, '/api/voice', { CallStatus: 'ringing' }, /MFA helpdesk assistant/);
    await gather({ SpeechResult: 'I lost my phone', Confidence: '0.9' }, /another sign-in method registered/);
    await gather({ Digits: '1' }, /stolen/);
    await gather({ SpeechResult: 'it was just lost', Confidence: '0.9' }, /remove the lost phone/);
    await gather({ SpeechResult: 'yes please', Confidence: '0.9' }, /key in your staff ID/);
    await gather({ Digits: person.staffId }, /Which of your phones is lost/);
    await gather({ Digits: '1' }, /How should I send your code/);
    await gather({ SpeechResult: 'text message please', Confidence: '0.9' }, /sent a 6-digit code by text/);
    await gather({ Digits: await codeSentTo(context, person.alternateMobile) }, /opened ticket M F A[\s\S]*<Dial/);
  },
};

/** The same questions as the FAQ load, answered by a floor bot. */
function floorTurns(target: FloorBot): Scenario {
  return {
    name: target,
    target,
    async conversation(context) {
      for (let i = 0; i < 3; i += 1) {
        const [question] = FAQ[(context.sequence + i) % FAQ.length];
        await context.say(question, { expect: /^Echo: / });
        await context.say('yes', { expect: /^Echo: / });
      }
    },
  };
}

/** botbuilder's echo bot: the reference every ratio is taken against. */
export const echoTurns = floorTurns('echo');

/**
 * Every load of a benchmark round, in the order they run. The echo bot comes first; each
 * other load's ratio is taken against the echo load of its own round. Add a scenario here to
 * have it measured and reported.
 */
export const SCENARIOS: readonly Scenario[] = [echoTurns, faqTurns, floorTurns('runDialog'), floorTurns('dialogSet'), verificationFlow, ticketFlow, voiceCall];
