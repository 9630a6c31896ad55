/**
 * A lost phone in web chat, through the real server (`/api/messages` with `expectReplies`) and
 * the agents' API: the person says which phone is lost, the code never goes to it, the ticket
 * carries both numbers masked, a Temporary Access Pass is asked for only without another method,
 * and then waits for a second check that an agent records.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { codeInMessage } from '../support/dialogTranscripts';
import { FULL_NUMBERS, GWEN, HAL, IVY, lostPhoneDirectory } from '../support/lostPhoneDirectory';
import { messageActivity, send, startTestHelpdesk, type ReplyActivity, type TestHelpdesk } from '../helpers/testServer';

const TOKEN = 'lost-phone-agent-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

type Reply = { text: string; titles: string[] };

/** One web chat conversation: each message returns the replies' text and suggested actions. */
function conversation(t: TestHelpdesk) {
  const id = `lost-${randomUUID()}`;
  return async (text: string): Promise<Reply> => {
    const replies: ReplyActivity[] = await send(t.baseUrl, messageActivity(id, text, { id: randomUUID() }));
    return { text: replies.map((r) => r.text ?? '').join('\n'), titles: replies.flatMap((r) => r.suggestedActions?.actions.map((a) => a.title) ?? []) };
  };
}

/** The lost-phone questions, answered "no other method", "just lost", "can't work", "yes, a person". */
async function reportLostPhone(say: (text: string) => Promise<Reply>): Promise<void> {
  expect((await say('I lost my phone')).text).toMatch(/another sign-in method registered/);
  expect((await say('No')).text).toMatch(/stolen/);
  expect((await say('Just lost or broken')).text).toMatch(/still do your work/);
  expect((await say("No, I can't work")).text).toMatch(/take it from here/);
  expect((await say('Yes, please')).text).toMatch(/NHSmail email address/);
}

interface LostTicket {
  id: string;
  status: string;
  verification: Record<string, unknown>;
  summary: string;
  details: Record<string, unknown> & { temporaryAccessPass: { requested: boolean; secondCheck?: Record<string, unknown> } };
  history: { action: string; by: string; note?: string }[];
}

/** The `lost_device` details as the OpenAPI document describes them. */
const lostDeviceSchema = (() => {
  const doc = parse(readFileSync(join(__dirname, '../../openapi/tickets.yaml'), 'utf8')) as {
    components: { schemas: { TicketDetails: { oneOf: { title: string; required: string[]; properties: Record<string, unknown> }[] } } };
  };
  const schema = doc.components.schemas.TicketDetails.oneOf.find((s) => s.title === 'lost_device');
  if (!schema) throw new Error('openapi/tickets.yaml documents no lost_device details');
  return schema;
})();

