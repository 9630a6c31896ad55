import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Activity } from 'botbuilder';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { redact } from '../../logger';
import type { RouteInstaller, TurnRunner } from '../../server';
import { DIRECT_LINE_SERVICE_URL, WEBCHAT_CHANNEL_ID, type DirectLineAdapter } from './adapter';
import type { ConversationLog } from './conversationLog';
import { CLIENT_ADDRESS_TURN_KEY, clientAddressKey } from '../../tickets/ticketFloodGuard';
import type { PostingBudget } from './rateLimit';
import type { DirectLineTokens, TokenClaims } from './tokens';

/** Base path of the bot's own Direct Line 3.0 subset. */
export const DIRECT_LINE_PATH = '/v3/directline';
/** Largest body accepted on a Direct Line route. */
export const DIRECT_LINE_MAX_BODY_BYTES = 32 * 1024;
/** Longest message text accepted. */
export const MAX_TEXT_LENGTH = 4_000;

/** Dependencies of {@link directLineRoutes}. */
export interface DirectLineRoutesDeps {
  readonly adapter: DirectLineAdapter;
  readonly bot: TurnRunner;
  readonly log: ConversationLog;
  readonly tokens: DirectLineTokens;
  readonly budget: PostingBudget;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The bot's id, the `recipient` of the user's activities. */
  readonly botId: string;
  /** Public base URL, when the bot is reached through one (for `wss://` stream URLs). */
  readonly publicBaseUrl?: string;
}

/** An error answer in Direct Line's shape: `{ "error": { "code", "message" } }`. */
export function sendDirectLineError(res: Response, status: number, code: string, message: string): void {
  res.send(status, { error: { code, message } });
}

const conversationIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const watermarkParam = z.union([z.undefined(), z.literal(''), z.string().regex(/^\d{1,12}$/)]);

