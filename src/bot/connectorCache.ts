import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  AuthenticationConstants,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';

/** How many clients of each kind are kept; a bot talks to a handful of channel service URLs. */
const MAX_KEPT = 64;

/** A map that forgets its oldest entry past {@link MAX_KEPT}, so service URLs sent by callers cannot grow it. */
class Kept<V> {
  private readonly entries = new Map<string, V>();

  get(key: string, make: () => V): V {
    const found = this.entries.get(key);
    if (found !== undefined) return found;
    const made = make();
    if (this.entries.size >= MAX_KEPT) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, made);
    return made;
  }

  forget(key: string, value: V): void {
    if (this.entries.get(key) === value) this.entries.delete(key);
  }
}

/** The app id whose credentials a turn's clients use, as botframework-connector takes it from the claims (none without authentication). */
function appIdOf(claims: ClaimsIdentity): string {
  return claims.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claims.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/**
 * The product's {@link BotFrameworkAuthentication}: the one of the configuration, with the
 * clients it makes kept instead of built on every turn. `CloudAdapter` asks for a
 * `ConnectorClient` and a `UserTokenClient` at the start of each turn, and building either sets up
 * a whole HTTP pipeline with its credentials (about a tenth of an answered turn's time). Both are
 * stateless apart from their credentials, which cache their own tokens, so one client per app id,
 * service URL and audience serves every turn. Authentication of each request is unchanged: every
 * request is still validated by the inner authentication.
 */
export class KeptClientsAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Kept<Promise<ConnectorClient>>();
  private readonly userTokens = new Kept<Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.keptFactory(result.claimsIdentity, result.connectorFactory) } : result;
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.keptFactory(result.claimsIdentity, result.connectorFactory) } : result;
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.keptFactory(claimsIdentity, this.inner.createConnectorFactory(claimsIdentity));
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const key = appIdOf(claimsIdentity);
    const made = this.userTokens.get(key, () => this.inner.createUserTokenClient(claimsIdentity));
    made.catch(() => this.userTokens.forget(key, made));
    return made;
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private keptFactory(claims: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory {
    return new KeptConnectorFactory(this.connectors, appIdOf(claims), factory);
  }
}

/** A turn's connector factory: the client for a service URL and audience is taken from those kept, or made by the turn's own factory and kept. */
class KeptConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly connectors: Kept<Promise<ConnectorClient>>,
    private readonly appId: string,
    private readonly factory: ConnectorFactory,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = JSON.stringify([this.appId, serviceUrl, audience ?? '']);
    const made = this.connectors.get(key, () => this.factory.create(serviceUrl, audience));
    // A client that could not be made (e.g. credentials refused) is not kept.
    made.catch(() => this.connectors.forget(key, made));
    return made;
  }
}
