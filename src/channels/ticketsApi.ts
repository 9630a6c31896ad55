import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { AgentToken } from '../config';
import type { Logger } from '../logger';
import { redact } from '../logger';
import type { RouteInstaller } from '../server';
import { StoreUnavailableError } from '../store/documentStore';
import {
  agentView,
  InvalidTicketTransitionError,
  isTicketId,
  MAX_PAGE_SIZE,
  MAX_TEXT_LENGTH,
  SECOND_CHECK_METHODS,
  SecondCheckError,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
  TicketAlreadyClaimedError,
  TicketNotFoundError,
  TicketValidationError,
  type Ticket,
  type TicketService,
} from '../tickets';
import type { FieldError } from './activitySchema';
import type { CallbackRefusal, CallbackVerification } from '../tickets/callbackVerification';

/** Base path of the agents' API. */
export const TICKETS_API_PATH = '/api/tickets';
/** Tells the caller which agent its token belongs to. */
export const AGENT_WHOAMI_PATH = '/api/agent';

/** Dependencies of {@link ticketsApiRoutes}. */
export interface TicketsApiDeps {
  /** Places call-back verifications (`POST /api/tickets/:id/verify-by-callback`). */
  readonly callbacks: CallbackVerification;
  readonly tickets: TicketService;
  /** Accepted bearer tokens and their agents; when empty every route answers 503 `agent_api_disabled`. */
  readonly tokens: readonly AgentToken[];
  readonly logger: Logger;
  /** Clock for the statistics' period; replaced in tests. */
  readonly now?: () => Date;
}

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) });
/** A query value: exactly one string (restify may hand over arrays or objects); empty means absent. */
const queryValue = <S extends z.ZodTypeAny>(inner: S) =>
  z
    .string({ invalid_type_error: 'must be a single string value' })
    .transform((v) => (v === '' ? undefined : v))
    .pipe(inner.optional())
    .optional();

