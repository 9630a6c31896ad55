/**
 * The OpenAPI document against the running server: every documented operation exists, and
 * answers with one of the statuses documented for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestHelpdesk, type TestHelpdesk } from '../helpers/testServer';

const TOKEN = 'openapi-agent-token-0123456789';

interface Operation {
  readonly operationId: string;
  readonly responses: Record<string, unknown>;
}
type Document = { paths: Record<string, Record<string, Operation | unknown>> };

const doc = parse(readFileSync(join(__dirname, '../../openapi/tickets.yaml'), 'utf8')) as Document;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => [(op as Operation).operationId, method.toUpperCase(), path, op as Operation] as const),
);

describe('openapi/tickets.yaml', () => {
  let t: TestHelpdesk;
  beforeAll(async () => {
    t = await startTestHelpdesk({ AGENT_API_TOKENS: `Olive Agent:${TOKEN}` });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('documents call-back verification', () => {
    expect(operations.map(([id, method, path]) => `${id} ${method} ${path}`)).toContain('verifyTicketByCallback POST /api/tickets/{id}/verify-by-callback');
  });

  it.each(operations)('%s (%s %s) exists and answers a documented status', async (_id, method, path, op) => {
    const url = `${t.baseUrl}${path.replace('{id}', 'MFA-999999')}`;
    const body = method === 'POST' ? '{}' : undefined;
    const headers = { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) };
    const answered = await fetch(url, { method, headers, body });
    expect(Object.keys(op.responses)).toContain(String(answered.status));
    expect(answered.headers.get('content-type')).toMatch(/json/);
    const unsigned = await fetch(url, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
    expect(unsigned.status).toBe(401);
    expect(Object.keys(op.responses)).toContain('401');
  });
});
