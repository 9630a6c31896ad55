import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../../logger';
import { redact } from '../../logger';
import type { RouteInstaller } from '../../server';
import type { ConversationLog } from './conversationLog';
import { DIRECT_LINE_PATH } from './routes';
import { newConversationId, newUserId, RESUME_SECONDS, type DirectLineTokens } from './tokens';

/** Where the web chat page gets its Direct Line token. */
export const TOKEN_PATH = '/api/directline/token';
/** Name of the HttpOnly cookie that lets a reloaded page come back to its conversation. */
export const RESUME_COOKIE = 'mfa_dl_resume';
/** How long the exchange with Azure Direct Line may take. */
const AZURE_TIMEOUT_MS = 10_000;

/** Azure Direct Line, when the page talks to Azure instead of the bot itself. */
export interface AzureDirectLine {
  /** `DIRECT_LINE_SECRET`: the Direct Line channel's secret key. Never sent to the page or logged. */
  readonly secret: string;
  /** `DIRECT_LINE_ENDPOINT`: Azure's Direct Line base URL, e.g. `https://europe.directline.botframework.com/v3/directline`. */
  readonly endpoint: string;
}

/** Dependencies of {@link directLineTokenRoute}. */
export interface TokenRouteDeps {
  readonly tokens: DirectLineTokens;
  readonly log: ConversationLog;
  readonly logger: Logger;
  /** When set, tokens come from Azure's token endpoint instead. */
  readonly azure?: AzureDirectLine;
  /** Whether cookies should be marked `Secure` (the bot is served over https). */
  readonly secureCookies: boolean;
}

/** What the page gets: enough for `WebChat.createDirectLine({ domain, token })`. */
export interface TokenAnswer {
  readonly token: string;
  readonly conversationId: string;
  readonly expires_in: number;
  /** The user id the token is bound to. */
  readonly userId: string;
  /** The Direct Line base URL for the client: relative for the bot's own, Azure's absolute URL otherwise. */
  readonly domain: string;
}

const azureAnswerSchema = z.object({ conversationId: z.string().min(1), token: z.string().min(1), expires_in: z.number().int().positive() });

function cookieValue(req: Request, name: string): string | undefined {
  const header = req.header('cookie');
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * Exchanges the Direct Line secret for a token bound to a new conversation and a user id chosen
 * here, at Azure's `tokens/generate`.
 * @throws Error when Azure does not answer with a token in time.
 */
export async function exchangeAzureSecret(azure: AzureDirectLine, userId: string): Promise<{ token: string; conversationId: string; expiresIn: number }> {
  const res = await fetch(`${azure.endpoint}/tokens/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${azure.secret}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ user: { id: userId } }),
    signal: AbortSignal.timeout(AZURE_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`Azure Direct Line answered HTTP ${res.status}`);
  const parsed = azureAnswerSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error('Azure Direct Line answered without a token');
  return { token: parsed.data.token, conversationId: parsed.data.conversationId, expiresIn: parsed.data.expires_in };
}

/**
 * `POST /api/directline/token`: a short-lived token for the web chat page, bound to a user id
 * and a conversation chosen by the server. With the bot's own Direct Line, an HttpOnly resume
 * cookie brings a reloaded page (or one opened again within a day) back to its conversation;
 * with `DIRECT_LINE_SECRET` the token comes from Azure.
 */
export function directLineTokenRoute(deps: TokenRouteDeps): RouteInstaller {
  const ownToken = async (req: Request, res: Response): Promise<TokenAnswer> => {
    const resume = deps.tokens.verifyResume(cookieValue(req, RESUME_COOKIE));
    let userId: string;
    let conversationId: string;
    const existing = resume.ok ? await deps.log.get(resume.claims.conversationId) : undefined;
    if (resume.ok && existing && existing.userId === resume.claims.userId) {
      ({ userId, conversationId } = resume.claims);
    } else {
      userId = newUserId();
      conversationId = newConversationId();
      await deps.log.create(conversationId, userId);
    }
    const cookie = [
      `${RESUME_COOKIE}=${deps.tokens.mintResume(userId, conversationId)}`,
      `Path=${TOKEN_PATH}`,
      `Max-Age=${RESUME_SECONDS}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(deps.secureCookies ? ['Secure'] : []),
    ].join('; ');
    res.header('Set-Cookie', cookie);
    const { token, expiresIn } = deps.tokens.mint(userId, conversationId);
    return { token, conversationId, expires_in: expiresIn, userId, domain: DIRECT_LINE_PATH };
  };

  return (server: Server) => {
    server.post(TOKEN_PATH, async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      try {
        if (deps.azure) {
          const userId = newUserId();
          const azure = await exchangeAzureSecret(deps.azure, userId);
          res.send(200, { token: azure.token, conversationId: azure.conversationId, expires_in: azure.expiresIn, userId, domain: deps.azure.endpoint } satisfies TokenAnswer);
          return;
        }
        res.send(200, await ownToken(req, res));
      } catch (err) {
        deps.logger.error({ err: redact(err) }, 'Direct Line: could not issue a token');
        res.send(deps.azure ? 502 : 500, {
          error: deps.azure ? 'directline_unavailable' : 'internal',
          message: 'The chat could not be started. Please try again in a moment.',
        });
      }
    });
  };
}
