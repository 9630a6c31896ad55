import { ConfigError, loadConfig } from '../../src/config';

function problemsOf(env: NodeJS.ProcessEnv): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const APP_ID = '11111111-2222-3333-4444-555555555555';

describe('loadConfig', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3978, dataDir: './data', nodeEnv: 'development', logLevel: 'info', unauthenticated: true });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATA_DIR: ' ', LOG_LEVEL: '' })).toMatchObject({ port: 3978, dataDir: './data', logLevel: 'info' });
  });

  it('reads a full authenticated configuration', () => {
    const c = loadConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/helpdesk',
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'secret',
      MICROSOFT_APP_TYPE: 'SingleTenant',
      MICROSOFT_APP_TENANT_ID: APP_ID,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      VERIFICATION_SECRET: 'v'.repeat(40),
      TWILIO_ACCOUNT_SID: `AC${'ab'.repeat(16)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM_NUMBER: '+447700900000',
      DIRECTORY_FILE: '/etc/helpdesk/people.json',
      HELPDESK_TEAM_ID: '19:helpdesk@thread.tacv2',
    });
    expect(c).toMatchObject({ port: 8080, unauthenticated: false, nodeEnv: 'production', microsoftApp: { id: APP_ID, type: 'SingleTenant' } });
  });

  it.each([
    ['PORT', 'abc', /whole number from 0 to 65535/],
    ['PORT', '70000', /whole number from 0 to 65535/],
    ['PORT', '-1', /whole number/],
    ['MICROSOFT_APP_ID', 'not-a-guid', /GUID/],
    ['MICROSOFT_APP_TYPE', 'Sometimes', /MultiTenant, SingleTenant, UserAssignedMSI/],
    ['NODE_ENV', 'staging', /development, production, test/],
    ['LOG_LEVEL', 'loud', /fatal, error, warn, info, debug, trace, silent/],
    ['MICROSOFT_APP_TENANT_ID', 'tenant', /GUID/],
  ])('rejects %s=%s with a clear message', (variable, value, message) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems).toContainEqual({ variable, message: expect.stringMatching(message) });
  });

  it('reads the retention settings, with their defaults', () => {
    expect(loadConfig({}).retention).toEqual({ conversationDays: 30, ticketDays: 730, auditDays: 2190, maxConversations: 100_000, sweepMinutes: 60 });
    expect(loadConfig({ RETENTION_DAYS: '7', TICKET_RETENTION_DAYS: '90', AUDIT_RETENTION_DAYS: '400', RETENTION_MAX_CONVERSATIONS: '5000', RETENTION_SWEEP_MINUTES: '15' }).retention).toEqual({
      conversationDays: 7,
      ticketDays: 90,
      auditDays: 400,
      maxConversations: 5000,
      sweepMinutes: 15,
    });
    expect(loadConfig({ MONGODB_URI: 'mongodb://db.example.org/helpdesk', MONGODB_TIMEOUT_MS: '2500' }).mongo).toEqual({ uri: 'mongodb://db.example.org/helpdesk', database: undefined, timeoutMs: 2500 });
  });

  it('keeps tickets and the audit log at least as long as conversations, and reports every bad retention value', () => {
    expect(problemsOf({ RETENTION_DAYS: '60', TICKET_RETENTION_DAYS: '30', AUDIT_RETENTION_DAYS: '59' })).toEqual([
      { variable: 'TICKET_RETENTION_DAYS', message: expect.stringMatching(/at least RETENTION_DAYS \(60\)/) },
      { variable: 'AUDIT_RETENTION_DAYS', message: expect.stringMatching(/at least RETENTION_DAYS \(60\)/) },
    ]);
    expect(problemsOf({ RETENTION_DAYS: '0', RETENTION_MAX_CONVERSATIONS: '5', RETENTION_SWEEP_MINUTES: 'often', MONGODB_TIMEOUT_MS: '10' }).map((p) => p.variable)).toEqual([
      'MONGODB_TIMEOUT_MS',
      'RETENTION_DAYS',
      'RETENTION_MAX_CONVERSATIONS',
      'RETENTION_SWEEP_MINUTES',
    ]);
  });

  it('requires the password when an App ID is set', () => {
    expect(problemsOf({ MICROSOFT_APP_ID: APP_ID })).toContainEqual({ variable: 'MICROSOFT_APP_PASSWORD', message: expect.stringMatching(/client secret/) });
  });

  it('requires authentication in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContainEqual({ variable: 'MICROSOFT_APP_ID', message: expect.stringMatching(/required when NODE_ENV is production/) });
  });

  it('reports every problem together, each naming its variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', NODE_ENV: 'staging', MICROSOFT_APP_TYPE: 'SingleTenant' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = error?.problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['LOG_LEVEL', 'MICROSOFT_APP_TENANT_ID', 'NODE_ENV', 'PORT']);
    expect(error?.message).toMatch(/^Invalid configuration \(4 problems\):/);
    for (const v of variables ?? []) expect(error?.message).toContain(`- ${v}: `);
  });
});

describe('loadConfig: MongoDB', () => {
  it('selects MongoDB when MONGODB_URI is set', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb+srv://user:pw@cluster.example.net/helpdesk' }).mongo).toEqual({
      uri: 'mongodb+srv://user:pw@cluster.example.net/helpdesk',
      database: undefined,
      timeoutMs: 5000,
    });
    expect(loadConfig({}).mongo).toBeUndefined();
  });

  it('rejects a connection string of another scheme', () => {
    expect(problemsOf({ MONGODB_URI: 'postgres://x' })).toContainEqual({ variable: 'MONGODB_URI', message: expect.stringMatching(/mongodb:\/\//) });
  });
});

const TWILIO = { TWILIO_ACCOUNT_SID: `AC${'0123456789abcdef'.repeat(2)}`, TWILIO_AUTH_TOKEN: 'token', TWILIO_FROM_NUMBER: '+447700900000' };
const GRAPH = { GRAPH_TENANT_ID: '11111111-2222-3333-4444-555555555555', GRAPH_CLIENT_ID: '66666666-7777-8888-9999-000000000000', GRAPH_CLIENT_SECRET: 'graph-secret' };
const APP_ID_FOR_OUTBOX = '00000000-0000-0000-0000-000000000002';
const PRODUCTION = {
  NODE_ENV: 'production',
  MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
  MICROSOFT_APP_PASSWORD: 'app-password',
  VERIFICATION_SECRET: 'x'.repeat(32),
  HELPDESK_TEAM_ID: '19:helpdesk@thread.tacv2',
  ...TWILIO,
  ...GRAPH,
};

function problems(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return Object.fromEntries(err.problems.map((p) => [p.variable, p.message]));
    throw err;
  }
  return {};
}

describe('config: verification, directory and Twilio', () => {
  it('has development defaults', () => {
    const config = loadConfig({});
    expect(config.directory).toEqual({ file: undefined, graph: undefined });
    expect(config.verification).toEqual({ secret: undefined, ttlSeconds: 300, maxSendsPerHour: 500, teamsReservePerHour: 50, webchatSendsPerHour: 300, voiceSendsPerHour: 150, sendsPerSourcePerHour: 10, sendsPerAddressPerHour: 100, sendsPerNumberPerDay: 10, alertIntervalMinutes: 15, failuresBeforeBackoff: 10, backoffMinutes: [1, 5, 15, 60, 240], noticeIntervalMinutes: 1440 });
    expect(config.twilio).toBeUndefined();
  });

  it('reads every new variable', () => {
    const config = loadConfig({ ...TWILIO, ...GRAPH, VERIFICATION_SECRET: 's'.repeat(40), VERIFICATION_TTL_SECONDS: '600', VERIFICATION_MAX_SENDS_PER_HOUR: '50' });
    expect(config.twilio).toEqual({ accountSid: TWILIO.TWILIO_ACCOUNT_SID, authToken: 'token', fromNumber: '+447700900000' });
    expect(config.directory.graph).toEqual({ tenantId: GRAPH.GRAPH_TENANT_ID, clientId: GRAPH.GRAPH_CLIENT_ID, clientSecret: 'graph-secret' });
    expect(config.verification).toEqual({ secret: 's'.repeat(40), ttlSeconds: 600, maxSendsPerHour: 50, teamsReservePerHour: 5, webchatSendsPerHour: 300, voiceSendsPerHour: 150, sendsPerSourcePerHour: 10, sendsPerAddressPerHour: 100, sendsPerNumberPerDay: 10, alertIntervalMinutes: 15, failuresBeforeBackoff: 10, backoffMinutes: [1, 5, 15, 60, 240], noticeIntervalMinutes: 1440 });
    const backoff = loadConfig({ VERIFICATION_FAILURES_BEFORE_BACKOFF: '6', VERIFICATION_BACKOFF_MINUTES: '2, 10,10', VERIFICATION_NOTICE_INTERVAL_MINUTES: '60' }).verification;
    expect(backoff).toMatchObject({ failuresBeforeBackoff: 6, backoffMinutes: [2, 10, 10], noticeIntervalMinutes: 60 });
    expect(loadConfig({ DIRECTORY_FILE: './people.json' }).directory.file).toBe('./people.json');
  });

  it('accepts a complete production configuration', () => {
    expect(() => loadConfig(PRODUCTION)).not.toThrow();
    expect(() => loadConfig({ ...PRODUCTION, ...{ GRAPH_TENANT_ID: '', GRAPH_CLIENT_ID: '', GRAPH_CLIENT_SECRET: '' }, DIRECTORY_FILE: '/etc/bot/people.json' })).not.toThrow();
  });

  it('reports every invalid value together', () => {
    const found = problems({
      VERIFICATION_SECRET: 'short',
      VERIFICATION_TTL_SECONDS: '601',
      VERIFICATION_MAX_SENDS_PER_HOUR: 'lots',
      TWILIO_ACCOUNT_SID: 'SK123',
      TWILIO_AUTH_TOKEN: 't',
      TWILIO_FROM_NUMBER: '07700 900000',
      GRAPH_TENANT_ID: 'tenant',
      GRAPH_CLIENT_ID: GRAPH.GRAPH_CLIENT_ID,
      GRAPH_CLIENT_SECRET: 'x',
    });
    expect(found).toMatchObject({
      VERIFICATION_SECRET: expect.stringMatching(/at least 32 characters/),
      VERIFICATION_TTL_SECONDS: 'expects a whole number from 60 to 600',
      VERIFICATION_MAX_SENDS_PER_HOUR: expect.stringMatching(/whole number/),
      TWILIO_ACCOUNT_SID: expect.stringMatching(/AC followed by 32 hexadecimal/),
      TWILIO_FROM_NUMBER: expect.stringMatching(/E\.164/),
      GRAPH_TENANT_ID: expect.stringMatching(/GUID/),
    });
    expect(problems({ VERIFICATION_TTL_SECONDS: '59' }).VERIFICATION_TTL_SECONDS).toMatch(/60 to 600/);
    expect(problems({ VERIFICATION_FAILURES_BEFORE_BACKOFF: '0', VERIFICATION_BACKOFF_MINUTES: '15,5', VERIFICATION_NOTICE_INTERVAL_MINUTES: 'daily' })).toEqual({
      VERIFICATION_FAILURES_BEFORE_BACKOFF: 'expects a whole number from 1 to 100',
      VERIFICATION_BACKOFF_MINUTES: expect.stringMatching(/comma-separated whole numbers from 1 to 10080, each at least the one before/),
      VERIFICATION_NOTICE_INTERVAL_MINUTES: expect.stringMatching(/whole number/),
    });
    expect(Object.keys(problems({ VERIFICATION_BACKOFF_MINUTES: '1,x' }))).toEqual(['VERIFICATION_BACKOFF_MINUTES']);
    expect(problems({ VERIFICATION_SENDS_PER_NUMBER_PER_DAY: '1001' })).toEqual({ VERIFICATION_SENDS_PER_NUMBER_PER_DAY: 'expects a whole number from 1 to 1000' });
    expect(loadConfig({ VERIFICATION_SENDS_PER_NUMBER_PER_DAY: '2' }).verification.sendsPerNumberPerDay).toBe(2);
    expect(problems({ VERIFICATION_TEAMS_RESERVE_PER_HOUR: 'some', VERIFICATION_SENDS_PER_SOURCE_PER_HOUR: '0', VERIFICATION_ALERT_INTERVAL_MINUTES: 'often' })).toEqual({
      VERIFICATION_TEAMS_RESERVE_PER_HOUR: 'expects a whole number from 0 to 1000000',
      VERIFICATION_SENDS_PER_SOURCE_PER_HOUR: 'expects a whole number from 1 to 10000',
      VERIFICATION_ALERT_INTERVAL_MINUTES: expect.stringMatching(/whole number/),
    });
    expect(problems({ VERIFICATION_MAX_SENDS_PER_HOUR: '40', VERIFICATION_TEAMS_RESERVE_PER_HOUR: '40' })).toEqual({
      VERIFICATION_TEAMS_RESERVE_PER_HOUR: expect.stringMatching(/less than VERIFICATION_MAX_SENDS_PER_HOUR \(40\)/),
    });
    // Unset, the reserve is a tenth of the hourly budget.
    expect(loadConfig({ VERIFICATION_MAX_SENDS_PER_HOUR: '4' }).verification.teamsReservePerHour).toBe(0);
  });

  it('wants the Twilio and Graph variables all together or not at all', () => {
    expect(problems({ TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID })).toEqual({
      TWILIO_AUTH_TOKEN: expect.stringMatching(/required because TWILIO_ACCOUNT_SID is set/),
      TWILIO_FROM_NUMBER: expect.stringMatching(/required because TWILIO_ACCOUNT_SID is set/),
    });
    expect(Object.keys(problems({ ...TWILIO, GRAPH_CLIENT_SECRET: 's', GRAPH_CLIENT_ID: GRAPH.GRAPH_CLIENT_ID }))).toEqual(['GRAPH_TENANT_ID']);
    expect(problems({ ...TWILIO, ...GRAPH, DIRECTORY_FILE: 'x.json' })).toEqual({ DIRECTORY_FILE: expect.stringMatching(/not be set together/) });
  });

  it.each([
    ['NODE_ENV=test', { NODE_ENV: 'test' }, /because NODE_ENV is test/],
    ['an App ID', { MICROSOFT_APP_ID: APP_ID_FOR_OUTBOX, MICROSOFT_APP_PASSWORD: 'p' }, /because MICROSOFT_APP_ID is set/],
    ['Microsoft Graph', { ...GRAPH }, /because the GRAPH_\* variables are set/],
  ])('keeps the dev outbox to local development: Twilio is required with %s', (_name, env, why) => {
    const found = problems(env);
    expect(Object.keys(found).filter((k) => k.startsWith('TWILIO_')).sort()).toEqual(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER']);
    expect(found.TWILIO_ACCOUNT_SID).toMatch(why);
    expect(found.TWILIO_ACCOUNT_SID).toMatch(/dev outbox is only for NODE_ENV=development/);
    expect(() => loadConfig({ ...env, ...TWILIO })).not.toThrow();
  });

  it('requires a secret, Twilio and a real directory in production, reported together', () => {
    const found = problems({ NODE_ENV: 'production', MICROSOFT_APP_ID: PRODUCTION.MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD: 'p' });
    expect(Object.keys(found).sort()).toEqual(['DIRECTORY_FILE', 'HELPDESK_TEAM_ID', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER', 'VERIFICATION_SECRET']);
    expect(found.HELPDESK_TEAM_ID).toMatch(/required when NODE_ENV is production/);
    expect(found.VERIFICATION_SECRET).toMatch(/required when NODE_ENV is production/);
  });

  it('lists all problems in the error message', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/Invalid configuration \(\d+ problems\):[\s\S]*VERIFICATION_SECRET[\s\S]*TWILIO_ACCOUNT_SID/);
  });
});

describe('loadConfig: agents API and security webhook', () => {
  const TOKEN_A = 'a'.repeat(24);
  const TOKEN_B = 'b-0123456789-0123456789-xyz';

  it('leaves the agents API disabled and no webhook by default', () => {
    expect(loadConfig({})).toMatchObject({ agentApiTokens: [], securityWebhookUrl: undefined });
    expect(loadConfig({ AGENT_API_TOKENS: ' ', SECURITY_WEBHOOK_URL: '' })).toMatchObject({ agentApiTokens: [], securityWebhookUrl: undefined });
  });

  it('reads comma-separated tokens, each with its agent: name:token, or agent-N (its position) for a plain token', () => {
    expect(loadConfig({ AGENT_API_TOKENS: ` ${TOKEN_A} , alice smith:${TOKEN_B},Zoë.O'Neil@nhs:${TOKEN_A}x` }).agentApiTokens).toEqual([
      { name: 'agent-1', token: TOKEN_A },
      { name: 'alice smith', token: TOKEN_B },
      { name: "Zoë.O'Neil@nhs", token: `${TOKEN_A}x` },
    ]);
  });

  it('keeps the name of a plain token stable across loads', () => {
    const env = { AGENT_API_TOKENS: `alice:${TOKEN_A},${TOKEN_B}` };
    expect(loadConfig(env).agentApiTokens[1]).toEqual({ name: 'agent-2', token: TOKEN_B });
    expect(loadConfig(env).agentApiTokens).toEqual(loadConfig(env).agentApiTokens);
  });

  it('rejects a short token without echoing it, naming its position', () => {
    const problems = problemsOf({ AGENT_API_TOKENS: `${TOKEN_A},short-secret` });
    expect(problems).toEqual([{ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/at least 24 .*entry 2 of 2 has a token of 12 characters/) }]);
    expect(JSON.stringify(problems)).not.toContain('short-secret');
    const named = problemsOf({ AGENT_API_TOKENS: 'bob:short-secret' });
    expect(named).toEqual([{ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/entry 1 of 1 has a token of 12 characters/) }]);
    expect(JSON.stringify(named)).not.toContain('short-secret');
  });

  it('rejects an empty entry and a token with spaces', () => {
    expect(problemsOf({ AGENT_API_TOKENS: `${TOKEN_A},` })).toContainEqual({ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/entry 2 of 2 has a token of 0 characters/) });
    expect(problemsOf({ AGENT_API_TOKENS: 'with a space in the middle of it' })).toContainEqual({
      variable: 'AGENT_API_TOKENS',
      message: expect.stringMatching(/entry 1 of 1 has a token with spaces/),
    });
  });

  it.each([
    ['a zero-width space', 'ali\u200bce'],
    ['a right-to-left override', '\u202eecila'],
    ['a byte order mark inside', 'ali\ufeffce'],
    ['a control character', 'ali\u0007ce'],
    ['an empty name', ''],
    ['a name of 65 characters', 'a'.repeat(65)],
    ['a name starting with a dash', '-alice'],
  ])('rejects an agent name with %s, without echoing the token', (_name, name) => {
    const problems = problemsOf({ AGENT_API_TOKENS: `${name}:${TOKEN_B}` });
    expect(problems).toEqual([{ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/entry 1 of 1 has a name .*format characters/) }]);
    expect(JSON.stringify(problems)).not.toContain(TOKEN_B);
  });

  it('rejects two agents of one name, and one token given twice', () => {
    expect(problemsOf({ AGENT_API_TOKENS: `alice:${TOKEN_A},Alice:${TOKEN_B}` })).toEqual([
      { variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/names the agent "Alice" twice/) },
    ]);
    const twice = problemsOf({ AGENT_API_TOKENS: `alice:${TOKEN_A},bob:${TOKEN_A}` });
    expect(twice).toEqual([{ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/one token twice/) }]);
    expect(JSON.stringify(twice)).not.toContain(TOKEN_A);
    expect(problemsOf({ AGENT_API_TOKENS: `agent-2:${TOKEN_A},${TOKEN_B}` })).toEqual([
      { variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/names the agent "agent-2" twice/) },
    ]);
  });

  it('reads an http or https webhook URL', () => {
    expect(loadConfig({ SECURITY_WEBHOOK_URL: 'https://soc.example.org/hooks/mfa' }).securityWebhookUrl).toBe('https://soc.example.org/hooks/mfa');
    expect(loadConfig({ SECURITY_WEBHOOK_URL: 'http://127.0.0.1:9000/x' }).securityWebhookUrl).toBe('http://127.0.0.1:9000/x');
  });

  it.each(['ftp://example.org/hook', 'not a url', 'javascript:alert(1)', 'file:///etc/passwd'])('rejects SECURITY_WEBHOOK_URL=%s', (url) => {
    expect(problemsOf({ SECURITY_WEBHOOK_URL: url })).toContainEqual({ variable: 'SECURITY_WEBHOOK_URL', message: 'expects an http:// or https:// URL' });
  });

  it('reports these problems together with the others', () => {
    const variables = problemsOf({ PORT: 'x', AGENT_API_TOKENS: 'short', SECURITY_WEBHOOK_URL: 'nope' }).map((p) => p.variable).sort();
    expect(variables).toEqual(['AGENT_API_TOKENS', 'PORT', 'SECURITY_WEBHOOK_URL']);
  });
});

