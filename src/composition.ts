import { join } from 'node:path';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import { BotConnectorAdapter } from './bot/botConnectorAdapter';
import { KeptClientsAuthentication } from './bot/connectorCache';
import type { Config } from './config';
import type { Logger } from './logger';
import { createHelpdeskApplication } from './bot/helpdeskBot';
import { createTurnErrorHandler } from './bot/turnError';
import { turnLoggerMiddleware } from './bot/turnLogger';
import { duplicateActivityMiddleware } from './bot/duplicateActivityMiddleware';
import { traceFilterMiddleware } from './bot/traceFilterMiddleware';
import { replyPresentationMiddleware } from './bot/replyPresentationMiddleware';
import { tenantGateMiddleware } from './bot/tenantGate';
import { createHttpServer, type HttpServer, type RouteInstaller } from './server';
import { devOutboxRoute } from './channels/devOutboxRoute';
import { VOICE_CODE_REPEAT_PATH, voiceCodeRepeatRoute } from './channels/voiceCodeRepeatRoute';
import { systemClock, type Clock } from './clock';
import { createDirectory, type Directory } from './directory';
import { KnowledgeNlu } from './knowledge';
import { defaultModelCacheDir } from './knowledge/modelCache';
import { createVerification, type CodeSender, type Verification } from './verification';
import { DocumentBotStorage } from './store/botStorage';
import type { DocumentStore } from './store/documentStore';
import { SqliteDocumentStore } from './store/sqlite/sqliteDocumentStore';
import { ticketsApiRoutes } from './channels/ticketsApi';
import { AGENT_CONSOLE_PATH, pageRoutes, publicDir } from './channels/pageRoutes';
import { SecurityWebhookNotifier } from './tickets/securityWebhook';
import { TicketService } from './tickets/ticketService';
import { TicketFloodGuard } from './tickets/ticketFloodGuard';
import { WindowBudgets } from './limits/windowBudgets';
import type { TicketNotifier } from './tickets/notifier';
import { createTeamsAgents, type TeamsAgents } from './teams';
import { MainDialog } from '../dialogs/mainDialog';
import { FeedbackLog } from './knowledge/feedbackLog';
import { transcriptMiddleware } from './bot/transcriptMiddleware';
import { turnWritesMiddleware } from './bot/turnWritesMiddleware';
import { TranscriptLog } from './tickets/transcriptLog';
import { RetentionSweeper, storeSchema } from './store/retention';
import { STORE_LAYOUT } from './storeLayout';
import { prepareCardTemplates } from '../cards';
import {
  ConversationLog,
  ConversationSignals,
  createDirectLine,
  DirectLineAdapter,
  WEBCHAT_BOT_NAME,
  type DirectLine,
} from './channels/directLine';
import { resolveVerificationSecret } from './verification/secret';
import { webChatBundlePath, webPagesRoute } from './channels/webPages';
import { VoiceAdapter } from './channels/voice/voiceAdapter';
import { VOICE_PATHS, voiceRoutes, voiceUrl } from './channels/voice/voiceRoutes';
import { callbackRoutes } from './channels/voice/callbackRoutes';
import { CallbackVerification } from './tickets/callbackVerification';

/** Parts a test may replace at the edges of the graph. */
export interface CompositionOverrides {
  readonly store?: DocumentStore;
  readonly clock?: Clock;
  /** Replaces the code sender (Twilio or the dev outbox). */
  readonly sender?: CodeSender;
  /** Root of the Twilio REST API instead of https://api.twilio.com (tests point it at a local stand-in). */
  readonly twilioApiBaseUrl?: string;
  /** Waits between security webhook attempts (tests make it instant). */
  readonly webhookSleep?: (ms: number) => Promise<void>;
  /** How often Direct Line streams look in the store for other instances' activities. */
  readonly directLineStreamPollMs?: number;
}

/** How long {@link Helpdesk.stop} waits for ticket notifications still being delivered. */
export const NOTIFICATION_DRAIN_MS = 5_000;

