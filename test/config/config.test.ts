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
    });
    expect(loadConfig({}).mongo).toBeUndefined();
  });

  it('rejects a connection string of another scheme', () => {
    expect(problemsOf({ MONGODB_URI: 'postgres://x' })).toContainEqual({ variable: 'MONGODB_URI', message: expect.stringMatching(/mongodb:\/\//) });
  });
});

describe('loadConfig: agents API and security webhook', () => {
  const TOKEN_A = 'a'.repeat(24);
  const TOKEN_B = 'b-0123456789-0123456789-xyz';

  it('leaves the agents API disabled and no webhook by default', () => {
    expect(loadConfig({})).toMatchObject({ agentApiTokens: [], securityWebhookUrl: undefined });
    expect(loadConfig({ AGENT_API_TOKENS: ' ', SECURITY_WEBHOOK_URL: '' })).toMatchObject({ agentApiTokens: [], securityWebhookUrl: undefined });
  });

  it('reads comma-separated tokens and trims them', () => {
    expect(loadConfig({ AGENT_API_TOKENS: ` ${TOKEN_A} , ${TOKEN_B}` }).agentApiTokens).toEqual([TOKEN_A, TOKEN_B]);
  });

  it('rejects a short token without echoing it, naming its position', () => {
    const problems = problemsOf({ AGENT_API_TOKENS: `${TOKEN_A},short-secret` });
    expect(problems).toEqual([{ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/at least 24 .*token 2 of 2 has 12 characters/) }]);
    expect(JSON.stringify(problems)).not.toContain('short-secret');
  });

  it('rejects an empty entry and a token with spaces', () => {
    expect(problemsOf({ AGENT_API_TOKENS: `${TOKEN_A},` })).toContainEqual({ variable: 'AGENT_API_TOKENS', message: expect.stringMatching(/token 2 of 2 has 0 characters/) });
    expect(problemsOf({ AGENT_API_TOKENS: 'with a space in the middle of it' })).toContainEqual({
      variable: 'AGENT_API_TOKENS',
      message: expect.stringMatching(/token 1 of 1 contains spaces/),
    });
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
