import restify, { type Request, type Response, type Server, type ServerOptions } from 'restify';
import type { Activity, TurnContext } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import type { BotConnectorAdapter } from './bot/botConnectorAdapter';
import type { Logger } from './logger';
import { redact } from './logger';
import { validateInboundActivity } from './channels/activitySchema';
import { DIRECT_LINE_SERVICE_URL } from './channels/directLine/adapter';
import { jsonDeeperThan, MAX_JSON_DEPTH } from './channels/requestGuards';
import type { DocumentStore } from './store/documentStore';

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 256 * 1024;
/** How long shutdown waits for requests in flight. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** Something that runs one turn: the Teams AI application. */
export interface TurnRunner {
  run(context: TurnContext): Promise<boolean>;
}

/** A function that adds routes to the server (used by later features, e.g. the dev outbox). */
export type RouteInstaller = (server: Server) => void;

/** Dependencies of {@link createHttpServer}. */
export interface HttpServerDeps {
  readonly adapter: BotConnectorAdapter;
  readonly bot: TurnRunner;
  readonly store: DocumentStore;
  readonly logger: Logger;
  /** Id used as the activity recipient when a client leaves it out. */
  readonly botId: string;
  readonly routes?: readonly RouteInstaller[];
}

/** The running HTTP front door. */
export interface HttpServer {
  readonly server: Server;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting requests and waits (up to `graceMs`) for those in flight. */
  close(graceMs?: number): Promise<void>;
}

interface TimedRequest extends Request {
  startedAt?: bigint;
}

/**
 * Builds the restify server: `/api/messages`, health and readiness probes, JSON errors for
 * bad input, a request log line per request, and graceful shutdown.
 */
export function createHttpServer(deps: HttpServerDeps): HttpServer {
  const { logger } = deps;
  // restify logs with the product's logger, never the request's headers or body (they carry tokens and codes).
  const server = restify.createServer({ name: 'mfa-helpdesk-bot', handleUncaughtExceptions: false, log: restifyLogger(logger) as unknown as ServerOptions['log'] });
  let inFlight = 0;
  let draining = false;
  const idleWaiters: (() => void)[] = [];

  server.pre((req: TimedRequest, res: Response, next) => {
    req.startedAt = process.hrtime.bigint();
    if (draining) {
      res.header('Connection', 'close');
      res.send(503, { error: 'shutting_down', message: 'The server is shutting down.' });
      return next(false);
    }
    inFlight += 1;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inFlight -= 1;
      if (inFlight === 0) idleWaiters.splice(0).forEach((w) => w());
    };
    res.once('finish', finish);
    res.once('close', finish);
    return next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false, rejectUnknown: false }));
  server.use((req: Request, res: Response, next) => {
    const body: unknown = req.body;
    if (body !== null && typeof body === 'object' && jsonDeeperThan(body, MAX_JSON_DEPTH)) {
      res.send(400, { error: 'too_deep', message: `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.` });
      return next(false);
    }
    return next();
  });

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number; body?: unknown }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    const body = errorBody(status, err);
    Object.defineProperty(err, 'toJSON', { value: () => body, configurable: true });
    if (status >= 500) logger.error({ err: redact(err), path: req.path() }, 'request failed');
    callback();
  });

  server.on('after', (req: TimedRequest, res: Response) => {
    const ms = req.startedAt ? Number(process.hrtime.bigint() - req.startedAt) / 1e6 : undefined;
    logger.info({ method: req.method, path: req.path(), status: res.statusCode, ms: ms === undefined ? undefined : Math.round(ms * 10) / 10 }, 'request');
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      await withTimeout(deps.store.ping(), 2000);
      res.send(200, { status: 'ready' });
    } catch (err) {
      logger.warn({ err: redact(err) }, 'readiness check failed: store did not answer');
      res.send(503, { status: 'unavailable', message: 'The store is not answering.' });
    }
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const problems = validateInboundActivity(req.body);
    // Replies to that service URL go into the bot's own web chat conversations, never from outside.
    if ((req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl === DIRECT_LINE_SERVICE_URL) {
      problems.push({ field: 'serviceUrl', message: "is reserved for the bot's own Direct Line" });
    }
    if (problems.length > 0) {
      res.send(400, { error: 'invalid_activity', message: 'The request is not a valid Bot Framework activity.', fields: problems });
      return;
    }
    const activity = req.body as Activity;
    // A client that leaves the recipient out gets the bot's id alone, without a name.
    if (!activity.recipient) activity.recipient = { id: deps.botId } as Activity['recipient'];
    const authorization = req.headers.authorization;
    try {
      const answer = await deps.adapter.runActivity(typeof authorization === 'string' ? authorization : '', activity, async (context) => {
        await deps.bot.run(context);
      });
      res.send(answer?.status ?? 200, answer?.body);
    } catch (err) {
      if (err instanceof AuthenticationError) {
        // No token, or one the Bot Connector did not sign for this bot: the turn never ran.
        logger.warn({ channelId: activity.channelId }, 'activity refused: not authorized');
        if (!res.headersSent) res.send(401, { error: 'unauthorized', message: 'The request does not carry a valid Bot Framework token for this bot.' });
        return;
      }
      logger.error({ err: redact(err) }, 'activity processing failed');
      if (!res.headersSent) res.send(500, { error: 'internal', message: 'The bot could not process this activity.' });
    }
  });

  for (const install of deps.routes ?? []) install(server);

  return {
    server,
    listen(port: number, host: string): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.removeListener('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async close(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));
      const gaveUp = await Promise.race([idle.then(() => false), delay(graceMs).then(() => true)]);
      if (gaveUp) logger.warn({ inFlight }, 'shutdown grace period over; closing with requests still in flight');
      server.server.closeAllConnections();
      await Promise.race([closed, delay(1000)]);
    },
  };
}

