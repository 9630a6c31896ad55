import { z } from 'zod';

/** Shortest bearer token accepted in `AGENT_API_TOKENS`. */
export const MIN_AGENT_TOKEN_LENGTH = 24;

/** One agent API token and the agent it belongs to. */
export interface AgentToken {
  /** Recorded as the actor of everything done with the token: the name before `:`, or `agent-N` for a plain token (N = its position in the list). */
  readonly name: string;
  readonly token: string;
}

/**
 * True for an agent name of 1 to 64 letters, digits, spaces and `. _ @ ' -`, starting with a
 * letter or digit. Format characters (zero-width, bidi controls) and control characters are refused,
 * so a name cannot pose as another one.
 */
export function isAgentName(name: string): boolean {
  return /^[\p{L}\p{N}][\p{L}\p{M}\p{N} ._@'-]{0,63}$/u.test(name) && !/\p{Cf}|\p{Cc}/u.test(name);
}

/** Log levels understood by pino, plus `silent`. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Treats an empty string as "not set", so `FOO=` in a .env file means the default. */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** An optional whole number with a default and bounds, reported in one message. */
function wholeNumber(defaultValue: number, min: number, max: number) {
  const message = `expects a whole number from ${min} to ${max}`;
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(defaultValue) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, message).transform(Number).pipe(z.number().int().min(min, message).max(max, message)));
}

/** An optional comma-separated list of whole numbers, each within bounds, increasing; one message for any problem. */
function wholeNumberList(defaultValue: readonly number[], min: number, max: number, maxItems: number) {
  const message = `expects 1 to ${maxItems} comma-separated whole numbers from ${min} to ${max}, each at least the one before`;
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [...defaultValue];
      const items = v.split(',').map((x) => x.trim());
      const numbers = items.map(Number);
      const valid =
        items.length <= maxItems &&
        items.every((x) => /^\d+$/.test(x)) &&
        numbers.every((n, i) => n >= min && n <= max && (i === 0 || n >= numbers[i - 1]));
      if (!valid) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return numbers;
    });
}

