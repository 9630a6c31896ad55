/**
 * The bot's own Direct Line 3.0 subset, for the web chat page: tokens, the channel adapter
 * (channel `webchat`), conversations and their activities in the store, WebSocket streams,
 * and the token route (the bot's own tokens, or Azure's when `DIRECT_LINE_SECRET` is set).
 */
import type { Server as NodeHttpServer } from 'node:http';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import type { RouteInstaller, TurnRunner } from '../../server';
import type { DocumentStore } from '../../store/documentStore';
import { routeProactive, type ConversationContinuer, type DirectLineAdapter } from './adapter';
import type { ConversationLog } from './conversationLog';
import { PostingBudget } from './rateLimit';
import { directLineRoutes } from './routes';
import type { ConversationSignals } from './signals';
import { attachDirectLineStreams, type DirectLineStreams } from './streams';
import { directLineTokenRoute, type AzureDirectLine } from './tokenRoute';
import { deriveTokenKey, DirectLineTokens } from './tokens';

export * from './adapter';
export * from './conversationLog';
export * from './rateLimit';
export * from './routes';
export * from './signals';
export * from './streams';
export * from './tokenRoute';
export * from './tokens';

/** Name the bot shows in web chat. */
export const WEBCHAT_BOT_NAME = 'MFA helpdesk';

/** Dependencies of {@link createDirectLine}. */
export interface DirectLineDeps {
  /** The channel adapter, built in the composition root. */
  readonly adapter: DirectLineAdapter;
  /** The conversation log the adapter writes to, and the signals it raises. */
  readonly log: ConversationLog;
  readonly signals: ConversationSignals;
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly botId: string;
  /** The product's secret, from which the token signing key is derived. */
  readonly tokenKeySecret: Buffer;
  readonly config: { readonly tokenTtlSeconds: number; readonly maxActivitiesPerMinute: number; readonly azure?: AzureDirectLine };
  readonly publicBaseUrl?: string;
  /** How often streams look in the store for other instances' activities. */
  readonly streamPollMs?: number;
}

/** The assembled Direct Line channel. */
export interface DirectLine {
  readonly adapter: DirectLineAdapter;
  readonly log: ConversationLog;
  readonly tokens: DirectLineTokens;
  /** A proactive front that sends web chat references here and every other one to `connector`. */
  routeProactive(connector: ConversationContinuer): ConversationContinuer;
  /** The HTTP routes, running turns with `bot`. */
  routes(bot: TurnRunner): RouteInstaller[];
  /** Serves the WebSocket streams on the HTTP server. */
  attach(httpServer: NodeHttpServer): void;
  /** Ends every open stream (on shutdown). */
  closeStreams(): void;
  /** Open streams on this instance. */
  readonly openStreams: number;
}

/** Assembles the Direct Line channel around its adapter; `src/composition.ts` calls this and wires it in. */
export function createDirectLine(deps: DirectLineDeps): DirectLine {
  const { adapter, log, signals } = deps;
  const tokens = new DirectLineTokens(deriveTokenKey(deps.tokenKeySecret), deps.config.tokenTtlSeconds, () => deps.clock.now());
  const budget = new PostingBudget(deps.store, deps.clock, deps.config.maxActivitiesPerMinute);
  let streams: DirectLineStreams | undefined;
  return {
    adapter,
    log,
    tokens,
    routeProactive: (connector) => routeProactive(connector, adapter),
    routes: (bot) => [
      directLineTokenRoute({ tokens, log, logger: deps.logger, azure: deps.config.azure, secureCookies: deps.publicBaseUrl?.startsWith('https:') ?? false }),
      directLineRoutes({ adapter, bot, log, tokens, budget, clock: deps.clock, logger: deps.logger, botId: deps.botId, publicBaseUrl: deps.publicBaseUrl }),
    ],
    attach(httpServer) {
      streams = attachDirectLineStreams(httpServer, { log, signals, tokens, logger: deps.logger, pollMs: deps.streamPollMs });
    },
    closeStreams() {
      streams?.close();
    },
    get openStreams() {
      return streams?.size ?? 0;
    },
  };
}
