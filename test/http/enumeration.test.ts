import { randomUUID } from 'node:crypto';
import { messageActivity, send, startTestHelpdesk, visibleText, type TestHelpdesk } from '../helpers/testServer';

const AGENT_TOKEN = 'agent-token-0123456789-abcdefghij';

/** Staff ids of the sample directory: nobody, a guest, an account flagged compromised, one with the app only. */
const PROBES = { unknown: '100099', guest: '100005', compromised: '100004', appOnly: '100003' } as const;

describe('directory enumeration over HTTP: every account that cannot get a code reads the same', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}` });
  });
  afterAll(async () => {
    await t.stop();
  });

  /** An outsider asks for a person, accepts the check and types the staff id twice, as a typo retry would, and still wants a ticket. */
  async function probe(staffId: string): Promise<string[]> {
    const conversation = `probe-${randomUUID()}`;
    const said: string[] = [];
    for (const text of ['I want to talk to a person', "Yes, check it's me", staffId, staffId, 'Yes, open a ticket']) {
      said.push(visibleText(await send(t.baseUrl, messageActivity(conversation, text))).replace(/MFA-\d{6}/g, 'MFA-NNNNNN'));
    }
    return said;
  }

  it('the replies for an unknown, a guest, a compromised and an app-only account are identical, and show no priority', async () => {
    const transcripts = Object.fromEntries(await Promise.all(Object.entries(PROBES).map(async ([k, id]) => [k, await probe(id)] as const)));
    expect(transcripts.guest).toEqual(transcripts.unknown);
    expect(transcripts.compromised).toEqual(transcripts.unknown);
    expect(transcripts.appOnly).toEqual(transcripts.unknown);
    const all = transcripts.unknown.join('\n');
    expect(all).toMatch(/I can't send a code for that account/);
    expect(all).toMatch(/opened ticket \*\*MFA-NNNNNN\*\*/);
    expect(all).not.toMatch(/priority|urgent|security team|guest|compromised|couldn't find/i);
    // The alarm is still raised for the helpdesk: the compromised account's ticket is P1.
    const tickets = (await t.helpdesk.tickets.list({ limit: 100 })).items;
    expect(tickets).toHaveLength(4);
    expect(tickets.filter((x) => x.priority === 'P1').map((x) => x.accountCompromised)).toEqual([true]);
    // Agents see what was typed, as a claim: never an email or staff id as if it were proven.
    for (const ticket of tickets) {
      const res = await fetch(`${t.baseUrl}/api/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${AGENT_TOKEN}` } });
      const body = (await res.json()) as { requester: Record<string, unknown>; verification: { verified: boolean } };
      expect(body.verification.verified).toBe(false);
      expect(Object.values(PROBES)).toContain(body.requester.claimed);
      expect(body.requester.email).toBeUndefined();
      expect(body.requester.staffId).toBeUndefined();
    }
  });
});
