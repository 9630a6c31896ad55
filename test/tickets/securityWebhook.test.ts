import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { SecurityWebhookNotifier, TicketService, type CreateTicketInput } from '../../src/tickets';
import { capturingLogger, ticketInput } from '../helpers/tickets';

/** A local webhook receiver that fails the first `failures` requests with 503. */
async function startReceiver(failures = 0): Promise<{ url: string; bodies: unknown[]; hits: () => number; close: () => Promise<void> }> {
  const bodies: unknown[] = [];
  let hits = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits += 1;
      // Not res.writeHead(...).end(): restify, once loaded in the same worker, patches
      // http.ServerResponse and its writeHead() is not chainable.
      if (hits <= failures) {
        res.statusCode = 503;
        res.end();
        return;
      }
      bodies.push({ contentType: req.headers['content-type'], method: req.method, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const P1_INPUT: CreateTicketInput = ticketInput({
  type: 'suspicious_prompt',
  details: { anyApproved: true, passwordReset: false, promptCount: 4 },
  summary: 'Approved a prompt they did not start; call back on 07700 900123',
  transcript: [{ from: 'user', text: 'the code was 482913', at: '2025-01-31T09:00:00.000Z' }],
});

describe('SecurityWebhookNotifier', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  function serviceFor(url: string, sleep: (ms: number) => Promise<void> = () => Promise.resolve()) {
    const log = capturingLogger();
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    const webhook = new SecurityWebhookNotifier({ url, logger: log.logger, sleep });
    return { service: new TicketService({ store, logger: log.logger, notifiers: [webhook] }), log };
  }

  it('posts a P1 ticket as JSON without transcript, details, codes or full phone numbers', async () => {
    receiver = await startReceiver();
    const { service } = serviceFor(receiver.url);
    const ticket = await service.createTicket(P1_INPUT);
    await service.whenIdle();
    expect(receiver.bodies).toEqual([
      {
        method: 'POST',
        contentType: 'application/json',
        json: {
          event: 'ticket.p1_created',
          ticket: {
            id: ticket.id,
            type: 'suspicious_prompt',
            priority: 'P1',
            summary: 'Approved a prompt they did not start; call back on ***123',
            requester: { email: 'alex.smith@example.nhs.uk', name: 'Alex Smith', staffId: 'S1234' },
            verification: { verified: true, method: 'sms', destinationMasked: '***101', at: '2025-01-31T09:00:00.000Z' },
            accountCompromised: false,
            createdAt: ticket.createdAt,
          },
        },
      },
    ]);
    const raw = JSON.stringify(receiver.bodies);
    for (const absent of ['transcript', 'details', '482913', '900123', 'conversationRef']) expect(raw).not.toContain(absent);
  });

  it('does not post tickets below P1, nor later changes of a P1 ticket', async () => {
    receiver = await startReceiver();
    const { service } = serviceFor(receiver.url);
    await service.createTicket(ticketInput({ type: 'suspicious_prompt', details: { anyApproved: false, passwordReset: true } }));
    await service.createTicket(ticketInput());
    await service.createTicket(ticketInput({ type: 'other', details: { actionRequested: false } }));
    const p1 = await service.createTicket(P1_INPUT);
    await service.claim(p1.id, 'alice');
    await service.resolve(p1.id, { agent: 'alice', resolution: 'Sessions revoked' });
    await service.whenIdle();
    expect(receiver.hits()).toBe(1);
  });

  it('retries with exponential backoff: fails twice, then delivers', async () => {
    receiver = await startReceiver(2);
    const waits: number[] = [];
    const { service, log } = serviceFor(receiver.url, async (ms) => void waits.push(ms));
    await service.createTicket(P1_INPUT);
    await service.whenIdle();
    expect(receiver.hits()).toBe(3);
    expect(receiver.bodies).toHaveLength(1);
    expect(waits).toEqual([500, 1000]);
    const lines = log.lines();
    expect(lines.filter((l) => l.msg === 'security webhook attempt failed; retrying')).toHaveLength(2);
    expect(lines.some((l) => l.msg === 'security webhook delivered' && l.attempt === 3)).toBe(true);
  });

  it('keeps the ticket and does not block creation while the webhook is down; logs the failure without the URL', async () => {
    receiver = await startReceiver(1000);
    const releases: (() => void)[] = [];
    // Each wait between attempts blocks until the test releases it.
    const sleep = () => new Promise<void>((resolve) => releases.push(resolve));
    const { service, log } = serviceFor(`${receiver.url}?secret=s3cr3t-value`, sleep);
    const ticket = await service.createTicket(P1_INPUT);
    expect(await service.get(ticket.id)).toEqual(ticket);
    expect(await service.whenIdle(50)).toBe(false);
    while ((await service.whenIdle(20)) === false) releases.splice(0).forEach((r) => r());
    expect(receiver.hits()).toBe(4);
    const failure = log.lines().find((l) => l.msg === 'security webhook delivery failed');
    expect(failure).toMatchObject({ ticketId: ticket.id, attempts: 4, problem: 'HTTP 503' });
    expect(log.lines().map((l) => JSON.stringify(l)).join('\n')).not.toContain('s3cr3t');
    expect((await service.get(ticket.id))?.status).toBe('open');
  });

  it('gives up on an unreachable webhook after the last attempt', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const { service, log } = serviceFor(url);
    const ticket = await service.createTicket(P1_INPUT);
    await service.whenIdle();
    expect(log.lines().find((l) => l.msg === 'security webhook delivery failed')).toMatchObject({ ticketId: ticket.id, attempts: 4 });
    expect(await service.get(ticket.id)).toBeDefined();
  });
});
