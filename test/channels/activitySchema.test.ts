import { inboundActivitySchema, validateInboundActivity } from '../../src/channels/activitySchema';

/** A web chat message as the bench and the web chat page send it. */
const VALID = {
  type: 'message',
  id: 'activity-1',
  channelId: 'webchat',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversation: { id: 'conversation-1', conversationType: 'personal' },
  from: { id: 'user-1', name: 'Alex', aadObjectId: 'aad-1', role: 'user' },
  recipient: { id: 'bot-1', name: 'MFA helpdesk' },
  text: 'what is the helpdesk number',
  attachments: [{ contentType: 'text/plain', content: 'x' }],
  entities: [{ type: 'clientInfo', locale: 'en-GB' }],
  membersAdded: [{ id: 'user-2' }],
  membersRemoved: [{ id: 'user-3', name: 'Sam' }],
  channelData: { tenant: { id: 'tenant-1' } },
};

/** Values that break one rule or another, tried in every field. */
const HOSTILE: readonly unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'bad\u0007id',
  'x'.repeat(1025),
  'x'.repeat(10001),
  'not a url',
  'https://example.com/',
  'expectReplies',
  'sideways',
  0,
  1,
  true,
  [],
  [{}],
  [{ id: 'a' }],
  [{ type: 1 }],
  [null],
  Array.from({ length: 101 }, () => ({ id: 'a', type: 'x' })),
  {},
  { id: 'a' },
  { id: '' },
  { id: 'a', name: 3 },
  { id: 'a', role: null },
  { id: 'a', aadObjectId: 'b' },
  new Date(0),
  new Map(),
  Object.create({ inherited: true }),
];

function schemaAccepts(body: unknown): boolean {
  return inboundActivitySchema.safeParse(body).success;
}

/** Every body that changes one field (or one field of a nested account) of {@link VALID}. */
function variants(): { name: string; body: Record<string, unknown> }[] {
  const out: { name: string; body: Record<string, unknown> }[] = [];
  const fields = [...Object.keys(VALID), 'deliveryMode', 'unknownField'];
  for (const field of fields) {
    for (const [i, value] of HOSTILE.entries()) {
      out.push({ name: `${field} = #${i}`, body: { ...VALID, [field]: value } });
      out.push({ name: `${field} = #${i} (expectReplies, no serviceUrl)`, body: { ...VALID, serviceUrl: undefined, deliveryMode: 'expectReplies', [field]: value } });
    }
  }
  for (const account of ['from', 'recipient', 'conversation'] as const) {
    for (const key of ['id', 'name', 'aadObjectId', 'role']) {
      for (const [i, value] of HOSTILE.entries()) {
        out.push({ name: `${account}.${key} = #${i}`, body: { ...VALID, [account]: { ...VALID[account], [key]: value } } });
      }
    }
  }
  for (const list of ['membersAdded', 'membersRemoved', 'entities', 'attachments'] as const) {
    for (const [i, value] of HOSTILE.entries()) {
      out.push({ name: `${list}[1] = #${i}`, body: { ...VALID, [list]: [...VALID[list], value] } });
    }
  }
  return out;
}

describe('validateInboundActivity', () => {
  it('accepts a complete activity and one that only waits for replies', () => {
    expect(validateInboundActivity(VALID)).toEqual([]);
    expect(validateInboundActivity({ type: 'message', channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' }, deliveryMode: 'expectReplies' })).toEqual([]);
  });

  it('refuses exactly what the schema refuses, with the schema’s own field messages', () => {
    const cases = variants();
    let refused = 0;
    for (const { name, body } of cases) {
      const problems = validateInboundActivity(body);
      const expected = schemaAccepts(body)
        ? []
        : (inboundActivitySchema.safeParse(body).error?.issues ?? []).map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
      expect({ name, problems }).toEqual({ name, problems: expected });
      if (expected.length > 0) refused += 1;
    }
    // The cases cover both sides: many bodies are refused, many accepted.
    expect(refused).toBeGreaterThan(200);
    expect(cases.length - refused).toBeGreaterThan(100);
  });

  it('names the missing service URL when replies are not expected', () => {
    expect(validateInboundActivity({ ...VALID, serviceUrl: undefined })).toEqual([
      { field: 'serviceUrl', message: 'is required unless deliveryMode is expectReplies (replies need somewhere to go)' },
    ]);
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'message', 3]) {
      expect(validateInboundActivity(body)).toEqual([{ field: '(body)', message: 'must be a JSON object (a Bot Framework activity)' }]);
    }
  });
});
