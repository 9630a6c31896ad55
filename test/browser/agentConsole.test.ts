import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { messageActivity, send, startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { axeViolations, launchBrowser, openWatchedPage, screenshot, seriousOrCritical } from '../support/browser';

jest.setTimeout(120_000);

const ALICE_TOKEN = 'alice-console-token-0123456789abcdef';
const BOB_TOKEN = 'bob-console-token-0123456789abcdefgh';
/** The console refreshes within this time; the issue asks for 5 s. */
const LIVE_WITHIN_MS = 5000;

/** Opens a ticket the way staff do: a web chat conversation over HTTP that asks for a person. */
async function ticketThroughChat(t: TestHelpdesk): Promise<string> {
  const conversation = `console-${randomUUID()}`;
  const say = async (text: string) => (await send(t.baseUrl, messageActivity(conversation, text))).map((r) => r.text ?? '').join('\n');
  expect(await say('talk to a person')).toMatch(/check it's you first/);
  const done = await say('No, just pass me on');
  const id = /MFA-\d{6}/.exec(done)?.[0];
  if (!id) throw new Error(`no ticket id in: ${done}`);
  return id;
}

describe("agents' console in a real browser", () => {
  let t: TestHelpdesk;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let ticketId: string;
  let foreignRequests: () => string[];
  const shot = (name: string) => screenshot(page, `agent-console-${name}`);

  const api = async (path: string, token = ALICE_TOKEN, init: RequestInit = {}) => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const ticketOverApi = async (id: string) => {
    const r = await api(`/api/tickets/${id}`);
    expect(r.status).toBe(200);
    return r.body;
  };
  const expectAccessible = async () => {
    expect(seriousOrCritical(await axeViolations(page))).toEqual([]);
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `alice:${ALICE_TOKEN},bob:${BOB_TOKEN}`, VOICE_SKIP_SIGNATURE: 'true' });
    const watched = await openWatchedPage(browser, t.baseUrl);
    await watched.page.setViewportSize({ width: 1280, height: 900 });
    ({ page, errors: problems, foreignRequests } = watched);
    ticketId = await ticketThroughChat(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('is served with a CSP that allows only its own scripts, and passes axe-core before sign-in', async () => {
    const res = await page.goto(`${t.baseUrl}/agent`);
    expect(res?.status()).toBe(200);
    const headers = res?.headers() ?? {};
    expect(headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    // No inline script and nothing from another origin.
    const scripts = await page.$$eval('script', (list) => list.map((s) => ({ src: s.getAttribute('src'), inline: (s.textContent ?? '').trim().length })));
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(s.inline).toBe(0);
      expect(s.src).toMatch(/^\/agent\//);
    }
    await page.getByLabel('Agent API token').waitFor();
    await expectAccessible();
    await shot('1-sign-in');
  });

  it('refuses a wrong token with a message, then signs in; the token is kept in sessionStorage only', async () => {
    await page.getByLabel('Agent API token').fill('not-a-token-that-the-server-knows');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That token is not accepted' }).waitFor();
    expect(await page.getByLabel('Agent API token').getAttribute('aria-invalid')).toBe('true');
    // The browser logs the refused request itself; nothing else may be logged.
    expect(problems).toEqual([expect.stringMatching(/status of 403/)]);
    problems.length = 0;

    await page.getByLabel('Agent API token').fill(ALICE_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as alice').waitFor();
    const storage = await page.evaluate(() => ({
      session: Object.values({ ...sessionStorage }),
      local: Object.keys({ ...localStorage }).length,
      cookie: document.cookie,
      url: location.href,
    }));
    expect(storage.session).toEqual([ALICE_TOKEN]);
    expect(storage.local).toBe(0);
    expect(storage.cookie).toBe('');
    expect(storage.url).not.toContain(ALICE_TOKEN);
  });

  it('lists the ticket made through the chat, with its verification badge in words', async () => {
    const row = page.locator(`tr[data-ticket-row="${ticketId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/NOT verified/);
    expect(await row.innerText()).toMatch(/Open/);
    // The chart draws this week's tickets and says the same in a table.
    await page.locator('#chart svg rect[data-type="other"][data-status="open"]').waitFor({ state: 'attached' });
    expect(await page.locator('#chart-table caption').innerText()).toMatch(/last 7 days/);
    expect(await page.locator('#chart-table tbody tr', { hasText: 'Other' }).innerText()).toMatch(/Other\s+1\s+0\s+0\s+0\s+1/);
    await expectAccessible();
    await shot('2-queue');
  });

  it('opens the ticket from the keyboard and shows its history and transcript', async () => {
    await page.locator(`button[data-ticket="${ticketId}"]`).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: new RegExp(`${ticketId} · Other`) }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail');
    expect(await page.locator('#detail-history').innerText()).toMatch(/bot opened the ticket/);
    expect(await page.locator('#detail-transcript').innerText()).toMatch(/Person: talk to a person/i);
    await expectAccessible();
  });

  it('claims the ticket; the API shows it claimed by the signed-in agent', async () => {
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByText(`You claimed ${ticketId}.`).waitFor();
    expect(await ticketOverApi(ticketId)).toMatchObject({ status: 'claimed', assignee: 'alice' });
    expect(await page.locator(`tr[data-ticket-row="${ticketId}"]`).innerText()).toMatch(/Claimed by alice/);
  });

  it('adds a note for the team; the API shows it', async () => {
    await page.getByLabel('Note', { exact: true }).fill('Checked the sign-in logs: nothing unusual.');
    await page.getByLabel('The helpdesk team only').check();
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText(`Note added to ${ticketId} for the team.`).waitFor();
    const ticket = await ticketOverApi(ticketId);
    expect(ticket.notes).toEqual([expect.objectContaining({ agent: 'alice', text: 'Checked the sign-in logs: nothing unusual.', visibleToUser: false })]);
    expect(await page.locator('#detail-notes').innerText()).toMatch(/alice \(team only\): Checked the sign-in logs/);
    await shot('3-claimed-with-note');
  });

  it('resolves the ticket; the API shows the resolution', async () => {
    await page.getByLabel('Resolution (sent to the person)').fill('Talked it through by phone; nothing else needed.');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText(`${ticketId} is resolved.`).waitFor();
    expect(await ticketOverApi(ticketId)).toMatchObject({ status: 'resolved', assignee: 'alice', resolution: 'Talked it through by phone; nothing else needed.' });
    expect(await page.locator('#detail-facts').innerText()).toMatch(/Resolved by alice/);
    // Resolved tickets leave the default queue (open or claimed).
    await page.locator(`tr[data-ticket-row="${ticketId}"]`).waitFor({ state: 'detached' });
    await page.getByLabel('Status').selectOption('resolved');
    await page.locator(`tr[data-ticket-row="${ticketId}"]`).waitFor();
    await page.getByLabel('Status').selectOption('active');
  });

  it("shows a new ticket and a second agent's claim within 5 seconds, without a reload", async () => {
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const second = await ticketThroughChat(t);
    await page.locator(`tr[data-ticket-row="${second}"]`).waitFor({ timeout: LIVE_WITHIN_MS });
    const claimed = await api(`/api/tickets/${second}/claim`, BOB_TOKEN, { method: 'POST', body: '{}' });
    expect(claimed.status).toBe(200);
    await page.locator(`tr[data-ticket-row="${second}"]`, { hasText: 'Claimed by bob' }).waitFor({ timeout: LIVE_WITHIN_MS });
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await shot('4-second-agent-claim');
  });

  it('verifies by call-back: the call goes to the number on record of the person the caller claims, and the outcome shows without a reload', async () => {
    const second = (await api('/api/tickets?status=claimed')).body.items as { id: string; assignee: string }[];
    const id = second.find((s) => s.assignee === 'bob')?.id ?? '';
    await page.locator(`button[data-ticket="${id}"]`).click();
    await page.getByRole('heading', { name: new RegExp(`${id} · Other`) }).waitFor();
    // The ticket names nobody in the directory: without a claimed identity there is no call.
    await page.getByRole('button', { name: 'Verify by call-back' }).click();
    await page.getByText('No call placed: The ticket does not name a person in the directory').waitFor();
    expect(problems).toEqual([expect.stringMatching(/status of 409/)]);
    problems.length = 0;

    await page.getByLabel(/Staff ID or email the caller claims/).fill('100002');
    await page.getByRole('button', { name: 'Verify by call-back' }).click();
    await page.getByText(`Calling the number on record ending 201 for ${id}.`).waitFor();
    expect(await page.locator('#detail-facts').innerText()).toMatch(/Call-back\s+Calling the number on record/);
    expect(await page.locator('#detail-history').innerText()).toMatch(/alice placed a call-back: Call-back placed to the number on record ending 201/);
    await expectAccessible();
    await shot('5-calling-back');

    // Twilio (here: the dev outbox's webhook URL) answers the call, and Bob presses #.
    const outbox = (await (await fetch(`${t.baseUrl}/dev/outbox?to=%2B447700900201`)).json()) as { channel: string; webhookUrl?: string }[];
    const call = outbox.at(-1);
    expect(call?.channel).toBe('voice');
    const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
    const answered = await (await fetch(`${t.baseUrl}${call?.webhookUrl ?? ''}`, form({ CallSid: `CA${'5'.repeat(32)}` }))).text();
    const keyPath = (/action="([^"]+)"/.exec(answered)?.[1] ?? '').replace(/&amp;/g, '&');
    expect((await fetch(`${t.baseUrl}${keyPath}`, form({ CallSid: `CA${'5'.repeat(32)}`, Digits: '#' }))).status).toBe(200);

    await page.locator('#detail-facts', { hasText: 'Verified: the person on the number on record pressed #' }).waitFor({ timeout: LIVE_WITHIN_MS });
    expect(await page.locator('#detail-facts').innerText()).toMatch(/Verified by call-back to the number ending 201/);
    expect(await ticketOverApi(id)).toMatchObject({ verification: { verified: true, method: 'callback', destinationMasked: '***201' } });
    expect(await page.locator(`tr[data-ticket-row="${id}"]`).innerText()).toMatch(/Verified by call-back/);
    await expectAccessible();
    await shot('6-verified-by-call-back');
  });

  it('a lost phone with no other method: both numbers and the pending second check show, Resolve waits until the check is recorded', async () => {
    const conversation = `console-lost-${randomUUID()}`;
    const say = async (text: string) => (await send(t.baseUrl, messageActivity(conversation, text))).map((r) => r.text ?? '').join('\n');
    for (const text of ['I lost my phone', 'No', 'Just lost or broken', "No, I can't work", 'Yes, please', 'bob.jones@example.nhs.net', 'bob.jones@example.nhs.net']) await say(text);
    const id = /MFA-\d{6}/.exec(await say('Yes, open a ticket'))?.[0] ?? '';
    await page.locator(`button[data-ticket="${id}"]`).click({ timeout: LIVE_WITHIN_MS });
    await page.getByRole('heading', { name: new RegExp(`${id} · Lost phone`) }).waitFor();
    const facts = page.locator('#detail-facts');
    expect(await facts.innerText()).toMatch(/Lost phone\s+mobile ending 201/);
    expect(await facts.innerText()).toMatch(/Proved by\s+No number on record proved it/);
    expect(await facts.innerText()).toMatch(/Temporary Access Pass\s+Requested\. Second check PENDING/);
    expect(await page.locator('#resolve-form').isHidden()).toBe(true);
    await expectAccessible();
    await shot('7-second-check-pending');

    await page.getByLabel('Their line manager confirmed it').check();
    await page.getByLabel('What was checked (who, how)').fill('Line manager Jo Bloggs confirmed on a Teams call');
    await page.getByRole('button', { name: 'Record second check' }).click();
    await page.getByText(`Second check recorded on ${id}: the Temporary Access Pass may now be issued.`).waitFor();
    expect(await facts.innerText()).toMatch(/Second check recorded: line manager's confirmation by alice/);
    expect(await page.locator('#second-check-form').isHidden()).toBe(true);
    expect(await page.locator('#resolve-form').isVisible()).toBe(true);
    expect(await page.locator('#detail-history').innerText()).toMatch(/alice recorded the second check: Line manager's confirmation: Line manager Jo Bloggs/);
    expect(await ticketOverApi(id)).toMatchObject({
      details: { lostPhone: { method: 'mobile', numberMasked: '***201' }, temporaryAccessPass: { requested: true, secondCheck: { status: 'recorded', method: 'line_manager', by: 'alice' } } },
    });
    await expectAccessible();
    await shot('8-second-check-recorded');
  });

  it('filters by type and priority', async () => {
    await page.getByLabel('Type').selectOption('suspicious_prompt');
    await page.getByText('No tickets match these filters.').waitFor();
    await page.getByLabel('Type').selectOption('other');
    await page.locator('#queue-rows tr').first().waitFor();
    await page.getByLabel('Priority').selectOption('P1');
    await page.getByText('No tickets match these filters.').waitFor();
    await page.getByLabel('Priority').selectOption('');
    await page.getByLabel('Type').selectOption('');
  });

  it('signs out and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Agent API token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(problems).toEqual([]);
    expect(foreignRequests()).toEqual([]);
  });
});