describe('a lost phone over web chat and the agents API', () => {
  let t: TestHelpdesk;
  let directory: ReturnType<typeof lostPhoneDirectory>;

  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${t.baseUrl}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const ticket = async (id: string): Promise<LostTicket> => {
    const got = await api(`/api/tickets/${id}`);
    expect(got.status).toBe(200);
    const json = JSON.stringify(got.body);
    for (const number of FULL_NUMBERS) expect(json).not.toContain(number.slice(1));
    const details = got.body.details as Record<string, unknown>;
    // What the server sends is what the OpenAPI document says a lost_device ticket holds.
    for (const key of lostDeviceSchema.required) expect(details).toHaveProperty(key);
    for (const key of Object.keys(details)) expect(Object.keys(lostDeviceSchema.properties)).toContain(key);
    return got.body as unknown as LostTicket;
  };
  const outbox = async (to: string): Promise<{ text: string }[]> => {
    const res = await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { text: string }[];
  };

  beforeAll(async () => {
    directory = lostPhoneDirectory();
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `Sam Agent:${TOKEN}`, DIRECTORY_FILE: directory.file });
  });
  afterAll(async () => {
    await t.stop();
    directory.remove();
  });

  it('Gwen names the lost mobile: it is never offered, under either name it is held as; the code goes to her other mobile; no pass, as she has another method', async () => {
    const say = conversation(t);
    await reportLostPhone(say);
    const which = await say(GWEN.email);
    expect(which.text).toMatch(/Which of your phones is lost\? I won't send anything to that one\./);
    // The number held as mobile and as office phone is one phone: offered once, masked.
    expect(which.titles).toEqual(['Mobile ending 301', 'Other mobile ending 302']);
    const offers = await say('Mobile ending 301');
    expect(offers.text).toMatch(/How should I send your code\?/);
    expect(offers.titles.filter((title) => /ending/.test(title))).toEqual(['Text to other mobile ending 302', 'Call to other mobile ending 302']);
    expect((await say('Text to other mobile ending 302')).text).toMatch(/other mobile ending 302/);
    // An attempt to have the code sent to the lost phone anyway is refused.
    expect((await say('Text me instead on the mobile ending 301')).text).not.toMatch(/sent a 6-digit code.*ending 301/);
    const code = codeInMessage((await outbox(GWEN.alternateMobile)).at(-1)?.text ?? '');
    const done = await say(code);
    expect(done.text).toMatch(/remove your mobile ending 301 from your MFA methods\. You don't need a Temporary Access Pass/);
    expect(await outbox(GWEN.mobile)).toEqual([]);

    const id = done.text.match(/MFA-\d{6}/)?.[0] ?? '';
    const got = await ticket(id);
    expect(got.verification).toMatchObject({ verified: true, method: 'sms', destinationMasked: '***302' });
    expect(got.details).toMatchObject({
      otherMethodAvailable: true,
      otherMethods: ['alternateMobile'],
      lostPhone: { method: 'mobile', numberMasked: '***301' },
      provingPhone: { numberMasked: '***302' },
      temporaryAccessPass: { requested: false },
    });
    expect(got.summary).toBe('Lost phone (mobile ending 301); another method is registered: remove the lost phone, no Temporary Access Pass');
    // No pass, so no second check to record; the ticket resolves at once.
    expect(await api(`/api/tickets/${id}/second-check`, { method: 'line_manager', note: 'Confirmed' })).toMatchObject({ status: 409, body: { error: 'second_check_not_requested' } });
    expect((await api(`/api/tickets/${id}/resolve`, { resolution: 'Removed the lost mobile.' })).status).toBe(200);
  });

  it('Hal has only the lost number: no code is sent anywhere, a person takes over, and the pass waits for a second check that the agent records', async () => {
    const say = conversation(t);
    await reportLostPhone(say);
    // His only number is on the lost phone: the same replies as for an account that cannot get a code.
    expect((await say(HAL.staffId)).text).toMatch(/^I can't send a code for that account\. If you mistyped it/);
    const again = await say(HAL.staffId);
    expect(again.text).toMatch(/A person at the helpdesk will verify you instead[\s\S]*Shall I still open a ticket\?/);
    const done = await say('Yes, open a ticket');
    expect(done.text).toMatch(/opened ticket \*\*MFA-\d{6}\*\* with the helpdesk/);
    // Before proof the reply tells nothing the directory holds.
    expect(done.text).not.toMatch(/ending|Temporary Access Pass/);
    expect(await outbox(HAL.mobile)).toEqual([]);

    const id = done.text.match(/MFA-\d{6}/)?.[0] ?? '';
    const opened = await ticket(id);
    expect(opened.verification).toMatchObject({ verified: false });
    expect(opened.details).toMatchObject({
      otherMethodAvailable: false,
      otherMethods: [],
      lostPhone: { method: 'mobile', numberMasked: '***401' },
      temporaryAccessPass: { requested: true, secondCheck: { status: 'pending' } },
    });
    expect(opened.details).not.toHaveProperty('provingPhone');

    // The pass may not be issued yet: resolving is refused until the second check is recorded.
    const early = await api(`/api/tickets/${id}/resolve`, { resolution: 'Issued a Temporary Access Pass.' });
    expect(early).toMatchObject({ status: 409, body: { error: 'second_check_pending' } });
    expect((await ticket(id)).status).toBe('open');
    expect(await api(`/api/tickets/${id}/second-check`, { method: 'gut_feeling', note: 'Sounded right' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await api(`/api/tickets/${id}/second-check`, { method: 'line_manager' })).toMatchObject({ status: 400 });
    expect(await api(`/api/tickets/${id}/second-check`, { method: 'line_manager', note: 'x', agent: 'Someone Else' })).toMatchObject({ status: 400 });

    const recorded = await api(`/api/tickets/${id}/second-check`, { method: 'line_manager', note: 'Line manager Jo Bloggs confirmed by phone on 0113 496 0000' });
    expect(recorded.status).toBe(200);
    const checked = await ticket(id);
    expect(checked.details.temporaryAccessPass).toEqual({
      requested: true,
      secondCheck: { status: 'recorded', method: 'line_manager', by: 'Sam Agent', at: expect.any(String), note: 'Line manager Jo Bloggs confirmed by phone on 0113 496 0000' },
    });
    expect(checked.history.at(-1)).toMatchObject({ action: 'second_check_recorded', by: 'Sam Agent' });
    expect(await api(`/api/tickets/${id}/second-check`, { method: 'callback', note: 'Again' })).toMatchObject({ status: 409, body: { error: 'second_check_already_recorded' } });
    expect((await api(`/api/tickets/${id}/resolve`, { resolution: 'Issued a Temporary Access Pass.' })).status).toBe(200);
  });

  it('Ivy has only the lost number but a security key: a person takes over, and no pass is asked for', async () => {
    const say = conversation(t);
    await reportLostPhone(say);
    await say(IVY.email);
    await say(IVY.email);
    const done = await say('Yes, open a ticket');
    const id = done.text.match(/MFA-\d{6}/)?.[0] ?? '';
    expect(await outbox(IVY.mobile)).toEqual([]);
    const got = await ticket(id);
    expect(got.details).toMatchObject({
      otherMethodAvailable: true,
      otherMethods: ['fido2'],
      lostPhone: { method: 'mobile', numberMasked: '***501' },
      temporaryAccessPass: { requested: false },
    });
  });

  it('no log line holds a full number of these people', () => {
    for (const number of FULL_NUMBERS) expect(t.logLines.filter((l) => l.includes(number.slice(1)))).toEqual([]);
  });
});