/**
 * The logger restify gets: a child of the product's logger whose serializers keep only the
 * method and path of a request and the status of a response, and redact errors, so headers
 * (bearer tokens) and bodies (codes) never reach a log line.
 */
function restifyLogger(logger: Logger): Logger {
  const pathOf = (url: unknown): string | undefined => (typeof url === 'string' ? url.split('?')[0]?.slice(0, 200) : undefined);
  return logger.child(
    { component: 'restify' },
    {
      serializers: {
        req: (req: { method?: unknown; url?: unknown } | undefined) => ({ method: typeof req?.method === 'string' ? req.method : undefined, path: pathOf(req?.url) }),
        res: (res: { statusCode?: unknown } | undefined) => ({ status: typeof res?.statusCode === 'number' ? res.statusCode : undefined }),
        err: (err: unknown) => redact(err),
        body: () => '[omitted]',
        value: () => '[omitted]',
        headers: () => '[omitted]',
      },
    },
  );
}

function errorBody(status: number, err: Error & { body?: unknown }): Record<string, unknown> {
  switch (status) {
    case 400:
      return { error: 'bad_request', message: /json/i.test(err.message) ? 'The request body is not valid JSON.' : 'The request is malformed.' };
    case 404:
      return { error: 'not_found', message: 'There is nothing at this path.' };
    case 405:
      return { error: 'method_not_allowed', message: 'This method is not allowed on this path.' };
    case 413:
      return { error: 'payload_too_large', message: `The request body is larger than ${MAX_BODY_BYTES / 1024} KB.` };
    case 415:
      return { error: 'unsupported_media_type', message: 'Send the body as application/json.' };
    default:
      return status >= 500
        ? { error: 'internal', message: 'Something went wrong on the server.' }
        : { error: 'request_error', message: 'The request could not be processed.' };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, delay(ms).then(() => Promise.reject(new Error(`timed out after ${ms} ms`)))]);
}
