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
