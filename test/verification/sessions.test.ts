import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { SESSION_COLLECTION, SESSION_VALIDITY_MS, VerificationSessions, type VerifiedIdentity } from '../../src/verification/sessions';
import { ManualClock } from '../support/verificationFixtures';

const IDENTITY: VerifiedIdentity = {
  verified: true,
  personId: 'p-1',
  email: 'bob.jones@example.nhs.net',
  displayName: 'Bob Jones',
  staffId: '100002',
  method: 'sms',
  destinationMasked: '***201',
  at: '2025-01-15T09:00:00.000Z',
};

describe('VerificationSessions', () => {
  let store: SqliteDocumentStore;
  let clock: ManualClock;
  let sessions: VerificationSessions;
  beforeEach(() => {
    store = new SqliteDocumentStore({ filename: ':memory:' });
    clock = new ManualClock();
    sessions = new VerificationSessions({ store, clock });
  });
  afterEach(async () => {
    await store.close();
  });

  it('recalls a proof for 15 minutes in the same conversation only', async () => {
    await sessions.remember('conv-1', IDENTITY);
    await expect(sessions.recall('conv-1')).resolves.toEqual(IDENTITY);
    await expect(sessions.recall('conv-2')).resolves.toBeUndefined();
    clock.advance(SESSION_VALIDITY_MS);
    await expect(sessions.recall('conv-1')).resolves.toEqual(IDENTITY);
    clock.advance(1);
    await expect(sessions.recall('conv-1')).resolves.toBeUndefined();
  });

  it('keeps the proof in the store, keyed by a hash of the conversation id', async () => {
    await sessions.remember('a:conversation/with;odd=chars', IDENTITY, 'user-1');
    await expect(new VerificationSessions({ store, clock }).recall('a:conversation/with;odd=chars', 'user-1')).resolves.toEqual(IDENTITY);
    const docs = await store.collection(SESSION_COLLECTION).find();
    expect(docs).toHaveLength(1);
    expect(docs[0].id).toMatch(/^s_[0-9a-f]{40}$/);
    expect(JSON.stringify(docs[0].doc)).not.toContain('user-1');
  });

  it('binds a proof to the user who gave it when a user id is given', async () => {
    await sessions.remember('conv-1', IDENTITY, 'user-1');
    await expect(sessions.recall('conv-1', 'user-1')).resolves.toEqual(IDENTITY);
    await expect(sessions.recall('conv-1', 'user-2')).resolves.toBeUndefined();
    await expect(sessions.recall('conv-1')).resolves.toBeUndefined();
  });

  it('forgets on request and honours a shorter validity', async () => {
    await sessions.remember('conv-1', IDENTITY);
    await sessions.forget('conv-1');
    await expect(sessions.recall('conv-1')).resolves.toBeUndefined();
    const short = new VerificationSessions({ store, clock, validityMs: 1000 });
    await short.remember('conv-1', IDENTITY);
    clock.advance(1001);
    await expect(short.recall('conv-1')).resolves.toBeUndefined();
  });
});
