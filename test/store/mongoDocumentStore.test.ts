import { MongoClient } from 'mongodb';
import { StoreUnavailableError } from '../../src/store/documentStore';
import { MongoDocumentStore } from '../../src/store/mongodb/mongoDocumentStore';
import { dropDatabase, freshDatabase, mongoTestTargets } from '../support/jongodb';
import { documentStoreContract } from './documentStoreContract';

describe.each(mongoTestTargets())('MongoDocumentStore on $name', ({ name, uri }) => {
  documentStoreContract(() => {
    const database = freshDatabase();
    return {
      create: async (options) => new MongoDocumentStore({ uri, database, now: options?.now }),
      reopen: async (previous) => {
        await previous.close();
        return new MongoDocumentStore({ uri, database });
      },
      another: async () => new MongoDocumentStore({ uri, database }),
      cleanup: () => dropDatabase(uri, database),
    };
  }, { persistent: true, sharedIncrementResults: name === 'jongodb' });
});

describe.each(mongoTestTargets())('MongoDocumentStore indexes on $name', ({ name, uri }) => {
  it('creates the field indexes and a TTL index on the last write, and changes the TTL when the retention changes', async () => {
    const database = freshDatabase();
    const store = new MongoDocumentStore({ uri, database });
    const client = await MongoClient.connect(uri);
    try {
      await store.prepare([{ name: 'tickets', indexes: [['status', 'createdAt']], expireAfterDays: 30 }]);
      await store.prepare([{ name: 'tickets', indexes: [['status', 'createdAt']], expireAfterDays: 7 }]);
      const indexes = await client.db(database).collection('tickets').listIndexes().toArray();
      expect(indexes.map((i) => i.key as Record<string, number>)).toEqual(
        expect.arrayContaining([{ 'doc.status': 1, 'doc.createdAt': 1, _id: 1 }, { updatedAt: 1, _id: 1 }, { updatedAt: 1 }]),
      );
      // MongoDB refuses the changed TTL as an index options conflict, and the store applies it with
      // collMod. jongodb accepts the second createIndex silently and keeps the first value (it never
      // expires anything anyway, and has no collMod), so only a real server shows the change.
      const ttl = indexes.find((i) => i.name === 'retention_ttl')?.expireAfterSeconds;
      if (name === 'jongodb') expect([7 * 86_400, 30 * 86_400]).toContain(ttl);
      else expect(ttl).toBe(7 * 86_400);
    } finally {
      await client.close();
      await store.close();
      await dropDatabase(uri, database);
    }
  });
});

describe('MongoDocumentStore without a server', () => {
  it('connects lazily: building it does not connect, and a bad address fails the first call clearly', async () => {
    const store = new MongoDocumentStore({ uri: 'mongodb://127.0.0.1:1/helpdesk', serverSelectionTimeoutMs: 300 });
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.collection('things').get('x')).rejects.toThrow(/store is not reachable/);
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
