import type { AccessToken, TokenCredential } from '@azure/identity';
import { GraphDirectory, odataString, toE164 } from '../../src/directory/graphDirectory';
import { HttpStandIn, json, type ReceivedRequest } from '../support/httpStandIn';
import { capturingLogger } from '../support/verificationFixtures';

const ALICE_ID = '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e01';
const DAN_ID = '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e04';
const ERIN_ID = '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e05';

const users: Record<string, Record<string, unknown>> = {
  [ALICE_ID]: { id: ALICE_ID, displayName: 'Alice Smith', mail: 'alice.smith@example.nhs.net', userPrincipalName: 'alice.smith@example.nhs.net', employeeId: '100001', userType: 'Member' },
  [DAN_ID]: { id: DAN_ID, displayName: 'Dan Brown', mail: 'dan.brown@example.nhs.net', userPrincipalName: 'dan.brown@example.nhs.net', employeeId: '100004', userType: 'Member' },
  [ERIN_ID]: { id: ERIN_ID, displayName: 'Erin Guest', mail: 'erin.guest@example.org', userPrincipalName: 'erin.guest_example.org#EXT#@example.onmicrosoft.com', employeeId: '100005', userType: 'Guest' },
};

const methods: Record<string, unknown[]> = {
  [ALICE_ID]: [
    { '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: '28c10230-6103-485e-b985-444c60001490' },
    { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: '3179e48a-750b-4051-897c-87b9720928f7', phoneNumber: '+44 7700900101', phoneType: 'mobile', smsSignInState: 'notAllowedByPolicy' },
    { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'b6332ec1-7057-4abe-9331-3d72feddfe41', phoneNumber: '+44 7700900102', phoneType: 'alternateMobile', smsSignInState: 'notSupported' },
    { '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'e37fc753-ff3b-4958-9484-eaa9425c82bc', phoneNumber: '+44 1632960101', phoneType: 'office', smsSignInState: 'notSupported' },
    { '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', id: '6e2d7f9c-0a4b-4c1e-8a7f-3b2f9d6c5e41', displayName: 'Pixel', deviceTag: 'SoftwareTokenActivated', phoneAppVersion: '6.2401.0119' },
    { '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', id: '-2_GRUg2-HYz6_1YG4YRAQ2', displayName: 'Key', model: 'Example Key' },
  ],
  [DAN_ID]: [{ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'x', phoneNumber: '+44 7700900401', phoneType: 'mobile' }],
  [ERIN_ID]: [{ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', id: 'y', phoneNumber: '+44 7700900501', phoneType: 'mobile' }],
};

const risky: Record<string, Record<string, unknown>> = {
  [DAN_ID]: { id: DAN_ID, riskLevel: 'high', riskState: 'atRisk', riskDetail: 'none', userPrincipalName: 'dan.brown@example.nhs.net' },
};

function notFound(res: Parameters<typeof json>[0]): void {
  json(res, 404, { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist.', innerError: { 'request-id': 'r', date: '2025-01-15T09:00:00' } } });
}

/** Answers like Graph v1.0, matching users on the decoded $filter. */
function graphResponder(req: ReceivedRequest, res: Parameters<typeof json>[0]): void {
  const url = new URL(req.url, 'http://stand-in');
  const path = url.pathname;
  let m: RegExpExecArray | null;
  if (path === '/v1.0/users') {
    const filter = url.searchParams.get('$filter') ?? '';
    const matches = Object.values(users).filter((u) => {
      const byStaff = /^employeeId eq '(.*)'$/.exec(filter);
      if (byStaff) return u.employeeId === byStaff[1]?.replace(/''/g, "'");
      const byMail = /^mail eq '(.*)' or userPrincipalName eq '(.*)'$/.exec(filter);
      if (byMail) {
        const wanted = (byMail[1] ?? '').replace(/''/g, "'").toLowerCase();
        return String(u.mail).toLowerCase() === wanted || String(u.userPrincipalName).toLowerCase() === wanted;
      }
      return false;
    });
    json(res, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)', value: matches });
  } else if ((m = /^\/v1\.0\/users\/([^/]+)\/authentication\/methods$/.exec(path))) {
    const list = methods[decodeURIComponent(m[1] ?? '')];
    if (list) json(res, 200, { value: list });
    else notFound(res);
  } else if ((m = /^\/v1\.0\/users\/([^/]+)$/.exec(path))) {
    const user = users[decodeURIComponent(m[1] ?? '')];
    if (user) json(res, 200, user);
    else notFound(res);
  } else if ((m = /^\/v1\.0\/identityProtection\/riskyUsers\/([^/]+)$/.exec(path))) {
    const r = risky[decodeURIComponent(m[1] ?? '')];
    if (r) json(res, 200, r);
    else notFound(res);
  } else {
    notFound(res);
  }
}

class FixedCredential implements TokenCredential {
  scopes: string[] = [];
  getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return Promise.resolve({ token: 'stand-in-token', expiresOnTimestamp: Date.now() + 3600_000 });
  }
}

describe('GraphDirectory against a local Graph stand-in', () => {
  let standIn: HttpStandIn;
  let directory: GraphDirectory;
  let credential: FixedCredential;

  beforeEach(async () => {
    standIn = new HttpStandIn(graphResponder);
    const baseUrl = await standIn.start();
    credential = new FixedCredential();
    directory = new GraphDirectory({ credential, baseUrl, logger: capturingLogger().logger });
  });

  afterEach(async () => {
    await standIn.stop();
  });

  it('finds a person by email (any case) with their methods', async () => {
    const alice = await directory.findByEmail('ALICE.Smith@example.nhs.net');
    expect(alice).toEqual({
      id: ALICE_ID,
      objectId: ALICE_ID,
      email: 'alice.smith@example.nhs.net',
      staffId: '100001',
      displayName: 'Alice Smith',
      methods: {
        mobile: '+447700900101',
        alternateMobile: '+447700900102',
        officePhone: '+441632960101',
        authenticatorApp: true,
        fido2: true,
        smartcard: false,
      },
      defaultMethod: 'authenticatorApp',
      guest: false,
      compromised: false,
    });
    expect(credential.scopes).toContain('https://graph.microsoft.com/.default');
    expect(standIn.requests.every((r) => r.headers.authorization === 'Bearer stand-in-token')).toBe(true);
    const search = new URL(standIn.requests[0]?.url ?? '', 'http://x');
    expect(search.searchParams.get('$select')).toBe('id,displayName,mail,userPrincipalName,employeeId,userType');
  });

  it('finds by staff id with an escaped $filter and by object id', async () => {
    await expect(directory.findByStaffId('100004')).resolves.toMatchObject({ id: DAN_ID, compromised: true, defaultMethod: 'mobile' });
    const filter = new URL(standIn.requests[0]?.url ?? '', 'http://x').searchParams.get('$filter');
    expect(filter).toBe("employeeId eq '100004'");
    await expect(directory.findByObjectId(ERIN_ID)).resolves.toMatchObject({ displayName: 'Erin Guest', guest: true, email: 'erin.guest@example.org' });
  });

  it('quotes OData strings so a value cannot change the filter', async () => {
    expect(odataString("o'brien")).toBe("'o''brien'");
    await expect(directory.findByEmail("x'@example.org")).resolves.toBeUndefined();
    await expect(directory.findByEmail("o'brien@example.nhs.net")).resolves.toBeUndefined();
    const filter = new URL(standIn.requests.at(-1)?.url ?? '', 'http://x').searchParams.get('$filter');
    expect(filter).toBe("mail eq 'o''brien@example.nhs.net' or userPrincipalName eq 'o''brien@example.nhs.net'");
  });

  it('returns undefined for unknown people and refuses malformed ids without calling Graph', async () => {
    await expect(directory.findByEmail('nobody@example.nhs.net')).resolves.toBeUndefined();
    await expect(directory.findByObjectId('00000000-0000-0000-0000-000000000000')).resolves.toBeUndefined();
    const before = standIn.requests.length;
    await expect(directory.findByStaffId("1' or 1 eq 1")).resolves.toBeUndefined();
    await expect(directory.findByObjectId('not-a-guid')).resolves.toBeUndefined();
    expect(standIn.requests.length).toBe(before);
  });

  it('treats a person as compromised when the risk state cannot be read (fail closed)', async () => {
    standIn.responder = (req, res) => {
      if (req.url.includes('/identityProtection/')) json(res, 403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } });
      else graphResponder(req, res);
    };
    await expect(directory.findByObjectId(ALICE_ID)).resolves.toMatchObject({ compromised: true });
  });

  it('reports Graph failures as errors', async () => {
    standIn.responder = (_req, res) => json(res, 500, { error: { code: 'generalException', message: 'boom' } });
    await expect(directory.findByEmail('alice.smith@example.nhs.net')).rejects.toThrow(/Microsoft Graph failed/);
  });

  it('normalises Graph phone numbers to E.164', () => {
    expect(toE164('+44 7700900101')).toBe('+447700900101');
    expect(toE164('+1 2065551234')).toBe('+12065551234');
    expect(toE164('')).toBeUndefined();
    expect(toE164('nonsense')).toBeUndefined();
  });
});