describe('loadConfig: web chat and Direct Line', () => {
  it('has defaults: 30-minute tokens, 30 activities a minute, the bot\'s own Direct Line, embeddable by itself only', () => {
    const config = loadConfig({});
    expect(config.directLine).toEqual({ tokenTtlSeconds: 1800, maxActivitiesPerMinute: 30, azure: undefined });
    expect(config.webChat.frameAncestors).toEqual(["'self'"]);
  });

  it('reads Azure Direct Line and an embedding list (self and none with or without quotes)', () => {
    const config = loadConfig({
      DIRECT_LINE_SECRET: 'abcdefghij.klmnopqrstuvwxyz-0123456789',
      DIRECT_LINE_ENDPOINT: 'https://europe.directline.botframework.com/v3/directline',
      WEBCHAT_FRAME_ANCESTORS: "self https://intranet.example.nhs.uk https://*.example.org:8443",
      DIRECT_LINE_TOKEN_TTL_SECONDS: '600',
    });
    expect(config.directLine.azure).toEqual({ secret: 'abcdefghij.klmnopqrstuvwxyz-0123456789', endpoint: 'https://europe.directline.botframework.com/v3/directline' });
    expect(config.directLine.tokenTtlSeconds).toBe(600);
    expect(config.webChat.frameAncestors).toEqual(["'self'", 'https://intranet.example.nhs.uk', 'https://*.example.org:8443']);
    expect(loadConfig({ DIRECT_LINE_SECRET: 'abcdefghij.klmnopqrstuvwxyz' }).directLine.azure?.endpoint).toBe('https://directline.botframework.com/v3/directline');
  });

  it('reports every bad value together, never echoing the secret', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        DIRECT_LINE_SECRET: 'short secret',
        DIRECT_LINE_ENDPOINT: 'https://example.org/api',
        WEBCHAT_FRAME_ANCESTORS: "'self' javascript:alert(1)",
        DIRECT_LINE_TOKEN_TTL_SECONDS: '10',
        DIRECT_LINE_MAX_ACTIVITIES_PER_MINUTE: 'lots',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems.map((p) => p.variable).sort()).toEqual([
      'DIRECT_LINE_ENDPOINT',
      'DIRECT_LINE_MAX_ACTIVITIES_PER_MINUTE',
      'DIRECT_LINE_SECRET',
      'DIRECT_LINE_TOKEN_TTL_SECONDS',
      'WEBCHAT_FRAME_ANCESTORS',
    ]);
    expect(error?.message).not.toContain('short secret');
    expect(() => loadConfig({ WEBCHAT_FRAME_ANCESTORS: "'none' https://a.example" })).toThrow(/'none' cannot be combined/);
  });
});

