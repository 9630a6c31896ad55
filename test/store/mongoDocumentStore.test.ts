import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { documentStoreContract } from './documentStoreContract';

/**
 * The MongoDB adapter runs the same contract as SQLite whenever MONGODB_URI points at a
 * server. Without one (no server is available in every environment) the suite is skipped,
 * and says so.
 */
const uri = process.env.MONGODB_URI;

if (!uri) {
  console.info('MongoDocumentStore contract tests skipped: set MONGODB_URI to run them against a MongoDB server.');
}

(uri ? describe : describe.skip)('MongoDocumentStore (needs MONGODB_URI)', () => {
  documentStoreContract(() => {
    const database = `helpdesk_test_${randomUUID().replace(/-/g, '')}`;
    return {
      create: async () => new MongoDocumentStore({ uri: uri ?? '', database }),
      reopen: async (previous) => {
        await previous.close();
        return new MongoDocumentStore({ uri: uri ?? '', database });
      },
      cleanup: async () => {
        const client = await MongoClient.connect(uri ?? '');
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  }, { persistent: true });
});

describe('MongoDocumentStore without a server', () => {
  it('connects lazily: building it does not connect, and a bad address fails the first call clearly', async () => {
    const store = new MongoDocumentStore({ uri: 'mongodb://127.0.0.1:1/helpdesk', serverSelectionTimeoutMs: 300 });
    await expect(store.ping()).rejects.toThrow(/ECONNREFUSED|Server selection timed out|connect/i);
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
  });

  it('refuses operator objects before anything is sent', async () => {
    const store = new MongoDocumentStore({ uri: 'mongodb://127.0.0.1:1/helpdesk', serverSelectionTimeoutMs: 300 });
    const injected = JSON.parse('{"status":{"$ne":null}}') as Record<string, string>;
    await expect(store.collection('tickets').find({ where: injected })).rejects.toThrow(/filter values must be/);
    await store.close();
  });
});
