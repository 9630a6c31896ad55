import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client, GraphError, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { redactPhonesInText, type Logger } from '../logger';
import { deriveDefaultMethod, GUID, type Directory, type Person, type PersonMethods } from './directory';

/** The public Microsoft Graph endpoint. */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com';

/** The scope requested for application (client credentials) access to Graph. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

/** Fields read from `/users`. */
const USER_SELECT = 'id,displayName,mail,userPrincipalName,employeeId,userType';

/** Where the "compromised" flag comes from. */
export type CompromisedSource =
  /**
   * Entra ID Protection: `GET /identityProtection/riskyUsers/{id}`. A person is compromised when
   * `riskState` is `confirmedCompromised`, or `atRisk` with `riskLevel` `high`. No record (404)
   * means not compromised. Any other failure counts as compromised (fail closed), so the bot
   * hands the person to the helpdesk. Needs Entra ID P2 and `IdentityRiskyUser.Read.All`.
   */
  | 'riskyUsers'
  /** Never flag anyone (tenants without Entra ID P2). */
  | 'none';

/** Options for {@link GraphDirectory}. */
export interface GraphDirectoryOptions {
  /** Gets app-only tokens for Graph, e.g. a `ClientSecretCredential`. */
  readonly credential: TokenCredential;
  /** Graph root without version; {@link GRAPH_BASE_URL} by default. Tests point this at a local server. */
  readonly baseUrl?: string;
  /** Scope of the token; {@link GRAPH_SCOPE} by default. */
  readonly scope?: string;
  /** Source of {@link Person.compromised}; `riskyUsers` by default. */
  readonly compromisedSource?: CompromisedSource;
  readonly logger: Logger;
}

/** Settings for {@link GraphDirectory.fromClientSecret}. */
export interface GraphClientSecretSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  employeeId?: string | null;
  userType?: string | null;
}

interface GraphMethod {
  '@odata.type'?: string;
  phoneNumber?: string | null;
  phoneType?: string | null;
}

interface GraphRiskyUser {
  riskLevel?: string | null;
  riskState?: string | null;
}

/** Quotes a value as an OData string literal: single quotes are doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Normalises a Graph phone number such as `+44 7700900101` to E.164, or `undefined` if it is not one. */
export function toE164(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  const parsed = parsePhoneNumberFromString(raw.replace(/\s*x\d+$/i, ''));
  return parsed && parsed.isPossible() ? parsed.number : undefined;
}

/** Adds an app-only bearer token, but only to requests for the configured Graph root. */
class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly baseUrl: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (url.startsWith(`${this.baseUrl}/`)) {
      const token = await this.credential.getToken(this.scope);
      if (!token) throw new Error('Directory: no access token for Microsoft Graph');
      const options = context.options ?? {};
      const headers = new Headers(options.headers as HeadersInit | undefined);
      headers.set('Authorization', `Bearer ${token.token}`);
      context.options = { ...options, headers };
    }
    if (!this.next) throw new Error('Directory: Graph middleware chain is incomplete');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * Directory on Microsoft Graph (application permissions `User.Read.All`,
 * `UserAuthenticationMethod.Read.All` and, for the compromised flag, `IdentityRiskyUser.Read.All`).
 * Lookups that match more than one account return `undefined` rather than guess.
 */
export class GraphDirectory implements Directory {
  private readonly client: Client;
  private readonly compromisedSource: CompromisedSource;
  private readonly logger: Logger;

  constructor(options: GraphDirectoryOptions) {
    const baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
    this.compromisedSource = options.compromisedSource ?? 'riskyUsers';
    this.logger = options.logger;
    this.client = Client.initWithMiddleware({
      baseUrl: `${baseUrl}/`,
      defaultVersion: 'v1.0',
      middleware: [new BearerTokenMiddleware(options.credential, options.scope ?? GRAPH_SCOPE, baseUrl), new HTTPMessageHandler()],
    });
  }