/** The assembled product. */
export interface Helpdesk {
  readonly http: HttpServer;
  readonly store: DocumentStore;
  readonly adapter: BotConnectorAdapter;
  /** The phone line: Twilio webhooks in, TwiML out, through the same bot. */
  readonly voiceAdapter: VoiceAdapter;
  readonly directory: Directory;
  readonly verification: Verification;
  readonly knowledge: KnowledgeNlu;
  /** Ratings of answers per knowledge entry (`npm run report:feedback`). */
  readonly feedback: FeedbackLog;
  /** Ticket lifecycle; dialogs open tickets through it, the agents' API serves it. */
  readonly tickets: TicketService;
  /** Helpdesk agents in Teams: queue, ticket cards, live chat relay, updates to the person. */
  readonly teamsAgents: TeamsAgents;
  /** The bot's own Direct Line for the web chat page: its adapter, conversation log and streams. */
  readonly directLine: DirectLine;
  /** Deletes old records as the retention settings say; runs every `RETENTION_SWEEP_MINUTES` once started. */
  readonly retention: RetentionSweeper;
  /** Creates the store's indexes, then starts listening on the configured port (or `port`), bound as the config requires. */
  start(port?: number): Promise<{ port: number; host: string }>;
  /** Graceful stop: no new requests, in-flight turns finish (bounded), the store is closed. */
  stop(graceMs?: number): Promise<void>;
}

/** Path of the embedded database inside the data directory. */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, 'helpdesk.sqlite');
}

/** The configured store: MongoDB when `MONGODB_URI` is set, else SQLite in the data directory. */
export async function createStore(config: Config, clock: Clock): Promise<DocumentStore> {
  if (!config.mongo) return new SqliteDocumentStore({ filename: sqlitePath(config.dataDir), now: () => clock.now() });
  // The MongoDB driver loads only when MongoDB is configured.
  const { MongoDocumentStore } = await import('./store/mongodb/mongoDocumentStore');
  return new MongoDocumentStore({ uri: config.mongo.uri, database: config.mongo.database, serverSelectionTimeoutMs: config.mongo.timeoutMs, now: () => clock.now() });
}

/**
 * The composition root: builds every adapter and service from the config and wires them
 * through constructors. No globals; tests call this with a temp data directory.
 */
