import twilio from 'twilio';
import type { Collection, Document, DocumentStore, Versioned } from '../../src/store/documentStore';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { DevOutbox } from '../../src/verification/devOutbox';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { find, saysOf, twimlOf, verbsOf, VoiceCaller, type TwimlNode, phoneLineEnv } from '../support/voiceCaller';

const AUTH_TOKEN = 'twilio-auth-token-for-voice-tests';
const PUBLIC = 'https://bot.example.org';
const HELPDESK = '+443332001133';
const TWILIO_ENV = {
  ...phoneLineEnv(AUTH_TOKEN, PUBLIC),
};

/** A store whose every call rejects while `failing` is set: the database going away mid-call. */
class FlakyStore implements DocumentStore {
  failing = false;
  constructor(private readonly inner: DocumentStore) {}
  private guard<T>(work: () => Promise<T>): Promise<T> {
    return this.failing ? Promise.reject(new Error('store unavailable')) : work();
  }
  collection<T extends Document>(name: string): Collection<T> {
    const c = this.inner.collection<T>(name);
    return {
      get: (id) => this.guard(() => c.get(id)),
      getMany: (ids) => this.guard(() => c.getMany(ids)),
      insert: (id, doc) => this.guard(() => c.insert(id, doc)),
      put: (id, doc, eTag) => this.guard(() => c.put(id, doc, eTag)),
      update: (id, updater) => this.guard(() => c.update(id, updater)),
      delete: (id, eTag) => this.guard(() => c.delete(id, eTag)),
      find: (options) => this.guard(() => c.find(options)),
      count: (where) => this.guard(() => c.count(where)),
    };
  }
  increment(counter: string, by?: number): Promise<number> {
    return this.guard(() => this.inner.increment(counter, by));
  }
  insertNumbered<T extends Document>(collection: string, counter: string, make: (n: number) => { readonly id: string; readonly doc: T }): Promise<Versioned<T>> {
    return this.guard(() => this.inner.insertNumbered(collection, counter, make));
  }
  ping(): Promise<void> {
    return this.guard(() => this.inner.ping());
  }
  prepare(schema: Parameters<DocumentStore['prepare']>[0]): Promise<void> {
    return this.guard(() => this.inner.prepare(schema));
  }
  purge(collection: string, options: Parameters<DocumentStore['purge']>[1]): Promise<number> {
    return this.guard(() => this.inner.purge(collection, options));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Checks the `<Gather>` every listening turn ends with, attribute by attribute. */
function expectGather(root: TwimlNode): TwimlNode {
  const gather = find(root, 'Gather');
  expect(gather).toBeDefined();
  expect(gather?.attrs).toMatchObject({
    input: 'dtmf speech',
    language: 'en-GB',
    speechTimeout: 'auto',
    actionOnEmptyResult: 'true',
    action: `${PUBLIC}/api/voice/gather`,
    method: 'POST',
  });
  expect(gather?.attrs.speechModel).toBeUndefined();
  for (const say of gather?.children ?? []) {
    expect(say.name).toBe('Say');
    expect(say.attrs.language).toBe('en-GB');
  }
  return gather as TwimlNode;
}

function spoken(root: TwimlNode): string {
  return saysOf(root).join(' ');
}

function codeFrom(text: string): string {
  const m = text.match(/code (?:is:? )?((?:\d[,\s]*){6})/);
  if (!m) throw new Error(`no code in ${text}`);
  return m[1].replace(/\D/g, '');
}

describe('the phone line: Twilio webhooks through the same bot', () => {
  let t: TestHelpdesk;
  let outbox: DevOutbox;
  let flaky: FlakyStore;
  const caller = (extra: Partial<ConstructorParameters<typeof VoiceCaller>[0]> = {}) =>
    new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN, ...extra });

  beforeAll(async () => {
    outbox = new DevOutbox({ clock: { now: () => Date.now() } });
    flaky = new FlakyStore(new SqliteDocumentStore({ filename: ':memory:' }));
    t = await startTestHelpdesk({ ...TWILIO_ENV, HELPDESK_PHONE_NUMBER: HELPDESK, AGENT_API_TOKENS: 'a'.repeat(32) }, { sender: outbox, store: flaky });
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('signatures', () => {
    it('accepts a request signed with the twilio helper over PUBLIC_BASE_URL and the path', async () => {
      const root = twimlOf(await caller().start());
      expect(spoken(root)).toMatch(/MFA helpdesk assistant/);
    });

    it.each([
      ['unsigned', ''],
      ['signed with another token', twilio.getExpectedTwilioSignature('another-token', `${PUBLIC}/api/voice`, { CallSid: 'x' })],
      ['with a made-up signature', 'forged'],
    ])('refuses a request %s with 403 and a log line saying why', async (_what, signature) => {
      const before = t.logLines.length;
      const c = caller();
      const answer = signature === '' ? await new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, callSid: c.callSid }).start() : await c.post('/api/voice', {}, signature);
      expect(answer.status).toBe(403);
      const lines = t.logLines.slice(before).filter((l) => l.includes('voice webhook refused'));
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(signature === '' ? /header is missing/ : /does not match/);
    });

    it('refuses a body altered after signing', async () => {
      const c = caller();
      const sig = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC}/api/voice/gather`, {
        CallSid: c.callSid,
        AccountSid: `AC${'0'.repeat(32)}`,
        From: '+447700900999',
        To: '+443330000000',
        Digits: '1',
      });
      expect((await c.post('/api/voice/gather', { Digits: '2' }, sig)).status).toBe(403);
      expect((await c.post('/api/voice/gather', { Digits: '1' }, sig)).status).toBe(200);
    });
  });

  it('a whole call: greeting, "I lost my phone", staff ID, SMS code, the ticket number spoken, then <Dial> with the whisper', async () => {
    const c = caller();
    const first = await c.start();
    expect(first.body).not.toMatch(/AdaptiveCard|\*\*|https?:\/\/(?!bot\.example\.org)/);
    const greeting = twimlOf(first);
    const gather = expectGather(greeting);
    expect(gather.attrs.hints).toContain('I lost my phone');
    expect(spoken(greeting)).toMatch(/press 1 or say I lost my phone/);

    const lost = twimlOf(await c.say('I lost my phone'));
    expectGather(lost);
    expect(spoken(lost)).toMatch(/another sign-in method registered.*Press 1 or say Yes/);
    expect(spoken(twimlOf(await c.key('1')))).toMatch(/stolen/); // 1 = "Yes"
    expect(spoken(twimlOf(await c.say('Just lost or broken')))).toMatch(/remove the lost phone/);
    expect(spoken(twimlOf(await c.key('1')))).toMatch(/key in your staff ID/);

    // Alice has three numbers on record: which one is on the lost phone? It is never offered for the code.
    const which = twimlOf(await c.key('100001'));
    expectGather(which);
    expect(spoken(which)).toMatch(/Which of your phones is lost\?.*Press 1 or say Mobile ending 1 0 1\. Press 2 or say Other mobile ending 1 0 2\. Press 3 or say Office phone ending 1 0 1\./);
    const methods = twimlOf(await c.key('1'));
    expect(spoken(methods)).toMatch(/Press 1 or say Text to other mobile ending 1 0 2/);
    expect(spoken(methods)).not.toMatch(/(Text to|Call to|Call me back on) mobile ending 1 0 1/);
    const sent = twimlOf(await c.key('1'));
    expect(spoken(sent)).toMatch(/sent a 6-digit code by text to your other mobile ending 1 0 2/);
    const message = outbox.list('+447700900102')[0];
    expect(message.channel).toBe('sms');

    const done = twimlOf(await c.key(codeFrom(message.text)));
    // The ticket number is read in digit groups, outside <Gather> (no barge-in), then the call is put through.
    expect(verbsOf(done)).toEqual(['Say', 'Say', 'Say', 'Dial']);
    expect(find(done, 'Gather')).toBeUndefined();
    const text = spoken(done);
    expect(text).toMatch(/right code/);
    const ticketSpoken = text.match(/ticket M F A, (\d \d \d), (\d \d \d)/);
    expect(ticketSpoken).not.toBeNull();
    const ticketId = `MFA-${(ticketSpoken?.[1] ?? '').replace(/ /g, '')}${(ticketSpoken?.[2] ?? '').replace(/ /g, '')}`;
    const dial = find(done, 'Dial');
    const number = dial?.children[0];
    expect(number?.name).toBe('Number');
    expect(number?.text).toBe(HELPDESK);
    expect(number?.attrs.url).toBe(`${PUBLIC}/api/voice/whisper?ticket=${ticketId}`);

    const ticket = await t.helpdesk.tickets.get(ticketId);
    expect(ticket).toMatchObject({
      channel: 'voice',
      type: 'lost_device',
      verification: { verified: true, method: 'sms', destinationMasked: '***102' },
      details: { lostPhone: { method: 'mobile', numberMasked: '***101' }, provingPhone: { numberMasked: '***102' }, temporaryAccessPass: { requested: false } },
    });

    // The whisper tells the agent the ticket and that the caller was verified, before the call connects.
    const whisper = twimlOf(await c.post(`/api/voice/whisper?ticket=${ticketId}`, { CallStatus: 'in-progress' }));
    expect(verbsOf(whisper)).toEqual(['Say']);
    expect(spoken(whisper)).toMatch(/ticket M F A, \d \d \d, \d \d \d\. The caller's identity was verified by text message/);

    // The caller's number is never logged in full.
    expect(t.logLines.some((l) => l.includes('+447700900999'))).toBe(false);
  });

  it('a keyed 0 escalates at any point: a ticket marked not verified, its number spoken, then the transfer', async () => {
    const c = caller();
    twimlOf(await c.start());
    twimlOf(await c.say('I lost my phone'));
    const out = twimlOf(await c.key('0'));
    expect(verbsOf(out)).toEqual(['Say', 'Say', 'Dial']);
    const id = spoken(out).match(/ticket M F A, (\d \d \d), (\d \d \d)/);
    expect(id).not.toBeNull();
    const ticketId = `MFA-${`${id?.[1]}${id?.[2]}`.replace(/ /g, '')}`;
    expect(await t.helpdesk.tickets.get(ticketId)).toMatchObject({ channel: 'voice', verification: { verified: false } });
    const whisper = twimlOf(await c.post(`/api/voice/whisper?ticket=${ticketId}`));
    expect(spoken(whisper)).toMatch(/NOT verified/);
  });

  it('silence: two re-prompts, then a person', async () => {
    const c = caller();
    twimlOf(await c.start());
    expect(spoken(twimlOf(await c.say('I lost my phone')))).toMatch(/another sign-in method/);
    const first = twimlOf(await c.silence());
    expectGather(first);
    expect(spoken(first)).toMatch(/another sign-in method/);
    expectGather(twimlOf(await c.silence()));
    const third = twimlOf(await c.silence());
    expect(verbsOf(third)).toContain('Dial');
    expect(spoken(third)).toMatch(/opened ticket M F A/);
  });

  it('a caller who asks for something else at a question is taken to it, not asked again', async () => {
    const c = caller();
    twimlOf(await c.start());
    const steps = twimlOf(await c.say('how do i move authenticator over to my new iphone'));
    expect(spoken(steps)).toMatch(/Did that get you set up/);
    const answer = twimlOf(await c.say('I lost my phone'));
    expectGather(answer);
    expect(spoken(answer)).toMatch(/another sign-in method/);
  });

  it('junk: a 5 KB speech result gets a re-prompt in valid TwiML', async () => {
    const c = caller();
    twimlOf(await c.start());
    twimlOf(await c.say('I lost my phone'));
    const junk = 'blah <Say>&amp; ]]> '.repeat(256).slice(0, 5120);
    const answer = twimlOf(await c.say(junk));
    expectGather(answer);
    expect(spoken(answer)).toMatch(/another sign-in method/);
    expect(answer.children.some((n) => n.text.includes('<Say>'))).toBe(false);
  });

  it('the store failing mid-call: a spoken apology and a transfer, HTTP 200 with valid TwiML', async () => {
    const c = caller();
    twimlOf(await c.start());
    flaky.failing = true;
    try {
      const answer = twimlOf(await c.say('I lost my phone'));
      expect(spoken(answer)).toMatch(/^Sorry, something went wrong/);
      expect(verbsOf(answer)).toEqual(['Say', 'Dial']);
      expect(find(answer, 'Number')?.text).toBe(HELPDESK);
      const whisper = twimlOf(await c.post('/api/voice/whisper'));
      expect(spoken(whisper)).toMatch(/not verified/);
    } finally {
      flaky.failing = false;
    }
    // The call carries on once the store is back.
    expect(spoken(twimlOf(await c.say('I lost my phone')))).toMatch(/another sign-in method/);
  });

  it('a request without a CallSid gets valid TwiML that ends the call', async () => {
    const answer = twimlOf(await caller({ callSid: 'not-a-call' }).say('hello'));
    expect(verbsOf(answer)).toEqual(['Say', 'Hangup']);
  });

  it('status callbacks get an empty <Response/>', async () => {
    const answer = twimlOf(await caller().post('/api/voice/status', { CallStatus: 'completed', CallDuration: '42' }));
    expect(answer.children).toEqual([]);
  });
});

describe('the phone line without HELPDESK_PHONE_NUMBER, signatures off', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ VOICE_SKIP_SIGNATURE: 'true', UNVERIFIED_TICKETS_PER_SOURCE: '2' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('accepts unsigned requests, and promises a call back on the number on record instead of a transfer', async () => {
    const c = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: 'http://unused' });
    const greeting = c.start();
    const root = twimlOf(await greeting);
    // Without PUBLIC_BASE_URL the action is a path, which Twilio resolves against the call's URL.
    expect(find(root, 'Gather')?.attrs.action).toBe('/api/voice/gather');
    const out = twimlOf(await c.say('operator'));
    expect(verbsOf(out)).toEqual(['Say', 'Say', 'Hangup']);
    expect(spoken(out)).toMatch(/opened ticket M F A.*helpdesk will call you back on the number on your record/);
  });

  it('one caller number in new calls stops at the source budget: no ticket and no false promise, but the helpdesk number', async () => {
    const from = '+447700900777';
    const escalate = async (): Promise<string> => {
      const c = new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: 'http://unused', from });
      twimlOf(await c.start());
      return spoken(twimlOf(await c.say('operator')));
    };
    const before = (await t.helpdesk.tickets.list({ limit: 100 })).items.length;
    for (let i = 0; i < 2; i++) expect(await escalate()).toMatch(/opened ticket M F A/);
    const refused = await escalate();
    expect(refused).toMatch(/can't open a ticket for you just now\. Please call the helpdesk on oh three three three/);
    expect(refused).not.toMatch(/call you back/);
    expect((await t.helpdesk.tickets.list({ limit: 100 })).items).toHaveLength(before + 2);
  });
});

describe('the phone line with neither a Twilio token nor VOICE_SKIP_SIGNATURE', () => {
  it('refuses every webhook: signatures cannot be checked', async () => {
    const t = await startTestHelpdesk({});
    try {
      const answer = await new VoiceCaller({ baseUrl: t.baseUrl, publicBaseUrl: PUBLIC, authToken: AUTH_TOKEN }).start();
      expect(answer.status).toBe(403);
      expect(t.logLines.some((l) => /voice webhook refused/.test(l) && /TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL must be set/.test(l))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
