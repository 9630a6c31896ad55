import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { launchBrowser, openWatchedPage, screenshot, type WatchedPage } from '../support/browser';

jest.setTimeout(120_000);

const AGENT_TOKEN = 'agent-token-0123456789-abcdefghij';
const SENDBOX = '[data-id="webchat-sendbox-input"]';
/** How long the page may take to show something (the machine running the tests may be busy). */
const SHOWN_MS = 20_000;

/** The text of the chat transcript only (the page around it mentions the helpdesk number too). */
function transcript(page: Page): Promise<string> {
  return page.locator('#webchat').innerText();
}

async function waitForTranscript(page: Page, pattern: RegExp, timeout = SHOWN_MS): Promise<string> {
  try {
    await page.waitForFunction(
      ([source, flags]) => new RegExp(source, flags).test((document.getElementById('webchat') as HTMLElement).innerText),
      [pattern.source, pattern.flags] as const,
      { timeout, polling: 100 },
    );
  } catch (err) {
    throw new Error(`${pattern} did not appear in ${timeout} ms; the chat shows:\n${(await transcript(page)).slice(-1500)}`, { cause: err });
  }
  return transcript(page);
}

/** Types a message into the send box with the keyboard and presses Enter. */
async function say(page: Page, text: string): Promise<void> {
  await page.locator(SENDBOX).focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function latestCode(t: TestHelpdesk, to: string): Promise<string> {
  const res = await fetch(`${t.baseUrl}/dev/outbox?to=${encodeURIComponent(to)}`);
  const [newest] = (await res.json()) as { text: string }[];
  const match = /code (?:is:? )?((?:\d[,\s]*){6})/.exec(newest?.text ?? '');
  if (!match) throw new Error('no code in the outbox');
  return match[1].replace(/\D/g, '');
}

/** Count of "MFA-123456" ticket numbers in the transcript. */
function ticketIn(text: string): string | undefined {
  return /MFA-\d{6}/.exec(text)?.[0];
}

describe('the web chat page in a real browser', () => {
  let t: TestHelpdesk;
  let browser: Browser;
  let w: WatchedPage;
  let ticket: string | undefined;

  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `Sam Agent:${AGENT_TOKEN}` });
    browser = await launchBrowser();
    w = await openWatchedPage(browser, t.baseUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('serves the page with its security headers, en-GB and a title', async () => {
    const res = await w.page.goto(`${t.baseUrl}/`);
    expect(res?.status()).toBe(200);
    const headers = (await res?.allHeaders()) ?? {};
    expect(headers['content-security-policy']).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(await w.page.getAttribute('html', 'lang')).toBe('en-GB');
    expect(await w.page.title()).toBe('Chat with the MFA helpdesk');
    // No inline script anywhere in the page.
    expect(await w.page.locator('script:not([src])').count()).toBe(0);
    await waitForTranscript(w.page, /Hello, I['’]m the MFA helpdesk assistant/);
    expect(await w.page.getAttribute(SENDBOX, 'aria-label')).toBeTruthy();
  });

  it('answers "what is the helpdesk phone number" with 0333 200 1133', async () => {
    await say(w.page, 'what is the helpdesk phone number');
    await waitForTranscript(w.page, /0333 200 1133/);
    await screenshot(w.page, 'webchat-answer');
  });

  it('proves identity with the code from the dev outbox', async () => {
    await say(w.page, 'verify me');
    await waitForTranscript(w.page, /NHSmail email address/);
    await say(w.page, 'bob.jones@example.nhs.net');
    await waitForTranscript(w.page, /How should I send your code/);
    await say(w.page, '1');
    await waitForTranscript(w.page, /sent a 6-digit code by text to your mobile ending 201/);
    await say(w.page, await latestCode(t, '+447700900201'));
    await waitForTranscript(w.page, /that['’]s the right code/);
  });

  it('asks for a person and shows the ticket number', async () => {
    await say(w.page, 'Talk to a person');
    const text = await waitForTranscript(w.page, /MFA-\d{6}|check it['’]s you|What do you need help with/);
    if (!ticketIn(text)) {
      await say(w.page, 'No, just pass me on');
      await waitForTranscript(w.page, /MFA-\d{6}/);
    }
    ticket = ticketIn(await transcript(w.page));
    expect(ticket).toMatch(/^MFA-\d{6}$/);
    await screenshot(w.page, 'webchat-ticket');
  });

  it('shows a note the helpdesk adds for the person within 2 seconds, without a reload', async () => {
    const added = Date.now();
    const res = await fetch(`${t.baseUrl}/api/tickets/${ticket}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
      // The ticket's requester was not verified: the agent confirms sending the note anyway.
      body: JSON.stringify({ text: 'We will call you back at 2pm today.', visibleToUser: true, sendToUnverifiedRequester: true }),
    });
    expect(res.status).toBe(200);
    await waitForTranscript(w.page, /We will call you back at 2pm today/, 2_000);
    expect(Date.now() - added).toBeLessThan(2_000);
  });

  it('resumes the conversation after a reload', async () => {
    // Count transcript entries, not text: the screen-reader live region repeats new messages for a while.
    const welcomeEntries = w.page.locator('.webchat__basic-transcript__activity', { hasText: /Hello, I['’]m the MFA helpdesk assistant/ });
    const welcomes = (): Promise<number> => welcomeEntries.count();
    const before = await welcomes();
    expect(before).toBeGreaterThan(0);
    await w.page.reload();
    const text = await waitForTranscript(w.page, /We will call you back at 2pm today/);
    expect(text).toContain('what is the helpdesk phone number');
    expect(text).toContain(ticket);
    // The same history, with no second welcome.
    expect(await welcomes()).toBe(before);
    await say(w.page, 'thank you');
    await waitForTranscript(w.page, /thank you[\s\S]*\S/);
    await screenshot(w.page, 'webchat-resumed');
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    await w.page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const results = await w.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
      return axe.run(document, { resultTypes: ['violations'] });
    });
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('made no request to another host and had no errors', () => {
    expect(w.requests.some((url) => url.includes('/assets/vendor/webchat.js'))).toBe(true);
    expect(w.requests.some((url) => /^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/.+\/stream/.test(url))).toBe(true);
    expect(w.foreignRequests()).toEqual([]);
    expect(w.errors).toEqual([]);
  });

  it('can be used with the keyboard alone, with visible focus', async () => {
    const k = await openWatchedPage(browser, t.baseUrl);
    try {
      await k.page.goto(`${t.baseUrl}/`);
      await waitForTranscript(k.page, /Hello, I['’]m the MFA helpdesk assistant/);
      // The first Tab reaches the skip link, which takes focus to the chat.
      await k.page.keyboard.press('Tab');
      expect(await k.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to the chat');
      expect(await k.page.evaluate(() => getComputedStyle(document.activeElement as Element).backgroundColor)).toBe('rgb(255, 235, 59)');
      await k.page.keyboard.press('Enter');
      // Tab on until the send box has focus.
      for (let i = 0; i < 40 && !(await k.page.evaluate((s) => document.activeElement?.matches(s) ?? false, SENDBOX)); i += 1) {
        await k.page.keyboard.press('Tab');
      }
      expect(await k.page.evaluate((s) => document.activeElement?.matches(s) ?? false, SENDBOX)).toBe(true);
      const typeAndSend = async (text: string): Promise<void> => {
        await k.page.keyboard.type(text);
        await k.page.keyboard.press('Enter');
      };
      await typeAndSend('what is the helpdesk phone number');
      await waitForTranscript(k.page, /0333 200 1133/);
      await typeAndSend('verify me');
      await waitForTranscript(k.page, /NHSmail email address/);
      await typeAndSend('bob.jones@example.nhs.net');
      await waitForTranscript(k.page, /How should I send your code/);
      await typeAndSend('1');
      await waitForTranscript(k.page, /sent a 6-digit code/);
      await typeAndSend(await latestCode(t, '+447700900201'));
      await waitForTranscript(k.page, /that['’]s the right code/);
      await typeAndSend('Talk to a person');
      const text = await waitForTranscript(k.page, /MFA-\d{6}|check it['’]s you/);
      if (!ticketIn(text)) {
        await typeAndSend('No, just pass me on');
        await waitForTranscript(k.page, /MFA-\d{6}/);
      }
      expect(ticketIn(await transcript(k.page))).toMatch(/^MFA-\d{6}$/);
      expect(k.foreignRequests()).toEqual([]);
      await screenshot(k.page, 'webchat-keyboard');
    } finally {
      await k.context.close();
    }
  });
});
