import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

describe("pages served by the bot: the agents' console", () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS: 'alice:page-route-token-0123456789abcdef' });
  });
  afterAll(async () => {
    await t.stop();
  });

  const expectSecurityHeaders = (res: Response) => {
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  };

  it('serves the page at /agent and at /agent/, with the security headers', async () => {
    for (const path of ['/agent', '/agent/']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expectSecurityHeaders(res);
      const html = await res.text();
      expect(html).toContain("<title>Agents' console · MFA Helpdesk</title>");
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\s(src|href)="(https?:)?\/\//);
    }
  });

  it('serves every script, style sheet and module the page uses, with the right type', async () => {
    const html = await (await fetch(`${t.baseUrl}/agent`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/agent\/[^"]+)"/g)].map((m) => m[1]);
    const queue = [...assets];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await fetch(`${t.baseUrl}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      expectSecurityHeaders(res);
      if (path.endsWith('.js')) {
        expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
        for (const m of (await res.text()).matchAll(/from '\.\/([a-z]+\.js)'/g)) queue.push(`/agent/${m[1]}`);
      }
    }
    expect([...seen].filter((p) => p.endsWith('.js')).sort()).toEqual(['/agent/api.js', '/agent/chart.js', '/agent/console.js', '/agent/labels.js']);
    expect(seen.has('/agent/console.css')).toBe(true);
  });

  it.each([
    '/agent/../package.json',
    '/agent/%2e%2e/package.json',
    '/agent/..%2Fpackage.json',
    '/agent/%2e%2e%2f%2e%2e%2fpackage.json',
    '/agent/.hidden',
    '/agent/missing.js',
    '/agent/index.html.bak',
    '/agent/%E0%A4%A',
    '/agent/a/../../src/config.ts',
  ])('answers 404 JSON to %s, never a file outside the page', async (path) => {
    const res = await fetch(`${t.baseUrl}${path}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });
});
