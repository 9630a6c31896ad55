import { z } from 'zod';

/** Shortest bearer token accepted in `AGENT_API_TOKENS`. */
export const MIN_AGENT_TOKEN_LENGTH = 24;

/** Log levels understood by pino, plus `silent`. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Treats an empty string as "not set", so `FOO=` in a .env file means the default. */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

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
  AGENT_API_TOKENS: optionalString.transform((v, ctx) => {
    if (v === undefined) return [] as string[];
    const tokens = v.split(',').map((t) => t.trim());
    tokens.forEach((t, i) => {
      // Never echo a token back: the message names its position and length only.
      if (t.length < MIN_AGENT_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(t)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `expects comma-separated bearer tokens of at least ${MIN_AGENT_TOKEN_LENGTH} printable characters without spaces each; token ${i + 1} of ${tokens.length} ${t.length < MIN_AGENT_TOKEN_LENGTH ? `has ${t.length} characters` : 'contains spaces or non-printable characters'}`,
        });
      }
    });
    return tokens;
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
});

/** Validated runtime settings of the bot. */
export interface Config {
  readonly port: number;
  readonly dataDir: string;
  /** MongoDB settings; when absent the embedded SQLite store in `dataDir` is used. */
  readonly mongo?: { readonly uri: string; readonly database?: string };
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
  /** Bearer tokens accepted by the agents' REST API; empty means the API is disabled (503). */
  readonly agentApiTokens: readonly string[];
  /** Where new P1 tickets are POSTed for the security team; absent means no webhook. */
  readonly securityWebhookUrl?: string;
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
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const v = result.data;
  return {
    port: v.PORT,
    dataDir: v.DATA_DIR,
    mongo: v.MONGODB_URI ? { uri: v.MONGODB_URI, database: v.MONGODB_DATABASE } : undefined,
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    microsoftApp: {
      id: v.MICROSOFT_APP_ID,
      password: v.MICROSOFT_APP_PASSWORD,
      tenantId: v.MICROSOFT_APP_TENANT_ID,
      type: v.MICROSOFT_APP_TYPE,
    },
    unauthenticated: !v.MICROSOFT_APP_ID,
    agentApiTokens: v.AGENT_API_TOKENS,
    securityWebhookUrl: v.SECURITY_WEBHOOK_URL,
  };
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
  return problems;
}
