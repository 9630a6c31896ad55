import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';
import { steppingClock, ticketInput, clockFrom } from '../helpers/tickets';
import type { AgentTicketView, Ticket } from '../../src/tickets';

const TOKEN = 'agent-token-0123456789-abcdef';
const OTHER_TOKEN = 'second-agent-token-9876543210';
const BOB_TOKEN = 'bob-agent-token-0123456789-zyxwv';
/** Alice's named token, a plain token from an older set-up (the second entry: `agent-2`), and Bob's. */
const AGENT_API_TOKENS = `alice:${TOKEN}, ${OTHER_TOKEN} ,bob:${BOB_TOKEN}`;

type Json = Record<string, unknown>;
interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

function client(baseUrl: string) {
  return async (path: string, options: { method?: string; body?: unknown; rawBody?: string; token?: string | null; authorization?: string } = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = {};
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    else if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Json) : {} };
  };
}

const fieldsOf = (r: ApiResponse): string[] => ((r.json.fields as { field: string }[] | undefined) ?? []).map((f) => f.field);

describe("Agents' REST API", () => {
  let t: TestHelpdesk;
  let api: ReturnType<typeof client>;
  /** Seeded tickets, oldest first. */
  let seeded: Ticket[];

  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS }, { clock: clockFrom(steppingClock()) });
    api = client(t.baseUrl);
    seeded = [];
    for (let i = 0; i < 23; i++) {
      const input =
        i % 5 === 0
          ? ticketInput({ type: 'suspicious_prompt', details: { anyApproved: true, passwordReset: false }, summary: `seed ${i}` })
          : i % 3 === 0
            ? ticketInput({ type: 'other', details: { actionRequested: false }, summary: `seed ${i}` })
            : ticketInput({ summary: `seed ${i}`, conversationRef: { conversation: { id: `c${i}` }, serviceUrl: 'https://smba.example/' } });
      seeded.push(await t.helpdesk.tickets.createTicket(input));
    }
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('authentication', () => {
    it.each([
      ['GET', '/api/tickets'],
      ['GET', '/api/tickets/MFA-000001'],
      ['POST', '/api/tickets/MFA-000001/claim'],
      ['POST', '/api/tickets/MFA-000001/notes'],
      ['POST', '/api/tickets/MFA-000001/resolve'],
      ['POST', '/api/tickets/MFA-000001/cancel'],
    ])('answers 401 to %s %s without a token', async (method, path) => {
      const r = await api(path, { method, token: null });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ error: 'unauthorized' });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(r.text).not.toContain('MFA-000');
    });

    it.each(['Basic YWdlbnQ6cGFzcw==', 'Bearer', 'Bearer ', TOKEN])('answers 401 to the Authorization header %j', async (authorization) => {
      expect((await api('/api/tickets', { authorization })).status).toBe(401);
    });

    it.each([
      ['a wrong token', 'x'.repeat(30)],
      ['a prefix of a valid token', TOKEN.slice(0, -1)],
      ['a valid token with a suffix', `${TOKEN}x`],
      ['a differently cased token', TOKEN.toUpperCase()],
    ])('answers 403 to %s, and does not log it', async (_name, token) => {
      const r = await api('/api/tickets', { token });
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ error: 'forbidden' });
      expect(r.text).not.toContain('MFA-000');
      expect(t.logLines.join('\n')).not.toContain(token);
    });

    it('accepts every configured token, with the scheme in any case', async () => {
      expect((await api('/api/tickets', { token: OTHER_TOKEN })).status).toBe(200);
      expect((await api('/api/tickets', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
    });

    it('never logs a valid token', () => {
      expect(t.logLines.join('\n')).not.toContain(TOKEN);
    });
  });

  describe('GET /api/tickets', () => {
    it('lists newest first, without conversation references, and is not cached', async () => {
      const r = await api('/api/tickets?limit=5');
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      const items = r.json.items as AgentTicketView[];
      expect(items.map((i) => i.id)).toEqual(seeded.slice(-5).reverse().map((s) => s.id));
      expect(typeof r.json.nextCursor).toBe('string');
      expect(r.text).not.toContain('conversationRef');
      expect(r.text).not.toContain('smba.example');
    });

    it('pages through every ticket with the cursor: no duplicates, nothing missing', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: ApiResponse = await api(`/api/tickets?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        ids.push(...(r.json.items as AgentTicketView[]).map((i) => i.id));
        cursor = r.json.nextCursor as string | null;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(4);
      expect(ids).toEqual(seeded.map((s) => s.id).reverse());
    });

    it('defaults to 20 per page', async () => {
      const r = await api('/api/tickets');
      expect((r.json.items as unknown[]).length).toBe(20);
    });

    it('filters by priority, type and status, and pages within the filter', async () => {
      const p1 = seeded.filter((s) => s.priority === 'P1').map((s) => s.id).reverse();
      const first = await api('/api/tickets?priority=P1&limit=3');
      const second = await api(`/api/tickets?priority=P1&limit=3&cursor=${first.json.nextCursor as string}`);
      expect([...(first.json.items as Ticket[]), ...(second.json.items as Ticket[])].map((i) => i.id)).toEqual(p1);
      expect(second.json.nextCursor).toBeNull();
      const others = await api('/api/tickets?type=other&status=open&limit=100');
      expect((others.json.items as Ticket[]).map((i) => i.id)).toEqual(seeded.filter((s) => s.type === 'other').map((s) => s.id).reverse());
      expect((others.json.items as Ticket[]).every((i) => i.priority === 'P4')).toBe(true);
      expect((await api('/api/tickets?status=resolved')).json).toEqual({ items: [], nextCursor: null });
    });

    it('treats empty parameters as absent', async () => {
      const r = await api('/api/tickets?status=&priority=&type=&limit=&cursor=');
      expect(r.status).toBe(200);
      expect((r.json.items as unknown[]).length).toBe(20);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=-5', 'limit'],
      ['limit=1.5', 'limit'],
      ['status=pending', 'status'],
      ['priority=P0', 'priority'],
      ['type=lost', 'type'],
      ['cursor=garbage', 'cursor'],
      [`cursor=${Buffer.from('{"createdAt":"2025-01-01T00:00:00Z","id":"x"}').toString('base64url')}`, 'cursor'],
      ['colour=red', 'colour'],
    ])('answers 400 with field errors to ?%s', async (query, field) => {
      const r = await api(`/api/tickets?${query}`);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: 'invalid_request' });
      expect(fieldsOf(r)).toEqual([field]);
    });

    it.each([
      ['an operator object', 'status[$gt]=', 'status'],
      ['an operator object on priority', 'priority[$ne]=P4', 'priority'],
      ['a JSON operator as the value', `status=${encodeURIComponent('{"$gt":""}')}`, 'status'],
      ['an array', 'status=open&status=claimed', 'status'],
      ['an indexed array', 'type[0]=other', 'type'],
      ['a nested object on limit', 'limit[$gt]=0', 'limit'],
      ['an object cursor', 'cursor[createdAt]=x', 'cursor'],
    ])('rejects %s in the query without leaking data', async (_name, query, field) => {
      const r = await api(`/api/tickets?${query}`);
      expect(r.status).toBe(400);
      expect(r.text).not.toContain('MFA-0');
      expect(fieldsOf(r)).toContain(field);
    });

    it('ignores a prototype key in the query without polluting objects', async () => {
      const r = await api('/api/tickets?__proto__[status]=resolved&constructor[prototype][status]=resolved');
      expect(r.status).toBe(200);
      expect(({} as Record<string, unknown>).status).toBeUndefined();
      expect((r.json.items as Ticket[]).length).toBe(20);
      expect((r.json.items as Ticket[]).every((i) => i.status === 'open')).toBe(true);
    });
  });

  describe('GET /api/tickets/stats', () => {
    it('counts the tickets of the last 7 days by type and status, every pair listed', async () => {
      const r = await api('/api/tickets/stats');
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.json).toMatchObject({ days: 7, total: seeded.length });
      const counts = r.json.counts as { type: string; status: string; count: number }[];
      expect(counts).toHaveLength(24);
      const sum = (type: string) => counts.filter((c) => c.type === type).reduce((n, c) => n + c.count, 0);
      for (const type of ['suspicious_prompt', 'other', 'lost_device']) expect(sum(type)).toBe(seeded.filter((s) => s.type === type).length);
      expect(Date.parse(String(r.json.until)) - Date.parse(String(r.json.since))).toBeGreaterThanOrEqual(7 * 86_400_000);
      expect((await api('/api/tickets/stats?days=1')).json).toMatchObject({ days: 1 });
    });

    it.each(['days=0', 'days=32', 'days=7.5', 'days=abc', 'days=1&days=2', 'weeks=1'])('refuses %s with 400 naming the field', async (query) => {
      const r = await api(`/api/tickets/stats?${query}`);
      expect(r.status).toBe(400);
      expect(fieldsOf(r)).toEqual([query.startsWith('weeks') ? 'weeks' : 'days']);
    });

    it('needs a token like every other route', async () => {
      expect((await api('/api/tickets/stats', { token: null })).status).toBe(401);
      expect((await api('/api/tickets/stats', { token: 'x'.repeat(30) })).status).toBe(403);
    });
  });

  describe('GET /api/tickets/:id', () => {
    it('returns the ticket without its conversation reference', async () => {
      const seed = seeded[1];
      const r = await api(`/api/tickets/${seed.id}`);
      expect(r.status).toBe(200);
      const { conversationRef: _ref, ...expected } = seed;
      expect(r.json).toEqual(expected);
    });

    it.each(['MFA-999999', 'MFA-12', 'mfa-000001', 'MFA-0000011', '..%2F..%2Fetc', '%7B%22%24gt%22%3A%22%22%7D'])('answers 404 to %s', async (id) => {
      const r = await api(`/api/tickets/${id}`);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ error: 'not_found' });
    });
  });

  describe('changes', () => {
    let ticket: Ticket;
    beforeEach(async () => {
      ticket = await t.helpdesk.tickets.createTicket(ticketInput({ summary: 'for changes' }));
    });

    it('claims, notes and resolves a ticket as the agent the token belongs to', async () => {
      const claimed = await api(`/api/tickets/${ticket.id}/claim`, { method: 'POST' });
      expect(claimed.status).toBe(200);
      expect(claimed.json).toMatchObject({ id: ticket.id, status: 'claimed', assignee: 'alice' });
      const noted = await api(`/api/tickets/${ticket.id}/notes`, { body: { text: 'Called the person back.', visibleToUser: true } });
      expect(noted.status).toBe(200);
      expect(noted.json.notes).toEqual([{ at: expect.any(String), agent: 'alice', text: 'Called the person back.', visibleToUser: true }]);
      const resolved = await api(`/api/tickets/${ticket.id}/resolve`, { body: { resolution: 'New phone registered.' } });
      expect(resolved.status).toBe(200);
      expect(resolved.json).toMatchObject({ status: 'resolved', resolution: 'New phone registered.' });
      expect((resolved.json.history as { action: string; by: string }[]).map((h) => [h.action, h.by])).toEqual([
        ['created', 'bot'],
        ['claimed', 'alice'],
        ['note_added', 'alice'],
        ['resolved', 'alice'],
      ]);
    });

    it('still accepts an agent field that names the token owner (older clients)', async () => {
      const r = await api(`/api/tickets/${ticket.id}/claim`, { body: { agent: 'alice' } });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ assignee: 'alice' });
    });

    it.each([
      ['claim as bob with alice\'s token', 'claim', { agent: 'bob' }],
      ['note as bob with alice\'s token', 'notes', { agent: 'bob', text: 'hello' }],
      ['resolve as bob with alice\'s token', 'resolve', { agent: 'bob', resolution: 'done' }],
      ['cancel as bob with alice\'s token', 'cancel', { agent: 'bob' }],
      ['claim as a look-alike of alice (zero-width space)', 'claim', { agent: 'ali\u200bce' }],
      ['claim as a look-alike of alice (bidi override)', 'claim', { agent: '\u202ealice' }],
    ])('refuses to %s: the ticket is unchanged', async (_name, action, body) => {
      const r = await api(`/api/tickets/${ticket.id}/${action}`, { body });
      expect(r.status).toBe(400);
      expect(fieldsOf(r)).toEqual(['agent']);
      expect(await t.helpdesk.tickets.get(ticket.id)).toEqual(ticket);
    });

    it('names a plain token from an older set-up after its position, and tells each caller who it is', async () => {
      expect((await api('/api/agent')).json).toEqual({ agent: 'alice' });
      expect((await api('/api/agent', { token: OTHER_TOKEN })).json).toEqual({ agent: 'agent-2' });
      expect((await api('/api/agent', { token: BOB_TOKEN })).json).toEqual({ agent: 'bob' });
      expect((await api('/api/agent', { token: null })).status).toBe(401);
      const r = await api(`/api/tickets/${ticket.id}/claim`, { method: 'POST', token: OTHER_TOKEN });
      expect(r.json).toMatchObject({ status: 'claimed', assignee: 'agent-2' });
    });

    it('lets exactly one of two concurrent claims win; the other gets 409 naming the holder', async () => {
      const [a, b] = await Promise.all([
        api(`/api/tickets/${ticket.id}/claim`, { method: 'POST' }),
        api(`/api/tickets/${ticket.id}/claim`, { method: 'POST', token: BOB_TOKEN }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      expect(['alice', 'bob']).toContain(winner.json.assignee);
      expect(loser.json).toMatchObject({ error: 'already_claimed', holder: winner.json.assignee });
      expect(loser.json.message).toContain(String(winner.json.assignee));
    });

    it.each([
      ['resolve a ticket another agent holds', 'claim', {}, 'resolve', { resolution: 'x' }, 'already_claimed'],
      ['claim a resolved ticket', 'resolve', { resolution: 'x' }, 'claim', {}, 'invalid_transition'],
      ['resolve a cancelled ticket', 'cancel', {}, 'resolve', { resolution: 'x' }, 'invalid_transition'],
      ['cancel a resolved ticket', 'resolve', { resolution: 'x' }, 'cancel', {}, 'invalid_transition'],
      ['cancel twice', 'cancel', {}, 'cancel', {}, 'invalid_transition'],
    ])('answers 409 when asked to %s (first alice, then bob)', async (_name, firstAction, firstBody, secondAction, secondBody, error) => {
      expect((await api(`/api/tickets/${ticket.id}/${firstAction}`, { body: firstBody })).status).toBe(200);
      const r = await api(`/api/tickets/${ticket.id}/${secondAction}`, { body: secondBody, token: BOB_TOKEN });
      expect(r.status).toBe(409);
      expect(r.json).toMatchObject({ error });
    });

    it('cancels without a body, recording the token owner as the actor', async () => {
      const r = await api(`/api/tickets/${ticket.id}/cancel`, { method: 'POST', token: BOB_TOKEN });
      expect(r.status).toBe(200);
      expect(r.json.status).toBe('cancelled');
      expect((r.json.history as { by: string }[]).at(-1)?.by).toBe('bob');
    });

    it.each(['claim', 'notes', 'resolve', 'cancel'])('answers 404 to POST %s on an unknown or malformed id', async (action) => {
      const pick = action === 'claim' || action === 'cancel' ? {} : action === 'notes' ? { text: 'x' } : { resolution: 'x' };
      expect((await api(`/api/tickets/MFA-999998/${action}`, { body: pick })).status).toBe(404);
      expect((await api(`/api/tickets/not-an-id/${action}`, { body: pick })).status).toBe(404);
    });

    it.each([
      ['claim with an empty agent', 'claim', { agent: '  ' }, ['agent']],
      ['a note without text', 'notes', {}, ['text']],
      ['a note with a non-boolean visibleToUser', 'notes', { text: 'x', visibleToUser: 'yes' }, ['visibleToUser']],
      ['a note too long', 'notes', { text: 'x'.repeat(4001) }, ['text']],
      ['a resolution without one', 'resolve', {}, ['resolution']],
      ['a number where a string is expected', 'resolve', { agent: 42, resolution: 'x' }, ['agent']],
    ])('answers 400 with field errors to %s', async (_name, action, body, fields) => {
      const r = await api(`/api/tickets/${ticket.id}/${action}`, { body });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
      expect(fieldsOf(r).sort()).toEqual(fields);
      expect((await t.helpdesk.tickets.get(ticket.id))?.history).toHaveLength(1);
    });

    it.each([
      ['an operator object as the agent', 'claim', { agent: { $ne: null } }, 'agent'],
      ['an array as the agent', 'claim', { agent: ['alice', 'bob'] }, 'agent'],
      ['an object as the note text', 'notes', { text: { $gt: '' } }, 'text'],
      ['an extra operator field', 'resolve', { resolution: 'x', $set: { status: 'open' } }, '$set'],
      ['an extra status field', 'claim', { status: 'resolved' }, 'status'],
      ['an extra assignee field', 'claim', { assignee: 'bob' }, 'assignee'],
    ])('rejects %s in a JSON body without changing the ticket', async (_name, action, body, field) => {
      const r = await api(`/api/tickets/${ticket.id}/${action}`, { body });
      expect(r.status).toBe(400);
      expect(fieldsOf(r)).toContain(field);
      expect(await t.helpdesk.tickets.get(ticket.id)).toEqual(ticket);
    });

    it.each([
      ['an array body', '[]'],
      ['a string body', '"alice"'],
      ['a number body', '42'],
    ])('rejects %s', async (_name, rawBody) => {
      const r = await api(`/api/tickets/${ticket.id}/claim`, { rawBody });
      expect(r.status).toBe(400);
    });

    it('answers 400 JSON to a body that is not JSON', async () => {
      const r = await api(`/api/tickets/${ticket.id}/claim`, { rawBody: '{"agent": ' });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ error: 'bad_request' });
    });
  });
});

describe("Agents' REST API without AGENT_API_TOKENS", () => {
  it.each([
    ['GET', '/api/tickets', undefined],
    ['GET', '/api/tickets/MFA-000001', undefined],
    ['POST', '/api/tickets/MFA-000001/claim', { agent: 'alice' }],
  ])('answers 503 agent_api_disabled to %s %s, with or without a token', async (method, path, body) => {
    const t = await startTestHelpdesk();
    try {
      await t.helpdesk.tickets.createTicket(ticketInput());
      const api = client(t.baseUrl);
      for (const token of [null, TOKEN]) {
        const r = await api(path, { method, body, token });
        expect(r.status).toBe(503);
        expect(r.json).toMatchObject({ error: 'agent_api_disabled' });
      }
      expect((await t.helpdesk.tickets.get('MFA-000001'))?.status).toBe('open');
    } finally {
      await t.stop();
    }
  });
});

describe('security webhook wiring', () => {
  it('posts a P1 ticket opened through the running product to SECURITY_WEBHOOK_URL', async () => {
    const received: unknown[] = [];
    const hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        // restify patches http.ServerResponse in this process, so writeHead() is not chainable here.
        res.statusCode = 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/soc`;
    const t = await startTestHelpdesk({ SECURITY_WEBHOOK_URL: url }, { webhookSleep: () => Promise.resolve() });
    try {
      const ticket = await t.helpdesk.tickets.createTicket(ticketInput({ accountCompromised: true }));
      await t.helpdesk.tickets.whenIdle();
      expect(received).toEqual([{ event: 'ticket.p1_created', ticket: expect.objectContaining({ id: ticket.id, priority: 'P1' }) }]);
      expect(t.logLines.join('\n')).not.toContain('/soc');
    } finally {
      await t.stop();
      await new Promise<void>((resolve) => hook.close(() => resolve()));
    }
  });
});
