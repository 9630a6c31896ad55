import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { contentSecurityPolicy, webChatBundlePath } from '../../src/channels/webPages';

describe('the web chat page and its assets', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ WEBCHAT_FRAME_ANCESTORS: "'self' https://intranet.example.nhs.uk" });
  });
  afterAll(async () => t.stop());

  it('serves / as HTML with the CSP (script-src self, frame-ancestors from WEBCHAT_FRAME_ANCESTORS) and nosniff', async () => {
    const res = await fetch(`${t.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp.split('; ')).toEqual(expect.arrayContaining(["script-src 'self'", "connect-src 'self'", "frame-ancestors 'self' https://intranet.example.nhs.uk", "object-src 'none'"]));
    const html = await res.text();
    expect(html).toMatch(/<html lang="en-GB">/);
    expect(html).toMatch(/<title>Chat with the MFA helpdesk<\/title>/);
    // Every script comes from the bot itself, none inline, none from another host.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toMatch(/src="\/assets\//);
    expect(html).not.toMatch(/https?:\/\/(?!intranet)/);
  });

  it('tells the same rule about codes as the code texts: type it only here or on the phone line\'s keypad; no person asks for it', async () => {
    const html = await (await fetch(`${t.baseUrl}/`)).text();
    const hint = /<p class="hint">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
    expect(hint).toMatch(/Type a code we send you only into this chat, or on your keypad when you call the helpdesk phone line\./);
    expect(hint).toContain('No person will ever ask you for it.');
    // The chat asks for the code, so "never share it, not even with the helpdesk" would teach the wrong rule.
    expect(hint).not.toMatch(/never share|not even with the helpdesk/i);
  });

  it('serves the installed Web Chat bundle from the package (not from git), gzipped and cacheable', async () => {
    const res = await fetch(`${t.baseUrl}/assets/vendor/webchat.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(readFileSync(webChatBundlePath()))).toBe(true);
    const etag = res.headers.get('etag') ?? '';
    expect((await fetch(`${t.baseUrl}/assets/vendor/webchat.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const tracked = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n');
    expect(tracked.filter((f) => f.endsWith('webchat.js'))).toEqual([]);
  });

  it('serves only plain files of public/assets: no traversal, no hidden files, 404 JSON otherwise', async () => {
    expect((await fetch(`${t.baseUrl}/assets/webchat-page.js`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/assets/webchat.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    for (const path of ['/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/.hidden', '/assets/missing.js', '/assets/..%2Findex.html']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });

  it('lets the page connect to Azure Direct Line (https and wss) only when that is configured', () => {
    expect(contentSecurityPolicy(["'none'"], ['https://europe.directline.botframework.com'])).toContain(
      "connect-src 'self' https://europe.directline.botframework.com wss://europe.directline.botframework.com",
    );
  });
});
