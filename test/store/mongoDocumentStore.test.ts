import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { documentStoreContract } from './documentStoreContract';

describe.each(mongoTestTargets())('MongoDocumentStore on $name', ({ uri }) => {
  documentStoreContract(() => {
    const database = freshDatabase();
    return {
      create: async () => new MongoDocumentStore({ uri, database }),
      reopen: async (previous) => {
        await previous.close();
        return new MongoDocumentStore({ uri, database });
      },
      another: async () => new MongoDocumentStore({ uri, database }),
      cleanup: () => dropDatabase(uri, database),
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