describe('config: the phone line', () => {
  it('checks signatures and has no transfer number by default', () => {
    expect(loadConfig({}).voice).toEqual({ skipSignature: false, helpdeskNumber: undefined });
  });

  it('reads VOICE_SKIP_SIGNATURE and HELPDESK_PHONE_NUMBER', () => {
    expect(loadConfig({ VOICE_SKIP_SIGNATURE: 'true', HELPDESK_PHONE_NUMBER: '+443332001133' }).voice).toEqual({ skipSignature: true, helpdeskNumber: '+443332001133' });
  });

  it('refuses VOICE_SKIP_SIGNATURE=true in production, reported with the other problems', () => {
    const found = problems({ ...PRODUCTION, VOICE_SKIP_SIGNATURE: 'true', PORT: 'x' });
    expect(found.VOICE_SKIP_SIGNATURE).toMatch(/must not be true when NODE_ENV is production/);
    expect(found.PORT).toBeDefined();
    expect(() => loadConfig({ ...PRODUCTION, VOICE_SKIP_SIGNATURE: 'false' })).not.toThrow();
  });

  it.each([
    ['VOICE_SKIP_SIGNATURE', 'yes', /true or false/],
    ['HELPDESK_PHONE_NUMBER', '0333 200 1133', /E\.164/],
  ])('rejects %s=%s', (variable, value, message) => {
    expect(problemsOf({ [variable]: value })).toContainEqual({ variable, message: expect.stringMatching(message) });
  });
});