  /** Builds the directory with a `ClientSecretCredential` for the given app registration. */
  static fromClientSecret(settings: GraphClientSecretSettings, logger: Logger, options: Partial<Omit<GraphDirectoryOptions, 'credential' | 'logger'>> = {}): GraphDirectory {
    const credential = new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret);
    return new GraphDirectory({ ...options, credential, logger });
  }

  async findByEmail(emailOrUpn: string): Promise<Person | undefined> {
    const value = emailOrUpn.trim();
    if (!/^[^\s@"]+@[^\s@"']+$/.test(value) || value.length > 256) return undefined;
    const literal = odataString(value);
    return this.findOne(`mail eq ${literal} or userPrincipalName eq ${literal}`);
  }

  async findByStaffId(staffId: string): Promise<Person | undefined> {
    const value = staffId.trim();
    if (!/^[A-Za-z0-9-]{1,32}$/.test(value)) return undefined;
    return this.findOne(`employeeId eq ${odataString(value)}`);
  }

  async findByObjectId(entraObjectId: string): Promise<Person | undefined> {
    const id = entraObjectId.trim();
    if (!GUID.test(id)) return undefined;
    let user: GraphUser;
    try {
      user = (await this.client.api(`/users/${encodeURIComponent(id)}`).select(USER_SELECT).get()) as GraphUser;
    } catch (err) {
      if (err instanceof GraphError && err.statusCode === 404) return undefined;
      throw this.failure('reading a user', err);
    }
    return this.toPerson(user);
  }

  private async findOne(filter: string): Promise<Person | undefined> {
    let users: GraphUser[];
    try {
      const page = (await this.client.api('/users').filter(encodeURIComponent(filter)).select(USER_SELECT).top(2).get()) as { value?: GraphUser[] };
      users = page.value ?? [];
    } catch (err) {
      throw this.failure('searching users', err);
    }
    if (users.length > 1) {
      this.logger.warn({ matches: users.length }, 'Directory: lookup matched more than one account; treating as not found');
      return undefined;
    }
    const user = users[0];
    return user ? this.toPerson(user) : undefined;
  }

  private async toPerson(user: GraphUser): Promise<Person> {
    const [methods, compromised] = await Promise.all([this.methodsOf(user.id), this.isCompromised(user.id)]);
    return {
      id: user.id,
      objectId: user.id,
      email: user.mail ?? user.userPrincipalName ?? '',
      staffId: user.employeeId ?? '',
      displayName: user.displayName ?? user.userPrincipalName ?? user.id,
      methods,
      defaultMethod: deriveDefaultMethod(methods),
      guest: user.userType === 'Guest',
      compromised,
    };
  }

  private async methodsOf(userId: string): Promise<PersonMethods> {
    let list: GraphMethod[];
    try {
      const page = (await this.client.api(`/users/${encodeURIComponent(userId)}/authentication/methods`).get()) as { value?: GraphMethod[] };
      list = page.value ?? [];
    } catch (err) {
      throw this.failure('reading authentication methods', err);
    }
    const methods: { -readonly [K in keyof PersonMethods]: PersonMethods[K] } = { authenticatorApp: false, fido2: false, smartcard: false };
    for (const m of list) {
      switch (m['@odata.type']) {
        case '#microsoft.graph.phoneAuthenticationMethod': {
          const phone = toE164(m.phoneNumber);
          if (!phone) break;
          if (m.phoneType === 'mobile') methods.mobile = phone;
          else if (m.phoneType === 'alternateMobile') methods.alternateMobile = phone;
          else if (m.phoneType === 'office') methods.officePhone = phone;
          break;
        }
        case '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod':
        case '#microsoft.graph.softwareOathAuthenticationMethod':
          methods.authenticatorApp = true;
          break;
        case '#microsoft.graph.fido2AuthenticationMethod':
          methods.fido2 = true;
          break;
        case '#microsoft.graph.x509CertificateAuthenticationMethod':
          methods.smartcard = true;
          break;
        default:
          break;
      }
    }
    return methods;
  }

  private async isCompromised(userId: string): Promise<boolean> {
    if (this.compromisedSource === 'none') return false;
    try {
      const risk = (await this.client.api(`/identityProtection/riskyUsers/${encodeURIComponent(userId)}`).get()) as GraphRiskyUser;
      return risk.riskState === 'confirmedCompromised' || (risk.riskState === 'atRisk' && risk.riskLevel === 'high');
    } catch (err) {
      if (err instanceof GraphError && err.statusCode === 404) return false;
      this.logger.warn({ err: graphErrorSummary(err) }, 'Directory: risk state unavailable; treating the account as compromised');
      return true;
    }
  }

  private failure(action: string, err: unknown): Error {
    const summary = graphErrorSummary(err);
    this.logger.error({ err: summary }, `Directory: Microsoft Graph failed ${action}`);
    return new Error(`Directory: Microsoft Graph failed ${action} (${summary.status ?? 'no status'} ${summary.code ?? ''})`.trim());
  }
}

function graphErrorSummary(err: unknown): { status?: number; code?: string; message: string } {
  if (err instanceof GraphError) return { status: err.statusCode, code: err.code ?? undefined, message: redactPhonesInText(err.message) };
  return { message: redactPhonesInText(err instanceof Error ? err.message : String(err)) };
}