const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A Teams team: its thread id (`19:…@thread.tacv2`, as in `channelData.team.id`) or its Microsoft 365 group id (a GUID). */
const TEAM_ID_PATTERN = /^(19:[^\s@]{1,200}@thread\.[a-z0-9.]{1,20}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
const TEAM_ID_MESSAGE = 'expects a Teams team id such as 19:abc…@thread.tacv2, or the team\'s group id (a GUID)';
const E164_PATTERN = /^\+[1-9]\d{7,14}$/;
/** Azure's global Direct Line endpoint. */
export const AZURE_DIRECT_LINE_ENDPOINT = 'https://directline.botframework.com/v3/directline';
/** A `frame-ancestors` source: 'self', 'none', or an http(s) origin, optionally with a `*.` subdomain wildcard. */
const FRAME_SOURCE_PATTERN = /^('self'|'none'|https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?)$/;

const schema = z.object({
  PORT: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '3978' : v.trim()))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, 'expects a whole number from 0 to 65535')
        .transform(Number)
        .pipe(z.number().int().min(0, 'expects a whole number from 0 to 65535').max(65535, 'expects a whole number from 0 to 65535')),
    ),
  DATA_DIR: optionalString.transform((v) => v ?? './data'),
  MICROSOFT_APP_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F-]{36}$/, 'expects the bot\'s Microsoft App ID, a GUID such as 00000000-0000-0000-0000-000000000000')
      .optional(),
  ),
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString.pipe(
    z.string().regex(/^[0-9a-fA-F-]{36}$/, 'expects the Entra tenant ID, a GUID').optional(),
  ),
  MICROSOFT_APP_TYPE: optionalString.pipe(
    z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        errorMap: () => ({ message: 'expects one of MultiTenant, SingleTenant, UserAssignedMSI' }),
      })
      .optional(),
  ),
  MONGODB_URI: optionalString.pipe(
    z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'expects a MongoDB connection string starting with mongodb:// or mongodb+srv://')
      .optional(),
  ),
  MONGODB_DATABASE: optionalString.pipe(
    z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'expects a database name of letters, digits, - and _').optional(),
  ),
  MONGODB_TIMEOUT_MS: wholeNumber(5000, 200, 60_000),
  RETENTION_DAYS: wholeNumber(30, 1, 3650),
  TICKET_RETENTION_DAYS: wholeNumber(730, 1, 36_500),
  AUDIT_RETENTION_DAYS: wholeNumber(2190, 1, 36_500),
  RETENTION_MAX_CONVERSATIONS: wholeNumber(100_000, 10, 100_000_000),
  RETENTION_SWEEP_MINUTES: wholeNumber(60, 1, 1440),
  NODE_ENV: optionalString.pipe(
    z
      .enum(['development', 'production', 'test'], {
        errorMap: () => ({ message: 'expects one of development, production, test' }),
      })
      .default('development'),
  ),
  LOG_LEVEL: optionalString.pipe(
    z
      .enum(LOG_LEVELS, { errorMap: () => ({ message: `expects one of ${LOG_LEVELS.join(', ')}` }) })
      .default('info'),
  ),
  DIRECTORY_FILE: optionalString,
  GRAPH_TENANT_ID: optionalString.pipe(z.string().regex(GUID_PATTERN, 'expects the Entra tenant ID, a GUID').optional()),
  GRAPH_CLIENT_ID: optionalString.pipe(z.string().regex(GUID_PATTERN, 'expects the application (client) ID of the Graph app registration, a GUID').optional()),
  GRAPH_CLIENT_SECRET: optionalString,
  VERIFICATION_SECRET: optionalString.pipe(z.string().min(32, 'expects at least 32 characters (e.g. `openssl rand -base64 48`)').optional()),
  VERIFICATION_TTL_SECONDS: wholeNumber(300, 60, 600),
  VERIFICATION_MAX_SENDS_PER_HOUR: wholeNumber(500, 1, 1_000_000),
  VERIFICATION_TEAMS_RESERVE_PER_HOUR: optionalString.pipe(z.string().regex(/^\d+$/, 'expects a whole number from 0 to 1000000').transform(Number).pipe(z.number().int().max(1_000_000, 'expects a whole number from 0 to 1000000')).optional()),
  VERIFICATION_WEBCHAT_SENDS_PER_HOUR: wholeNumber(300, 1, 1_000_000),
  VERIFICATION_VOICE_SENDS_PER_HOUR: wholeNumber(150, 1, 1_000_000),
  VERIFICATION_SENDS_PER_SOURCE_PER_HOUR: wholeNumber(10, 1, 10_000),
  VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR: wholeNumber(100, 1, 1_000_000),
  VERIFICATION_SENDS_PER_NUMBER_PER_DAY: wholeNumber(10, 1, 1000),
  VERIFICATION_ALERT_INTERVAL_MINUTES: wholeNumber(15, 1, 1440),
  VERIFICATION_FAILURES_BEFORE_BACKOFF: wholeNumber(10, 1, 100),
  VERIFICATION_BACKOFF_MINUTES: wholeNumberList([1, 5, 15, 60, 240], 1, 10_080, 20),
  VERIFICATION_NOTICE_INTERVAL_MINUTES: wholeNumber(1440, 1, 43_200),
  UNVERIFIED_TICKETS_PER_CONVERSATION: wholeNumber(3, 1, 1_000),
  UNVERIFIED_TICKETS_PER_REQUESTER: wholeNumber(3, 1, 1_000),
  UNVERIFIED_TICKETS_PER_SOURCE: wholeNumber(5, 1, 10_000),
  UNVERIFIED_TICKETS_PER_ADDRESS: wholeNumber(60, 1, 100_000),
  UNVERIFIED_TICKETS_PER_HOUR: wholeNumber(300, 1, 1_000_000),
  TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expects a Twilio Account SID: AC followed by 32 hexadecimal characters').optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM_NUMBER: optionalString.pipe(z.string().regex(E164_PATTERN, 'expects an E.164 phone number such as +447700900123').optional()),
  PUBLIC_BASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'expects the public http(s) base URL of the bot, e.g. https://bot.example.org')
      .optional(),
  ),
  VOICE_SKIP_SIGNATURE: optionalString.pipe(
    z
      .enum(['true', 'false'], { errorMap: () => ({ message: 'expects true or false' }) })
      .default('false')
      .transform((v) => v === 'true'),
  ),
  HELPDESK_PHONE_NUMBER: optionalString.pipe(z.string().regex(E164_PATTERN, 'expects an E.164 phone number such as +443332001133').optional()),
  AGENT_API_TOKENS: optionalString.transform((v, ctx) => {
    if (v === undefined) return [] as AgentToken[];
    const entries = v.split(',').map((t) => t.trim());
    const agents: AgentToken[] = [];
    entries.forEach((entry, i) => {
      const problem = (detail: string) =>
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `expects comma-separated entries "name:token" or "token", each token at least ${MIN_AGENT_TOKEN_LENGTH} printable characters without spaces; entry ${i + 1} of ${entries.length} ${detail}`,
        });
      const colon = entry.indexOf(':');
      const name = colon >= 0 ? entry.slice(0, colon).trim() : `agent-${i + 1}`;
      const token = colon >= 0 ? entry.slice(colon + 1).trim() : entry;
      // Never echo a token back: a message names the entry's position and the token's length only.
      if (colon >= 0 && !isAgentName(name)) problem(`has a name that is not 1 to 64 letters, digits, spaces or . _ @ ' - (format characters such as zero-width or bidi marks are refused)`);
      if (token.length < MIN_AGENT_TOKEN_LENGTH) problem(`has a token of ${token.length} characters`);
      else if (!/^[\x21-\x7e]+$/.test(token)) problem('has a token with spaces or non-printable characters');
      else agents.push({ name, token });
    });
    const seenNames = new Set<string>();
    const seenTokens = new Set<string>();
    for (const a of agents) {
      if (seenNames.has(a.name.toLowerCase())) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `names the agent "${a.name}" twice; each agent needs one name of its own` });
      if (seenTokens.has(a.token)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'lists one token twice; each token belongs to one agent' });
      seenNames.add(a.name.toLowerCase());
      seenTokens.add(a.token);
    }
    return agents;
  }),
  SECURITY_WEBHOOK_URL: optionalString.pipe(
    z
      .string()
      .refine((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
        } catch {
          return false;
        }
      }, 'expects an http:// or https:// URL')
      .optional(),
  ),
  HELPDESK_TEAM_ID: optionalString.pipe(z.string().regex(TEAM_ID_PATTERN, TEAM_ID_MESSAGE).optional()),
  SECURITY_TEAM_ID: optionalString.pipe(z.string().regex(TEAM_ID_PATTERN, TEAM_ID_MESSAGE).optional()),
  DIRECT_LINE_TOKEN_TTL_SECONDS: wholeNumber(1800, 60, 86_400),
  DIRECT_LINE_MAX_ACTIVITIES_PER_MINUTE: wholeNumber(30, 1, 10_000),
  DIRECT_LINE_SECRET: optionalString.pipe(z.string().regex(/^[\x21-\x7e]{20,}$/, 'expects the Direct Line channel secret key (at least 20 printable characters without spaces)').optional()),
  DIRECT_LINE_ENDPOINT: optionalString.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+\/v3\/directline$/, 'expects a Direct Line base URL ending in /v3/directline, e.g. https://europe.directline.botframework.com/v3/directline')
      .default(AZURE_DIRECT_LINE_ENDPOINT),
  ),
  WEBCHAT_FRAME_ANCESTORS: optionalString.transform((v, ctx) => {
    // `self` and `none` are accepted without their quotes too, which .env files strip.
    const sources = (v ?? "'self'")
      .split(/\s+/)
      .filter(Boolean)
      .map((source) => (source === 'self' || source === 'none' ? `'${source}'` : source));
    for (const source of sources) {
      if (!FRAME_SOURCE_PATTERN.test(source)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expects a space-separated list of 'self', 'none' or origins such as https://intranet.example.nhs.uk; "${source}" is none of these` });
      }
    }
    if (sources.includes("'none'") && sources.length > 1) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "'none' cannot be combined with other sources" });
    return sources;
  }),
  ALLOWED_TENANT_IDS: optionalString.transform((v, ctx) => {
    if (v === undefined) return [] as string[];
    const ids = v.split(',').map((t) => t.trim());
    ids.forEach((id, i) => {
      if (!GUID_PATTERN.test(id)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expects comma-separated Entra tenant ids (GUIDs); entry ${i + 1} of ${ids.length} is not a GUID` });
      }
    });
    return ids.map((id) => id.toLowerCase());
  }),
  HANDOFF_TO_HUB: optionalString.pipe(
    z
      .enum(['true', 'false'], { errorMap: () => ({ message: 'expects true or false' }) })
      .default('false')
      .transform((v) => v === 'true'),
  ),
});

/** Validated runtime settings of the bot. */
export interface Config {
  readonly port: number;
  readonly dataDir: string;
  /** MongoDB settings; when absent the embedded SQLite store in `dataDir` is used. */
  readonly mongo?: { readonly uri: string; readonly database?: string; readonly timeoutMs: number };
  /** How long records are kept after their last write, and how often old ones are deleted. */
  readonly retention: {
    readonly conversationDays: number;
    readonly ticketDays: number;
    readonly auditDays: number;
    readonly maxConversations: number;
    readonly sweepMinutes: number;
  };
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly microsoftApp: {
    readonly id?: string;
    readonly password?: string;
    readonly tenantId?: string;
    readonly type?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  };
  /** True when no Microsoft App ID is set: inbound activities are not authenticated. */
  readonly unauthenticated: boolean;
  /** Where people and their MFA methods come from: Microsoft Graph when set, else a JSON file. */
  readonly directory: {
    /** `DIRECTORY_FILE`; the shipped sample when neither this nor Graph is set. */
    readonly file?: string;
    readonly graph?: { readonly tenantId: string; readonly clientId: string; readonly clientSecret: string };
  };
  readonly verification: {
    /** HMAC key for codes; generated into DATA_DIR in development when not set. */
    readonly secret?: string;
    readonly ttlSeconds: number;
    readonly maxSendsPerHour: number;
    /** Part of the hourly budget kept for Teams users and agents: web chat and phone requests stop short of it. */
    readonly teamsReservePerHour: number;
    /** Codes asked for from web chat, per hour. */
    readonly webchatSendsPerHour: number;
    /** Codes asked for on the phone line, per hour. */
    readonly voiceSendsPerHour: number;
    /** Codes asked for by one source (a Teams user, a caller, a web chat user), per hour. */
    readonly sendsPerSourcePerHour: number;
    /** Codes asked for from one client address of the web chat page, per hour. */
    readonly sendsPerAddressPerHour: number;
    /** Codes sent to one phone number in a day (sliding window). */
    readonly sendsPerNumberPerDay: number;
    /** At most one unusual-rate alert per budget in this many minutes. */
    readonly alertIntervalMinutes: number;
    /** Wrong codes that pause self-service, per person (outsiders and the person's own Teams chat apart) and per requester. */
    readonly failuresBeforeBackoff: number;
    /** Lengths of the successive pauses, in minutes; the last one repeats. */
    readonly backoffMinutes: readonly number[];
    /** At most one text per person about wrong codes typed as them, in this many minutes. */
    readonly noticeIntervalMinutes: number;
  };
  /** Budgets of tickets opened without proof of identity (see `UnverifiedTicketLimits`). */
  readonly unverifiedTickets: {
    readonly perConversation: number;
    readonly perRequester: number;
    readonly perSource: number;
    readonly perAddress: number;
    readonly overall: number;
  };
  /** Twilio credentials; when absent (development only) codes go to the in-memory dev outbox. */
  readonly twilio?: { readonly accountSid: string; readonly authToken: string; readonly fromNumber: string };
  /** Public base URL of the bot (for Twilio callbacks), without a trailing slash. */
  readonly publicBaseUrl?: string;
  /** The phone line (Twilio webhooks under `/api/voice`). */
  readonly voice: {
    /** Accept webhooks without checking `X-Twilio-Signature` (local use only; refused in production). */
    readonly skipSignature: boolean;
    /** Where callers are transferred to a person (E.164); absent means the helpdesk calls back instead. */
    readonly helpdeskNumber?: string;
  };
  /** Bearer tokens accepted by the agents' REST API, each with its agent; empty means the API is disabled (503). */
  readonly agentApiTokens: readonly AgentToken[];
  /** Where new P1 tickets are POSTed for the security team; absent means no webhook. */
  readonly securityWebhookUrl?: string;
  /** Helpdesk agents in Teams. */
  readonly teams: {
    /** The only team whose channel may become the helpdesk queue; absent means the team the bot is installed in. */
    readonly helpdeskTeamId?: string;
    /** Team whose channel also gets P1 tickets, once the bot is installed there. */
    readonly securityTeamId?: string;
    /** Also send `handoff.initiate` to an agent hub when an agent takes over a chat, on channels that support it. */
    readonly handoffToHub: boolean;
  };
  /** The bot's own Direct Line for the web chat page, or Azure's. */
  readonly directLine: {
    /** Lifetime of a Direct Line token, in seconds. */
    readonly tokenTtlSeconds: number;
    /** Activities one user may post per minute. */
    readonly maxActivitiesPerMinute: number;
    /** Azure Direct Line; when set, the page gets its tokens from Azure and talks to Azure. */
    readonly azure?: { readonly secret: string; readonly endpoint: string };
  };
  /** The web chat page at `/`. */
  readonly webChat: {
    /** The `frame-ancestors` sources: who may embed the page. */
    readonly frameAncestors: readonly string[];
  };
  /** `ALLOWED_TENANT_IDS` in lower case: Teams activities from any other tenant are refused. Empty: any tenant. */
  readonly allowedTenantIds: readonly string[];
}

/** One problem with one environment variable. */
export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** Thrown by {@link loadConfig} with every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the settings from environment variables.
 * @throws ConfigError listing every invalid or missing variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  const problems: ConfigProblem[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      }));
  problems.push(...crossFieldProblems(env));
  if (result.success) problems.push(...retentionProblems(result.data), ...sendBudgetProblems(result.data));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const v = result.data;
  return {
    port: v.PORT,
    dataDir: v.DATA_DIR,
    mongo: v.MONGODB_URI ? { uri: v.MONGODB_URI, database: v.MONGODB_DATABASE, timeoutMs: v.MONGODB_TIMEOUT_MS } : undefined,
    retention: {
      conversationDays: v.RETENTION_DAYS,
      ticketDays: v.TICKET_RETENTION_DAYS,
      auditDays: v.AUDIT_RETENTION_DAYS,
      maxConversations: v.RETENTION_MAX_CONVERSATIONS,
      sweepMinutes: v.RETENTION_SWEEP_MINUTES,
    },
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    microsoftApp: {
      id: v.MICROSOFT_APP_ID,
      password: v.MICROSOFT_APP_PASSWORD,
      tenantId: v.MICROSOFT_APP_TENANT_ID,
      type: v.MICROSOFT_APP_TYPE,
    },
    unauthenticated: !v.MICROSOFT_APP_ID,
    directory: {
      file: v.DIRECTORY_FILE,
      graph:
        v.GRAPH_TENANT_ID && v.GRAPH_CLIENT_ID && v.GRAPH_CLIENT_SECRET
          ? { tenantId: v.GRAPH_TENANT_ID, clientId: v.GRAPH_CLIENT_ID, clientSecret: v.GRAPH_CLIENT_SECRET }
          : undefined,
    },
    verification: {
      secret: v.VERIFICATION_SECRET,
      ttlSeconds: v.VERIFICATION_TTL_SECONDS,
      maxSendsPerHour: v.VERIFICATION_MAX_SENDS_PER_HOUR,
      teamsReservePerHour: teamsReserveOf(v),
      webchatSendsPerHour: v.VERIFICATION_WEBCHAT_SENDS_PER_HOUR,
      voiceSendsPerHour: v.VERIFICATION_VOICE_SENDS_PER_HOUR,
      sendsPerSourcePerHour: v.VERIFICATION_SENDS_PER_SOURCE_PER_HOUR,
      sendsPerAddressPerHour: v.VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR,
      sendsPerNumberPerDay: v.VERIFICATION_SENDS_PER_NUMBER_PER_DAY,
      alertIntervalMinutes: v.VERIFICATION_ALERT_INTERVAL_MINUTES,
      failuresBeforeBackoff: v.VERIFICATION_FAILURES_BEFORE_BACKOFF,
      backoffMinutes: v.VERIFICATION_BACKOFF_MINUTES,
      noticeIntervalMinutes: v.VERIFICATION_NOTICE_INTERVAL_MINUTES,
    },
    unverifiedTickets: {
      perConversation: v.UNVERIFIED_TICKETS_PER_CONVERSATION,
      perRequester: v.UNVERIFIED_TICKETS_PER_REQUESTER,
      perSource: v.UNVERIFIED_TICKETS_PER_SOURCE,
      perAddress: v.UNVERIFIED_TICKETS_PER_ADDRESS,
      overall: v.UNVERIFIED_TICKETS_PER_HOUR,
    },
    twilio:
      v.TWILIO_ACCOUNT_SID && v.TWILIO_AUTH_TOKEN && v.TWILIO_FROM_NUMBER
        ? { accountSid: v.TWILIO_ACCOUNT_SID, authToken: v.TWILIO_AUTH_TOKEN, fromNumber: v.TWILIO_FROM_NUMBER }
        : undefined,
    publicBaseUrl: v.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    voice: { skipSignature: v.VOICE_SKIP_SIGNATURE, helpdeskNumber: v.HELPDESK_PHONE_NUMBER },
    agentApiTokens: v.AGENT_API_TOKENS,
    securityWebhookUrl: v.SECURITY_WEBHOOK_URL,
    teams: { helpdeskTeamId: v.HELPDESK_TEAM_ID, securityTeamId: v.SECURITY_TEAM_ID, handoffToHub: v.HANDOFF_TO_HUB },
    directLine: {
      tokenTtlSeconds: v.DIRECT_LINE_TOKEN_TTL_SECONDS,
      maxActivitiesPerMinute: v.DIRECT_LINE_MAX_ACTIVITIES_PER_MINUTE,
      azure: v.DIRECT_LINE_SECRET ? { secret: v.DIRECT_LINE_SECRET, endpoint: v.DIRECT_LINE_ENDPOINT } : undefined,
    },
    webChat: { frameAncestors: v.WEBCHAT_FRAME_ANCESTORS },
    allowedTenantIds: v.ALLOWED_TENANT_IDS,
  };
}

/** Tickets and the audit log are kept at least as long as conversation records. */
function retentionProblems(v: { RETENTION_DAYS: number; TICKET_RETENTION_DAYS: number; AUDIT_RETENTION_DAYS: number }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const variable of ['TICKET_RETENTION_DAYS', 'AUDIT_RETENTION_DAYS'] as const) {
    if (v[variable] < v.RETENTION_DAYS) {
      problems.push({ variable, message: `expects at least RETENTION_DAYS (${v.RETENTION_DAYS}): tickets and the audit log are kept longer than conversations` });
    }
  }
  return problems;
}

type SendBudgetVariables = { VERIFICATION_MAX_SENDS_PER_HOUR: number; VERIFICATION_TEAMS_RESERVE_PER_HOUR?: number };

/** The reserve for Teams: as set, or a tenth of the whole hourly budget (50 of the default 500). */
function teamsReserveOf(v: SendBudgetVariables): number {
  return v.VERIFICATION_TEAMS_RESERVE_PER_HOUR ?? Math.floor(v.VERIFICATION_MAX_SENDS_PER_HOUR / 10);
}

/** The reserve for Teams is a part of the whole hourly budget, so it must leave some for everyone else. */
function sendBudgetProblems(v: SendBudgetVariables): ConfigProblem[] {
  if (teamsReserveOf(v) < v.VERIFICATION_MAX_SENDS_PER_HOUR) return [];
  return [{ variable: 'VERIFICATION_TEAMS_RESERVE_PER_HOUR', message: `expects less than VERIFICATION_MAX_SENDS_PER_HOUR (${v.VERIFICATION_MAX_SENDS_PER_HOUR}): the reserve is part of that budget` }];
}

/** Reports the variables of a group that must be set together when only some are. */
function allOrNone(names: readonly string[], get: (name: string) => string | undefined, what: string): ConfigProblem[] {
  const set = names.filter((n) => get(n) !== undefined);
  if (set.length === 0 || set.length === names.length) return [];
  return names
    .filter((n) => get(n) === undefined)
    .map((variable) => ({ variable, message: `is required because ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set (${what} needs all of ${names.join(', ')})` }));
}

/** Checks that span several variables; run on the raw values so they are reported with the rest. */
function crossFieldProblems(env: NodeJS.ProcessEnv): ConfigProblem[] {
  const get = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const appId = get('MICROSOFT_APP_ID');
  const appType = get('MICROSOFT_APP_TYPE');
  const problems: ConfigProblem[] = [];
  if (appId && !get('MICROSOFT_APP_PASSWORD') && appType !== 'UserAssignedMSI') {
    problems.push({
      variable: 'MICROSOFT_APP_PASSWORD',
      message: 'expects the client secret of MICROSOFT_APP_ID (required unless MICROSOFT_APP_TYPE is UserAssignedMSI)',
    });
  }
  if (appType === 'SingleTenant' && !get('MICROSOFT_APP_TENANT_ID')) {
    problems.push({ variable: 'MICROSOFT_APP_TENANT_ID', message: 'expects the tenant GUID when MICROSOFT_APP_TYPE is SingleTenant' });
  }
  if (!appId && (get('MICROSOFT_APP_PASSWORD') || get('MICROSOFT_APP_TENANT_ID'))) {
    problems.push({ variable: 'MICROSOFT_APP_ID', message: "expects the bot's App ID when a password or tenant is set" });
  }
  if (get('NODE_ENV') === 'production' && !appId) {
    problems.push({ variable: 'MICROSOFT_APP_ID', message: 'is required when NODE_ENV is production (inbound activities must be authenticated)' });
  }
  const helpdeskTeam = get('HELPDESK_TEAM_ID');
  if (helpdeskTeam && helpdeskTeam.toLowerCase() === get('SECURITY_TEAM_ID')?.toLowerCase()) {
    problems.push({ variable: 'SECURITY_TEAM_ID', message: 'must name a different team than HELPDESK_TEAM_ID' });
  }
  const graphVars = ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'] as const;
  const twilioVars = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const;
  problems.push(...allOrNone(graphVars, get, 'the Microsoft Graph directory'));
  problems.push(...allOrNone(twilioVars, get, 'sending codes with Twilio'));
  const anyGraph = graphVars.some((n) => get(n) !== undefined);
  if (anyGraph && get('DIRECTORY_FILE')) {
    problems.push({ variable: 'DIRECTORY_FILE', message: 'must not be set together with the GRAPH_* variables; choose one directory' });
  }
  const anyTwilio = twilioVars.some((n) => get(n) !== undefined);
  const nodeEnv = get('NODE_ENV') ?? 'development';
  if (!anyTwilio && (nodeEnv === 'test' || (nodeEnv === 'development' && (appId || anyGraph)))) {
    // The dev outbox serves live codes over HTTP: only a local, unauthenticated development set-up with the sample or a file directory may use it.
    const why = nodeEnv !== 'development' ? `NODE_ENV is ${nodeEnv}` : appId ? 'MICROSOFT_APP_ID is set' : 'the GRAPH_* variables are set';
    for (const name of twilioVars) {
      problems.push({ variable: name, message: `is required because ${why} (the dev outbox is only for NODE_ENV=development without an App ID or Graph)` });
    }
  }
  if (get('NODE_ENV') === 'production') {
    if (!get('VERIFICATION_SECRET')) {
      problems.push({ variable: 'VERIFICATION_SECRET', message: 'is required when NODE_ENV is production (at least 32 random characters)' });
    }
    for (const name of anyTwilio ? [] : twilioVars) {
      problems.push({ variable: name, message: 'is required when NODE_ENV is production (codes are sent with Twilio)' });
    }
    if (get('VOICE_SKIP_SIGNATURE') === 'true') {
      problems.push({ variable: 'VOICE_SKIP_SIGNATURE', message: 'must not be true when NODE_ENV is production (every Twilio webhook must be signed)' });
    }
    if (!helpdeskTeam) {
      problems.push({ variable: 'HELPDESK_TEAM_ID', message: 'is required when NODE_ENV is production (otherwise no team can hold the helpdesk queue)' });
    }
    if (!anyGraph && !get('DIRECTORY_FILE')) {
      problems.push({ variable: 'DIRECTORY_FILE', message: 'or the GRAPH_* variables are required when NODE_ENV is production (the sample directory is for development only)' });
    }
  }
  return problems;
}
