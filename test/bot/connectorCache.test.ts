import {
  AuthenticationConstants,
  AuthenticationError,
  ClaimsIdentity,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ConnectorClient,
} from 'botframework-connector';
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { KeptClientsAuthentication } from '../../src/bot/connectorCache';

const APP_ID = '00000000-0000-0000-0000-0000000000aa';

function activity(serviceUrl: string): Activity {
  return {
    type: 'message',
    id: 'a1',
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: 'c1' },
    from: { id: 'u1' },
    recipient: { id: 'b1' },
    text: 'hello',
  } as Activity;
}

async function clientFor(auth: KeptClientsAuthentication, serviceUrl: string): Promise<ConnectorClient> {
  const result = await auth.authenticateRequest(activity(serviceUrl), '');
  if (!result.connectorFactory) throw new Error('no connector factory');
  return result.connectorFactory.create(serviceUrl, result.audience);
}

describe('KeptClientsAuthentication', () => {
  it('gives every turn to the same service URL the same connector client, and another URL its own', async () => {
    const auth = new KeptClientsAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const first = await clientFor(auth, 'https://smba.example.test/emea/');
    const again = await clientFor(auth, 'https://smba.example.test/emea/');
    const other = await clientFor(auth, 'https://smba.example.test/amer/');
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('keeps at most 64 clients, forgetting the oldest, so service URLs sent by callers cannot grow it', async () => {
    const auth = new KeptClientsAuthentication(new ConfigurationBotFrameworkAuthentication({}));
    const oldest = await clientFor(auth, 'https://service.example.test/0/');
    for (let i = 1; i <= 64; i += 1) await clientFor(auth, `https://service.example.test/${i}/`);
    expect(await clientFor(auth, 'https://service.example.test/64/')).toBe(await clientFor(auth, 'https://service.example.test/64/'));
    expect(await clientFor(auth, 'https://service.example.test/0/')).not.toBe(oldest);
  });

  it('keeps one user token client per app id', async () => {
    const auth = new KeptClientsAuthentication(
      new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', MicrosoftAppType: 'MultiTenant' }),
    );
    const claims = (aud: string) => new ClaimsIdentity([{ type: AuthenticationConstants.AudienceClaim, value: aud }], true);
    const first = await auth.createUserTokenClient(claims(APP_ID));
    expect(await auth.createUserTokenClient(claims(APP_ID))).toBe(first);
    await expect(auth.createUserTokenClient(claims('00000000-0000-0000-0000-0000000000bb'))).rejects.toThrow();
  });

  it('still authenticates every request: with an app id, a request without a token is refused', async () => {
    const auth = new KeptClientsAuthentication(
      new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'secret', MicrosoftAppType: 'MultiTenant' }),
    );
    await expect(auth.authenticateRequest(activity('https://smba.example.test/emea/'), '')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(auth.authenticateRequest(activity('https://smba.example.test/emea/'), 'Bearer not-a-token')).rejects.toThrow();
  });

  it('does not keep a client that could not be made, so the next turn tries again', async () => {
    const inner = new ConfigurationBotFrameworkAuthentication({});
    let calls = 0;
    const failingOnce = new (class extends ConnectorFactory {
      create(serviceUrl: string): Promise<ConnectorClient> {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error('credentials refused'));
        return inner.createConnectorFactory(new ClaimsIdentity([], true)).create(serviceUrl);
      }
    })();
    jest.spyOn(inner, 'authenticateRequest').mockImplementation(
      async (): Promise<AuthenticateRequestResult> => ({ audience: '', callerId: '', claimsIdentity: new ClaimsIdentity([], true), connectorFactory: failingOnce }),
    );
    const auth = new KeptClientsAuthentication(inner);
    await expect(clientFor(auth, 'https://smba.example.test/emea/')).rejects.toThrow('credentials refused');
    const second = await clientFor(auth, 'https://smba.example.test/emea/');
    expect(await clientFor(auth, 'https://smba.example.test/emea/')).toBe(second);
    expect(calls).toBe(2);
  });
});