/** What a client may post. Anything else in the body is ignored, and `from` is always the token's user. */
const inboundActivitySchema = z
  .object({
    type: z.enum(['message', 'event', 'typing'], { errorMap: () => ({ message: 'must be message, event or typing' }) }),
    text: z.string().max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`).optional(),
    textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
    locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'must be a language tag such as en-GB').optional(),
    localTimezone: z.string().max(64).optional(),
    name: z.string().max(100).optional(),
    value: z.unknown().optional(),
    attachments: z.array(z.unknown()).max(0, 'attachments are not accepted on this channel').optional(),
    channelData: z.object({ clientActivityID: z.string().max(100).optional() }).passthrough().optional(),
  })
  .passthrough();

/** Reads the bearer token of a request. */
/** The parts every activity from a page shares: channel, conversation, the token's user and the bot. */
function inboundEnvelope(conversationId: string, userId: string, deps: Pick<DirectLineRoutesDeps, 'clock' | 'botId'>): Partial<Activity> {
  return {
    channelId: WEBCHAT_CHANNEL_ID,
    serviceUrl: DIRECT_LINE_SERVICE_URL,
    timestamp: new Date(deps.clock.now()),
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: userId, name: '', role: 'user' },
    recipient: { id: deps.botId, name: '', role: 'bot' },
  };
}

function bearer(req: Request): string | undefined {
  const header = req.header('authorization');
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The Direct Line 3.0 subset that the stock Web Chat client (`createDirectLine({ domain, token })`)
 * speaks: start or resume the token's conversation, post activities, read them since a
 * watermark, refresh the token. Streams are served by {@link attachDirectLineStreams}.
 * Refusals: no token 401; a bad or expired token, or another conversation's, 403; a
 * conversation that no longer exists 404; too many posts 429; a body over the limit 413.
 */
export function directLineRoutes(deps: DirectLineRoutesDeps): RouteInstaller {
  const { logger } = deps;

  /** Checks the token and, when given, that it is for this conversation. Sends the refusal itself. */
  const authorize = (req: Request, res: Response, conversationId?: string): TokenClaims | undefined => {
    const check = deps.tokens.verify(bearer(req));
    if (!check.ok) {
      if (check.refusal === 'missing') sendDirectLineError(res, 401, 'TokenMissing', 'Send a Direct Line token as "Authorization: Bearer <token>".');
      else if (check.refusal === 'expired') sendDirectLineError(res, 403, 'TokenExpired', 'The token has expired. Get a new one from /api/directline/token.');
      else sendDirectLineError(res, 403, 'TokenInvalid', 'The token is not valid.');
      return undefined;
    }
    if (conversationId !== undefined && check.claims.conversationId !== conversationId) {
      sendDirectLineError(res, 403, 'TokenConversationMismatch', 'The token is not valid for this conversation.');
      return undefined;
    }
    return check.claims;
  };

  const tooLarge = (req: Request, res: Response): boolean => {
    const raw = (req as Request & { rawBody?: unknown }).rawBody;
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : Buffer.isBuffer(raw) ? raw.length : Number(req.header('content-length') ?? 0);
    if (size <= DIRECT_LINE_MAX_BODY_BYTES) return false;
    sendDirectLineError(res, 413, 'MessageSizeTooBig', `The body is larger than ${DIRECT_LINE_MAX_BODY_BYTES / 1024} KB.`);
    return true;
  };

  const streamUrl = (req: Request, claims: TokenClaims, watermark: string): string => {
    const base = deps.publicBaseUrl ?? `http://${req.header('host') ?? 'localhost'}`;
    const wsBase = base.replace(/^http/, 'ws');
    const query = new URLSearchParams({ watermark, t: deps.tokens.mintStream(claims.userId, claims.conversationId) });
    return `${wsBase}${DIRECT_LINE_PATH}/conversations/${encodeURIComponent(claims.conversationId)}/stream?${query.toString()}`;
  };

  const conversationAnswer = (req: Request, claims: TokenClaims, watermark: string) => ({
    conversationId: claims.conversationId,
    token: bearer(req),
    expires_in: Math.max(0, claims.expiresAt - Math.floor(deps.clock.now() / 1000)),
    streamUrl: streamUrl(req, claims, watermark),
  });

  /** Tells the bot the user joined, once per conversation, so it sends its welcome. Returns whether it did. */
  const welcome = async (claims: TokenClaims): Promise<boolean> => {
    if (!(await deps.log.markStarted(claims.conversationId))) return false;
    const activity: Partial<Activity> = {
      type: 'conversationUpdate',
      id: `${claims.conversationId}|join`,
      ...inboundEnvelope(claims.conversationId, claims.userId, deps),
      membersAdded: [{ id: claims.userId, name: '', role: 'user' }],
      channelData: { directLineUserId: claims.userId },
    };
    await deps.adapter.processActivity(activity, async (context) => {
      await deps.bot.run(context);
    });
    return true;
  };

  const failed = (res: Response, err: unknown, what: string): void => {
    logger.error({ err: redact(err) }, what);
    if (!res.headersSent) sendDirectLineError(res, 500, 'ServiceError', 'Something went wrong on the server.');
  };

  return (server: Server) => {
    server.post(`${DIRECT_LINE_PATH}/conversations`, async (req: Request, res: Response) => {
      if (tooLarge(req, res)) return;
      const claims = authorize(req, res);
      if (!claims) return;
      try {
        if (!(await deps.log.get(claims.conversationId))) {
          sendDirectLineError(res, 404, 'ConversationNotFound', 'This conversation no longer exists. Start a new one.');
          return;
        }
        const first = await welcome(claims);
        res.send(first ? 201 : 200, conversationAnswer(req, claims, ''));
      } catch (err) {
        failed(res, err, 'Direct Line: could not start the conversation');
      }
    });

    server.get(`${DIRECT_LINE_PATH}/conversations/:conversationId`, async (req: Request, res: Response) => {
      const id = conversationIdParam.safeParse(req.params.conversationId);
      const watermark = watermarkParam.safeParse(req.query?.watermark);
      if (!id.success) return sendDirectLineError(res, 404, 'ConversationNotFound', 'There is no such conversation.');
      const claims = authorize(req, res, id.data);
      if (!claims) return;
      if (!watermark.success) return sendDirectLineError(res, 400, 'BadArgument', 'The watermark must be a whole number.');
      try {
        if (!(await deps.log.get(id.data))) return sendDirectLineError(res, 404, 'ConversationNotFound', 'This conversation no longer exists.');
        res.send(200, conversationAnswer(req, claims, watermark.data ?? ''));
      } catch (err) {
        failed(res, err, 'Direct Line: could not reconnect to the conversation');
      }
    });

    server.get(`${DIRECT_LINE_PATH}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
      const id = conversationIdParam.safeParse(req.params.conversationId);
      if (!id.success) return sendDirectLineError(res, 404, 'ConversationNotFound', 'There is no such conversation.');
      const claims = authorize(req, res, id.data);
      if (!claims) return;
      const watermark = watermarkParam.safeParse(req.query?.watermark);
      if (!watermark.success) return sendDirectLineError(res, 400, 'BadArgument', 'The watermark must be a whole number.');
      try {
        if (!(await deps.log.get(id.data))) return sendDirectLineError(res, 404, 'ConversationNotFound', 'This conversation no longer exists.');
        const set = await deps.log.since(id.data, Number(watermark.data || 0));
        res.send(200, { activities: set.activities, watermark: String(set.watermark) });
      } catch (err) {
        failed(res, err, 'Direct Line: could not read activities');
      }
    });

    server.post(`${DIRECT_LINE_PATH}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
      if (tooLarge(req, res)) return;
      const id = conversationIdParam.safeParse(req.params.conversationId);
      if (!id.success) return sendDirectLineError(res, 404, 'ConversationNotFound', 'There is no such conversation.');
      const claims = authorize(req, res, id.data);
      if (!claims) return;
      const parsed = inboundActivitySchema.safeParse(req.body);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
        res.send(400, { error: { code: 'BadArgument', message: 'The activity is not valid.', fields } });
        return;
      }
      try {
        if (!(await deps.log.get(id.data))) return sendDirectLineError(res, 404, 'ConversationNotFound', 'This conversation no longer exists.');
        const budget = await deps.budget.take(claims.userId);
        if (!budget.allowed) {
          res.header('Retry-After', String(budget.retryAfterSeconds));
          sendDirectLineError(res, 429, 'TooManyRequests', `Too many messages. Try again in ${budget.retryAfterSeconds} seconds.`);
          return;
        }
        const body = parsed.data;
        const activity: Partial<Activity> = {
          type: body.type,
          ...inboundEnvelope(id.data, claims.userId, deps),
          ...(body.text !== undefined ? { text: body.text } : {}),
          ...(body.textFormat ? { textFormat: body.textFormat } : {}),
          ...(body.locale ? { locale: body.locale } : {}),
          ...(body.localTimezone ? { localTimezone: body.localTimezone } : {}),
          ...(body.name && body.type === 'event' ? { name: body.name } : {}),
          ...(body.value !== undefined ? { value: body.value } : {}),
          channelData: { clientActivityID: body.channelData?.clientActivityID, directLineUserId: claims.userId },
        };
        // Typing is passed on but not kept: it means nothing once the moment has passed.
        const stored = body.type === 'typing' ? { ...activity, id: `${id.data}|typing` } : await deps.log.append(id.data, activity);
        try {
          await deps.adapter.processActivity(stored, async (context) => {
            // The connection's address, for the per-address ticket budget; a client cannot set it.
            context.turnState.set(CLIENT_ADDRESS_TURN_KEY, clientAddressKey(req.socket?.remoteAddress));
            await deps.bot.run(context);
          });
        } catch (err) {
          // The turn error handler has already answered in the conversation when it could.
          logger.error({ err: redact(err), conversationId: id.data }, 'Direct Line: the turn failed');
        }
        res.send(200, { id: body.type === 'typing' ? '' : stored.id });
      } catch (err) {
        failed(res, err, 'Direct Line: could not post the activity');
      }
    });

    server.post(`${DIRECT_LINE_PATH}/tokens/refresh`, async (req: Request, res: Response) => {
      if (tooLarge(req, res)) return;
      const claims = authorize(req, res);
      if (!claims) return;
      try {
        if (!(await deps.log.get(claims.conversationId))) return sendDirectLineError(res, 404, 'ConversationNotFound', 'This conversation no longer exists.');
        const { token, expiresIn } = deps.tokens.mint(claims.userId, claims.conversationId);
        res.send(200, { conversationId: claims.conversationId, token, expires_in: expiresIn });
      } catch (err) {
        failed(res, err, 'Direct Line: could not refresh the token');
      }
    });
  };
}