const listQuerySchema = z
  .object({
    status: queryValue(enumOf(TICKET_STATUSES)),
    priority: queryValue(enumOf(TICKET_PRIORITIES)),
    type: queryValue(enumOf(TICKET_TYPES)),
    limit: queryValue(
      z
        .string()
        .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
        .transform(Number)
        .pipe(z.number().min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`).max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)),
    ),
    cursor: queryValue(z.string().max(1000, 'is not a cursor returned by this API')),
  })
  .strict();

/** Longest period the statistics cover, in days. */
export const MAX_STATS_DAYS = 31;
const statsQuerySchema = z
  .object({
    days: queryValue(
      z
        .string()
        .regex(/^\d{1,2}$/, `must be a whole number from 1 to ${MAX_STATS_DAYS}`)
        .transform(Number)
        .pipe(z.number().min(1, `must be a whole number from 1 to ${MAX_STATS_DAYS}`).max(MAX_STATS_DAYS, `must be a whole number from 1 to ${MAX_STATS_DAYS}`)),
    ),
  })
  .strict();

/**
 * The acting agent is the token's owner. An `agent` field is tolerated only when it names that
 * same agent (older clients send it); any other value is refused rather than recorded.
 */
const agentField = z.string({ invalid_type_error: 'must be a string' }).optional();
const textField = z
  .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`);

const claimBody = z.object({ agent: agentField }).strict();
const noteBody = z
  .object({
    agent: agentField,
    text: textField,
    visibleToUser: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
    sendToUnverifiedRequester: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
  })
  .strict();
const resolveBody = z
  .object({ agent: agentField, resolution: textField, sendToUnverifiedRequester: z.boolean({ invalid_type_error: 'must be true or false' }).optional() })
  .strict();
const cancelBody = z.object({ agent: agentField }).strict();
const secondCheckBody = z
  .object({
    method: enumOf(SECOND_CHECK_METHODS),
    note: z
      .string({ required_error: 'is required: say what was checked', invalid_type_error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty: say what was checked')
      .max(500, 'must be at most 500 characters'),
  })
  .strict();
const callbackBody = z
  .object({
    /** Who the caller claims to be, used only when the ticket names nobody in the directory. */
    email: z.string({ invalid_type_error: 'must be a string' }).trim().toLowerCase().email('must be an email address').max(320).optional(),
    staffId: z.string({ invalid_type_error: 'must be a string' }).trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'must be a staff ID (letters, digits and dashes)').optional(),
  })
  .strict();

/** A problem that becomes an HTTP error response. */
class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

function invalid(fields: FieldError[]): HttpProblem {
  return new HttpProblem(400, { error: 'invalid_request', message: 'The request has invalid fields.', fields });
}

function zodFields(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      for (const key of issue.keys) out.push({ field: [...issue.path, key].join('.').slice(0, 100), message: 'is not a known field' });
    } else {
      out.push({ field: issue.path.join('.') || '(body)', message: issue.message });
    }
  }
  return out;
}

function parseWith<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(zodFields(result.error));
  return result.data as z.output<S>;
}

/** The JSON body as an object; an absent or empty body counts as `{}`. */
function bodyOf(req: Request): unknown {
  const body: unknown = req.body;
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw invalid([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  return body;
}

function ticketIdOf(req: Request): string {
  const id: unknown = req.params?.id;
  if (!isTicketId(id)) throw new HttpProblem(404, { error: 'not_found', message: 'No ticket has this id.' });
  return id;
}

/** Refuses a body whose `agent` names anyone but the token's owner. */
function checkAgentField(body: { agent?: string }, agent: string): void {
  if (body.agent !== undefined && body.agent !== agent) {
    throw invalid([{ field: 'agent', message: 'must be left out: the agent is the owner of the token' }]);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The agents' REST API under `/api/tickets`. Every route needs `Authorization: Bearer <token>`
 * with one of the configured tokens: none gives 401, a wrong one 403. The acting agent is
 * always the token's owner, never a name in the body. Tokens are compared as
 * SHA-256 digests with `timingSafeEqual`, so the comparison time does not depend on where a
 * guess goes wrong. With no tokens configured every route answers 503 `agent_api_disabled`.
 *
 * - `GET /api/agent` → `{ agent }`, the name the token belongs to
 * - `GET /api/tickets?status=&priority=&type=&limit=&cursor=` → `{ items, nextCursor }`, newest first
 * - `GET /api/tickets/stats?days=7` → tickets opened in the last `days` days, by type and status
 * - `GET /api/tickets/:id`
 * - `POST /api/tickets/:id/claim`
 * - `POST /api/tickets/:id/notes` `{ text, visibleToUser?, sendToUnverifiedRequester? }`
 * - `POST /api/tickets/:id/resolve` `{ resolution, sendToUnverifiedRequester? }`
 * - `POST /api/tickets/:id/verify-by-callback` `{ email?, staffId? }` → 202, a call to the requester's number on record
 * - `POST /api/tickets/:id/second-check` `{ method, note }`: the second check a lost phone's Temporary Access Pass waits for
 * - `POST /api/tickets/:id/cancel`
 *
 * Invalid input gives 400 `{ error: 'invalid_request', fields: [{ field, message }] }`; an
 * unknown or malformed id 404; a change the ticket's state forbids 409.
 */
export function ticketsApiRoutes(deps: TicketsApiDeps): RouteInstaller {
  const { tickets, logger } = deps;
  const agents = deps.tokens.map((t) => ({ name: t.name, digest: sha256(t.token) }));

  /** Sends the 503/401/403 answer and returns undefined unless the request carries a valid token; else the token's agent. */
  const authorized = (req: Request, res: Response): string | undefined => {
    if (agents.length === 0) {
      res.send(503, { error: 'agent_api_disabled', message: 'The agents API is disabled: set AGENT_API_TOKENS to enable it.' });
      return undefined;
    }
    const header = req.header('authorization');
    const match = typeof header === 'string' ? /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header) : null;
    if (!match) {
      res.header('WWW-Authenticate', 'Bearer realm="agents"');
      res.send(401, { error: 'unauthorized', message: 'Send an agent API token as "Authorization: Bearer <token>".' });
      return undefined;
    }
    const presented = sha256(match[1]);
    let owner: string | undefined;
    // Compare against every token, so the time taken does not tell which one matched.
    for (const agent of agents) if (timingSafeEqual(agent.digest, presented)) owner = agent.name;
    if (owner === undefined) {
      logger.warn({ path: req.path() }, 'agents API: request with an unknown token');
      res.header('WWW-Authenticate', 'Bearer realm="agents", error="invalid_token"');
      res.send(403, { error: 'forbidden', message: 'This token is not accepted.' });
      return undefined;
    }
    return owner;
  };

  const handle =
    (work: (req: Request, agent: string) => Promise<{ status: number; body: unknown }>) =>
    async (req: Request, res: Response): Promise<void> => {
      res.header('Cache-Control', 'no-store');
      const agent = authorized(req, res);
      if (agent === undefined) return;
      try {
        const { status, body } = await work(req, agent);
        res.send(status, body);
      } catch (err) {
        const { status, body } = toHttp(err);
        if (status >= 500) logger.error({ err: redact(err), path: req.path(), agent }, 'agents API request failed');
        res.send(status, body);
      }
    };

  const ok = (ticket: Ticket) => ({ status: 200, body: agentView(ticket) });
  const now = deps.now ?? (() => new Date());

  return (server: Server) => {
    server.get(
      AGENT_WHOAMI_PATH,
      handle(async (_req, agent) => ({ status: 200, body: { agent } })),
    );
    server.get(
      TICKETS_API_PATH,
      handle(async (req) => {
        const q = parseWith(listQuerySchema, req.query ?? {});
        const page = await tickets.list(q);
        return { status: 200, body: { items: page.items.map(agentView), nextCursor: page.nextCursor } };
      }),
    );
    server.get(
      `${TICKETS_API_PATH}/stats`,
      handle(async (req) => {
        const q = parseWith(statsQuerySchema, req.query ?? {});
        const days = q.days ?? 7;
        return { status: 200, body: { days, ...(await tickets.countsSince(new Date(now().getTime() - days * 86_400_000))) } };
      }),
    );
    server.get(
      `${TICKETS_API_PATH}/:id`,
      handle(async (req) => {
        const id = ticketIdOf(req);
        const ticket = await tickets.get(id);
        if (!ticket) throw new TicketNotFoundError(id);
        return ok(ticket);
      }),
    );
    server.post(
      `${TICKETS_API_PATH}/:id/claim`,
      handle(async (req, agent) => {
        const id = ticketIdOf(req);
        checkAgentField(parseWith(claimBody, bodyOf(req)), agent);
        return ok(await tickets.claim(id, agent));
      }),
    );
    server.post(
      `${TICKETS_API_PATH}/:id/notes`,
      handle(async (req, agent) => {
        const id = ticketIdOf(req);
        const body = parseWith(noteBody, bodyOf(req));
        checkAgentField(body, agent);
        return ok(await tickets.addNote(id, { agent, text: body.text, visibleToUser: body.visibleToUser, sendToUnverifiedRequester: body.sendToUnverifiedRequester }));
      }),
    );
    server.post(
      `${TICKETS_API_PATH}/:id/resolve`,
      handle(async (req, agent) => {
        const id = ticketIdOf(req);
        const body = parseWith(resolveBody, bodyOf(req));
        checkAgentField(body, agent);
        return ok(await tickets.resolve(id, { agent, resolution: body.resolution, sendToUnverifiedRequester: body.sendToUnverifiedRequester }));
      }),
    );
    server.post(
      `${TICKETS_API_PATH}/:id/verify-by-callback`,
      handle(async (req, agent) => {
        const id = ticketIdOf(req);
        const body = parseWith(callbackBody, bodyOf(req));
        const started = await deps.callbacks.start(id, agent, body);
        if (!started.ok) throw callbackProblem(started);
        return { status: 202, body: { status: 'calling', destinationMasked: started.destinationMasked, ticket: agentView(started.ticket) } };
      }),
    );
    server.post(
      `${TICKETS_API_PATH}/:id/second-check`,
      handle(async (req, agent) => {
        const id = ticketIdOf(req);
        const body = parseWith(secondCheckBody, bodyOf(req));
        return ok(await tickets.recordSecondCheck(id, { agent, method: body.method, note: body.note }));
      }),
    );
    server.post(
      `${TICKETS_API_PATH}/:id/cancel`,
      handle(async (req, agent) => {
        const id = ticketIdOf(req);
        checkAgentField(parseWith(cancelBody, bodyOf(req)), agent);
        return ok(await tickets.cancel(id, agent));
      }),
    );
  };
}

/** The HTTP answer to a call-back that could not be placed. */
function callbackProblem(refusal: CallbackRefusal): HttpProblem {
  switch (refusal.error) {
    case 'not_found':
      return new HttpProblem(404, { error: 'not_found', message: 'No ticket has this id.' });
    case 'invalid_transition':
      return new HttpProblem(409, { error: 'invalid_transition', message: `The ticket is ${refusal.status}: there is nothing left to verify.`, status: refusal.status });
    case 'limit':
      return new HttpProblem(429, { error: 'limit_reached', message: refusal.message, ...(refusal.retryAt ? { retryAt: new Date(refusal.retryAt).toISOString() } : {}) });
    case 'unavailable':
      return new HttpProblem(503, { error: 'callback_unavailable', message: refusal.message });
    case 'send_failed':
      return new HttpProblem(502, { error: 'call_failed', message: refusal.message });
    default:
      return new HttpProblem(409, { error: refusal.error, message: refusal.message });
  }
}

function toHttp(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof HttpProblem) return { status: err.status, body: err.body };
  if (err instanceof TicketValidationError) {
    return { status: 400, body: { error: 'invalid_request', message: 'The request has invalid fields.', fields: err.fields } };
  }
  if (err instanceof TicketNotFoundError) return { status: 404, body: { error: 'not_found', message: 'No ticket has this id.' } };
  if (err instanceof TicketAlreadyClaimedError) {
    return { status: 409, body: { error: 'already_claimed', message: err.message, holder: err.holder } };
  }
  if (err instanceof InvalidTicketTransitionError) {
    return { status: 409, body: { error: 'invalid_transition', message: err.message, status: err.status } };
  }
  if (err instanceof SecondCheckError) return { status: 409, body: { error: err.code, message: err.message } };
  if (err instanceof StoreUnavailableError) {
    return { status: 503, body: { error: 'store_unavailable', message: 'The ticket store is not answering. Please try again shortly.' } };
  }
  return { status: 500, body: { error: 'internal', message: 'Something went wrong on the server.' } };
}