export async function buildHelpdesk(config: Config, logger: Logger, overrides: CompositionOverrides = {}): Promise<Helpdesk> {
  const clock = overrides.clock ?? systemClock;
  const store = overrides.store ?? (await createStore(config, clock));
  const retention = new RetentionSweeper({ store, layout: STORE_LAYOUT, policy: config.retention, clock, logger });
  const storage = new DocumentBotStorage(store);
  const directory = await createDirectory(config, logger);
  const voiceRepeatUrl = config.publicBaseUrl ? `${config.publicBaseUrl}${VOICE_CODE_REPEAT_PATH}` : undefined;
  const securityWebhook = config.securityWebhookUrl ? new SecurityWebhookNotifier({ url: config.securityWebhookUrl, logger, sleep: overrides.webhookSleep }) : undefined;
  const verification = await createVerification({
    config,
    store,
    clock,
    logger,
    sender: overrides.sender,
    voiceRepeatUrl,
    publicBaseUrl: config.publicBaseUrl,
    twilioApiBaseUrl: overrides.twilioApiBaseUrl,
    alertSinks: securityWebhook ? [async (alert) => void (await securityWebhook.alertUnusualRate(alert))] : [],
  });
  const knowledge = await KnowledgeNlu.create({ modelCacheDir: defaultModelCacheDir() });
  logger.info({ entries: knowledge.entries.length, trainingMs: knowledge.trainingMs, models: knowledge.modelSource }, 'Knowledge base trained');
  prepareCardTemplates();

  // Services before the dialogs, so the dialogs can be given them.
  const notifiers: TicketNotifier[] = [];
  if (securityWebhook) notifiers.push(securityWebhook);
  const tickets = new TicketService({ store, logger, notifiers, now: () => new Date(clock.now()) });
  if (config.agentApiTokens.length === 0) logger.info('AGENT_API_TOKENS is not set: the agents API at /api/tickets answers 503');

  const callbacks = new CallbackVerification({
    tickets,
    directory,
    verification: verification.service,
    store,
    logger,
    now: () => clock.now(),
    available: verification.callbacksAvailable,
  });
  const transcripts = new TranscriptLog(store, clock);
  const floodGuard = new TicketFloodGuard({ budgets: new WindowBudgets(store, clock), limits: config.unverifiedTickets, audit: verification.audit, logger });

  const authOptions: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.microsoftApp.id ?? '',
    MicrosoftAppPassword: config.microsoftApp.password ?? '',
    MicrosoftAppTenantId: config.microsoftApp.tenantId ?? '',
    MicrosoftAppType: config.microsoftApp.type ?? (config.microsoftApp.id ? 'MultiTenant' : ''),
  };
  const adapter = new BotConnectorAdapter(new KeptClientsAuthentication(new ConfigurationBotFrameworkAuthentication(authOptions)));
  const botId = config.microsoftApp.id ?? 'mfa-helpdesk-bot';
  // The web chat page's channel: the bot's own Direct Line, with its conversations in the store.
  const directLineSignals = new ConversationSignals();
  const conversationLog = new ConversationLog(store, clock, directLineSignals);
  const directLine = createDirectLine({
    adapter: new DirectLineAdapter({ log: conversationLog, clock, bot: { id: botId, name: WEBCHAT_BOT_NAME } }),
    log: conversationLog,
    signals: directLineSignals,
    store,
    clock,
    logger,
    botId,
    tokenKeySecret: await resolveVerificationSecret({ secret: config.verification.secret, nodeEnv: config.nodeEnv, dataDir: config.dataDir, logger }),
    config: config.directLine,
    publicBaseUrl: config.publicBaseUrl,
    streamPollMs: overrides.directLineStreamPollMs,
  });
  // The phone line: Twilio webhooks in, TwiML out; a ticket opened in a call puts the caller through to a person.
  const whisperUrl = (ticketId?: string): string => voiceUrl(config.publicBaseUrl, VOICE_PATHS.whisper, ticketId ? { ticket: ticketId } : {});
  const voiceAdapter = new VoiceAdapter({
    botId,
    store,
    tickets,
    sessions: verification.sessions,
    transcripts,
    logger,
    gatherAction: voiceUrl(config.publicBaseUrl, VOICE_PATHS.gather),
    whisperUrl,
    helpdeskNumber: config.voice.helpdeskNumber,
    floodGuard,
  });
  tickets.addNotifier(voiceAdapter.ticketNotifier);
  /** Every turn, on every channel adapter, runs through the same middleware. */
  const useEverywhere = (middleware: Parameters<CloudAdapter['use']>[0]): void => {
    adapter.use(middleware);
    directLine.adapter.use(middleware);
    voiceAdapter.use(middleware);
  };
  // Traces never leave the bot (except to the Emulator): first, so later middleware never sees one.
  useEverywhere(traceFilterMiddleware());
  // Choices as the client can show them, each once.
  useEverywhere(replyPresentationMiddleware());
  useEverywhere(turnLoggerMiddleware(logger));
  useEverywhere(tenantGateMiddleware(config.allowedTenantIds, logger));
  if (config.allowedTenantIds.length === 0 && config.nodeEnv === 'production') {
    logger.warn('ALLOWED_TENANT_IDS is not set: Teams activities from any tenant are accepted');
  }
  useEverywhere(duplicateActivityMiddleware(store, logger));
  adapter.onTurnError = createTurnErrorHandler({ logger, storage });
  directLine.adapter.onTurnError = adapter.onTurnError;
  voiceAdapter.onTurnError = adapter.onTurnError;


  const teamsAgents = createTeamsAgents({
    store,
    tickets,
    // Proactive messages reach Teams and Azure channels through the Bot Connector, web chat pages through the store.
    adapter: directLine.routeProactive(adapter),
    botAppId: config.microsoftApp.id ?? '',
    logger,
    config: config.teams,
    now: () => new Date(clock.now()),
    callbacks,
  });

  // What a turn records besides its state is written with the state save, in the same commit.
  useEverywhere(turnWritesMiddleware());
  useEverywhere(transcriptMiddleware(transcripts, logger));
  const feedback = new FeedbackLog(store, clock);
  const mainDialog = new MainDialog({
    feedback,
    understanding: knowledge,
    services: { directory, verification: verification.service, lookups: verification.lookups, sessions: verification.sessions, clock, tickets, transcripts, floodGuard },
  });
  const app = createHelpdeskApplication({ storage, mainDialog, botAppId: config.microsoftApp.id, teamsAgents, feedback, logger });
  const voiceAuth = { publicBaseUrl: config.publicBaseUrl, authToken: config.twilio?.authToken, skipSignature: config.voice.skipSignature };
  const routes: RouteInstaller[] = [
    ticketsApiRoutes({ tickets, tokens: config.agentApiTokens, logger, now: () => new Date(clock.now()), callbacks }),
    pageRoutes({ path: AGENT_CONSOLE_PATH, dir: join(publicDir(), 'agent') }),
    ...directLine.routes(app),
  ];
  routes.push(
    webPagesRoute({
      logger,
      pages: { '/': 'index.html' },
      vendor: { '/assets/vendor/webchat.js': webChatBundlePath() },
      frameAncestors: config.webChat.frameAncestors,
      connectOrigins: config.directLine.azure ? [new URL(config.directLine.azure.endpoint).origin] : [],
    }),
  );
  routes.push(
    voiceRoutes({
      adapter: voiceAdapter,
      bot: app,
      auth: voiceAuth,
      tickets,
      logger,
      helpdeskNumber: config.voice.helpdeskNumber,
      whisperUrl,
    }),
  );
  routes.push(
    callbackRoutes({
      calls: verification.callbacks,
      verification: callbacks,
      adapter: voiceAdapter,
      bot: app,
      auth: voiceAuth,
      logger,
      helpdeskNumber: config.voice.helpdeskNumber,
      whisperUrl,
    }),
  );
  if (config.voice.skipSignature) logger.warn('VOICE_SKIP_SIGNATURE=true: phone-line webhooks are accepted WITHOUT checking X-Twilio-Signature');
  if (verification.outbox) routes.push(devOutboxRoute(verification.outbox));
  if (config.twilio && config.publicBaseUrl) {
    routes.push(voiceCodeRepeatRoute({ publicBaseUrl: config.publicBaseUrl, authToken: config.twilio.authToken, tokens: verification.repeatTokens, clock, logger }));
  }
  const http = createHttpServer({ adapter, bot: app, store, logger, botId, routes });
  directLine.attach(http.server.server);

  return {
    http,
    store,
    adapter,
    voiceAdapter,
    directory,
    verification,
    knowledge,
    feedback,
    tickets,
    teamsAgents,
    directLine,
    retention,
    async start(port = config.port) {
      await store.ping();
      await store.prepare(storeSchema(STORE_LAYOUT, config.retention));
      // Chats live before their conversations' chats were kept are noted, so the person's messages still find them.
      await teamsAgents.store.noteOpenChats();
      const host = config.unauthenticated ? '127.0.0.1' : '0.0.0.0';
      if (config.unauthenticated) {
        logger.warn(
          'MICROSOFT_APP_ID is not set: inbound activities are NOT authenticated, so the server listens on 127.0.0.1 only',
        );
      }
      const bound = await http.listen(port, host);
      logger.info({ port: bound, host }, 'MFA helpdesk bot listening');
      retention.start(config.retention.sweepMinutes * 60_000);
      return { port: bound, host };
    },
    async stop(graceMs?: number) {
      directLine.closeStreams();
      await http.close(graceMs);
      await retention.stop();
      if (!(await tickets.whenIdle(NOTIFICATION_DRAIN_MS))) logger.warn('stopping with ticket notifications still in flight');
      if (!(await verification.alarm.whenIdle(NOTIFICATION_DRAIN_MS))) logger.warn('stopping with security alerts still in flight');
      await store.close();
    },
  };
}
