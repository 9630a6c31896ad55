import { DocumentBotStorage } from '../../src/store/botStorage';
import { DuplicateKeyError, ETagConflictError, InvalidKeyError, type DocumentStore, type Versioned } from '../../src/store/documentStore';

/** How a contract run gets a store: `reopen` returns a new store over the same data, when the adapter is persistent. */
export interface StoreFactory {
  /** A new store; `now` is the time it stamps on writes (default: the real time). */
  create(options?: { now?: () => number }): Promise<DocumentStore>;
  reopen?: (previous: DocumentStore) => Promise<DocumentStore>;
  /** Another store over the same data, as a second process would open it (persistent adapters). */
  another?: () => Promise<DocumentStore>;
  cleanup?: () => Promise<void>;
}

type Doc = { name: string; n?: number; tags?: string[]; nested?: { flag: boolean } };

/** What differs between the servers a contract runs against. */
export interface StoreTraits {
  /** Whether the data outlives the store object (a file, a server). */
  readonly persistent: boolean;
  /**
   * The server applies every concurrent `$inc` but may hand two callers the same document after
   * it, so concurrent increments are not unique. jongodb, the test server, does this; MongoDB
   * returns each caller the document as its own update left it.
   */
  readonly sharedIncrementResults?: boolean;
}

/** The contract every {@link DocumentStore} adapter must satisfy. Call inside a `describe`. */
export function documentStoreContract(factory: () => StoreFactory, traits: StoreTraits): void {
  let f: StoreFactory;
  let store: DocumentStore;

  beforeEach(async () => {
    f = factory();
    store = await f.create();
  });

  afterEach(async () => {
    await store.close().catch(() => undefined);
    await f.cleanup?.();
  });

  describe('collections', () => {
    it('reads back what it wrote, and nothing for unknown ids', async () => {
      const c = store.collection<Doc>('things');
      const written = await c.put('a', { name: 'Alpha', n: 1 });
      expect(written.eTag).toEqual(expect.any(String));
      const read = await c.get('a');
      expect(read).toEqual({ id: 'a', eTag: written.eTag, doc: { name: 'Alpha', n: 1 } });
      expect(await c.get('missing')).toBeUndefined();
    });

    it('keeps collections apart', async () => {
      await store.collection<Doc>('one').put('k', { name: 'one' });
      await store.collection<Doc>('two').put('k', { name: 'two' });
      expect((await store.collection<Doc>('one').get('k'))?.doc.name).toBe('one');
      expect((await store.collection<Doc>('two').get('k'))?.doc.name).toBe('two');
    });

    it('insert refuses a taken id and leaves the stored document alone', async () => {
      const c = store.collection<Doc>('things');
      await c.insert('x', { name: 'first' });
      await expect(c.insert('x', { name: 'second' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await c.get('x'))?.doc.name).toBe('first');
    });

    it('put with the current eTag succeeds and changes the eTag; a stale eTag throws', async () => {
      const c = store.collection<Doc>('things');
      const v1 = await c.put('x', { name: 'v1' });
      const v2 = await c.put('x', { name: 'v2' }, v1.eTag);
      expect(v2.eTag).not.toBe(v1.eTag);
      await expect(c.put('x', { name: 'stale' }, v1.eTag)).rejects.toBeInstanceOf(ETagConflictError);
      expect((await c.get('x'))?.doc.name).toBe('v2');
    });

    it('put with * or no eTag forces the write', async () => {
      const c = store.collection<Doc>('things');
      await c.put('x', { name: 'v1' });
      await c.put('x', { name: 'forced' }, '*');
      expect((await c.get('x'))?.doc.name).toBe('forced');
      await c.put('x', { name: 'forced again' });
      expect((await c.get('x'))?.doc.name).toBe('forced again');
    });

    it('put with an eTag on a missing document is a conflict', async () => {
      await expect(store.collection<Doc>('things').put('nope', { name: 'x' }, 'some-etag')).rejects.toBeInstanceOf(ETagConflictError);
    });

    it('delete removes a document, honours eTags and reports whether anything was deleted', async () => {
      const c = store.collection<Doc>('things');
      const v1 = await c.put('x', { name: 'v1' });
      await c.put('x', { name: 'v2' }, v1.eTag);
      await expect(c.delete('x', v1.eTag)).rejects.toBeInstanceOf(ETagConflictError);
      expect(await c.delete('x')).toBe(true);
      expect(await c.get('x')).toBeUndefined();
      expect(await c.delete('x')).toBe(false);
    });

    it('update is atomic under contention: 100 concurrent increments lose nothing', async () => {
      const c = store.collection<Doc>('things');
      await Promise.all(Array.from({ length: 100 }, () => c.update('counter', (cur) => ({ name: 'counter', n: (cur?.n ?? 0) + 1 }))));
      expect((await c.get('counter'))?.doc.n).toBe(100);
    }, 120_000);

    it('update may decline to write by returning undefined', async () => {
      const c = store.collection<Doc>('things');
      const v = await c.put('x', { name: 'same' });
      const after = await c.update('x', () => undefined);
      expect(after?.eTag).toBe(v.eTag);
      expect(await c.update('missing', () => undefined)).toBeUndefined();
    });

    it('getMany returns only the documents that exist', async () => {
      const c = store.collection<Doc>('things');
      await c.put('a', { name: 'A' });
      await c.put('b', { name: 'B' });
      const found = await c.getMany(['a', 'b', 'c']);
      expect([...found.keys()].sort()).toEqual(['a', 'b']);
    });

    it('getMany of no ids, of repeated ids and of more ids than one statement takes', async () => {
      const c = store.collection<Doc>('things');
      for (let i = 0; i < 12; i++) await c.put(`k${i}`, { name: `n${i}` });
      expect((await c.getMany([])).size).toBe(0);
      const repeated = await c.getMany(['k1', 'k1', 'k2', 'missing', 'k2']);
      expect([...repeated.keys()].sort()).toEqual(['k1', 'k2']);
      expect(repeated.get('k1')?.doc.name).toBe('n1');
      const many = await c.getMany([...Array.from({ length: 12 }, (_, i) => `k${i}`), 'missing']);
      expect(many.size).toBe(12);
      expect(many.get('k11')?.doc.name).toBe('n11');
    });

    it('find filters by equality on scalar and nested fields, sorts and pages', async () => {
      const c = store.collection<Doc>('things');
      for (let i = 1; i <= 7; i++) {
        await c.put(`id${i}`, { name: i % 2 === 0 ? 'even' : 'odd', n: i, nested: { flag: i > 4 } });
      }
      const odd = await c.find({ where: { name: 'odd' }, orderBy: { field: 'n', direction: 'desc' } });
      expect(odd.map((d) => d.doc.n)).toEqual([7, 5, 3, 1]);
      const flagged = await c.find({ where: { 'nested.flag': true }, orderBy: { field: 'n', direction: 'asc' } });
      expect(flagged.map((d) => d.doc.n)).toEqual([5, 6, 7]);
      const page1 = await c.find({ orderBy: { field: 'n', direction: 'desc' }, limit: 3 });
      const last = page1[page1.length - 1];
      const page2 = await c.find({ orderBy: { field: 'n', direction: 'desc' }, limit: 3, after: { value: last.doc.n ?? 0, id: last.id } });
      expect(page1.map((d) => d.doc.n)).toEqual([7, 6, 5]);
      expect(page2.map((d) => d.doc.n)).toEqual([4, 3, 2]);
      expect(await c.count({ name: 'even' })).toBe(3);
      expect(await c.count()).toBe(7);
    });

    it('find does not confuse strings with numbers', async () => {
      const c = store.collection<Doc & { code?: string | number }>('things');
      await c.put('s', { name: 's', code: '1' });
      await c.put('n', { name: 'n', code: 1 });
      expect((await c.find({ where: { code: '1' } })).map((d) => d.id)).toEqual(['s']);
      expect((await c.find({ where: { code: 1 } })).map((d) => d.id)).toEqual(['n']);
    });

    it('refuses operator objects, bad field names and bad keys', async () => {
      const c = store.collection<Doc>('things');
      await c.put('x', { name: 'x' });
      const injected = JSON.parse('{"name":{"$gt":""}}') as Record<string, string>;
      await expect(c.find({ where: injected })).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(c.find({ where: { "name') OR 1=1 --": 'x' } })).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(c.get('')).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(c.put('bad\u0000key', { name: 'x' })).rejects.toBeInstanceOf(InvalidKeyError);
      expect(() => store.collection('Bad Name!')).toThrow(InvalidKeyError);
    });
  });

  describe('indexes and retention', () => {
    const DAY = 86_400_000;

    it('prepare creates indexes and may run again, with another expiry, keeping the data and the queries', async () => {
      const c = store.collection<Doc>('things');
      await c.put('a', { name: 'A', n: 1 });
      await store.prepare([{ name: 'things', indexes: [['name', 'n'], ['nested.flag']], expireAfterDays: 30 }, { name: 'empty' }]);
      await store.prepare([{ name: 'things', indexes: [['name', 'n'], ['nested.flag']], expireAfterDays: 7 }, { name: 'empty' }]);
      await c.put('b', { name: 'A', n: 2 });
      expect((await c.find({ where: { name: 'A' }, orderBy: { field: 'n', direction: 'desc' } })).map((d) => d.id)).toEqual(['b', 'a']);
      await expect(store.prepare([{ name: 'things', indexes: [["n') --"]] }])).rejects.toBeInstanceOf(InvalidKeyError);
    });

    it('purge removes what was last written before a time, per collection, and keeps what was written since', async () => {
      let now = Date.UTC(2030, 0, 1);
      await store.close();
      store = await f.create({ now: () => now });
      const things = store.collection<Doc>('things');
      const others = store.collection<Doc>('others');
      await things.put('old', { name: 'old' });
      await things.put('touched', { name: 'touched v1' });
      await others.put('old', { name: 'other collection' });
      now += 10 * DAY;
      await things.put('touched', { name: 'touched v2' });
      await things.insert('new', { name: 'new' });
      expect(await store.purge('things', { writtenBefore: now - 5 * DAY })).toBe(1);
      expect((await things.find()).map((d) => d.id)).toEqual(['new', 'touched']);
      expect(await others.get('old')).toBeDefined();
      expect(await store.purge('things', { writtenBefore: now - 5 * DAY })).toBe(0);
    });

    it('purge with keepNewest keeps only the most recently written documents', async () => {
      let now = Date.UTC(2030, 0, 1);
      await store.close();
      store = await f.create({ now: () => now });
      const c = store.collection<Doc>('things');
      for (let i = 0; i < 12; i++) {
        await c.put(`k${String(i).padStart(2, '0')}`, { name: `n${i}` });
        now += 1000;
      }
      await c.update('k00', () => ({ name: 'written last' }));
      expect(await store.purge('things', { keepNewest: 5 })).toBe(7);
      expect((await c.find()).map((d) => d.id)).toEqual(['k00', 'k08', 'k09', 'k10', 'k11']);
      expect(await store.purge('things', { keepNewest: 5 })).toBe(0);
      expect(await store.purge('things', { keepNewest: 0 })).toBe(5);
      expect(await c.count()).toBe(0);
    });

    it('purge is exact to the millisecond for documents written and rewritten within the same hour', async () => {
      const hour = Date.UTC(2030, 0, 1, 10);
      let now = hour + 60_000;
      await store.close();
      store = await f.create({ now: () => now });
      const c = store.collection<Doc>('things');
      await c.put('rewritten', { name: 'v1' });
      now = hour + 10 * 60_000;
      await c.put('early', { name: 'early' });
      now = hour + 20 * 60_000;
      await c.put('middle', { name: 'middle' });
      now = hour + 30 * 60_000;
      await c.update('rewritten', () => ({ name: 'v2' }));
      now = hour + 59 * 60_000 + 59_999;
      await c.put('boundary', { name: 'boundary' });
      now = hour + 60 * 60_000;
      await c.put('next hour', { name: 'next hour' });
      // Before the middle one by 1 ms: only the early one; the rewritten one counts from its last write.
      expect(await store.purge('things', { writtenBefore: hour + 20 * 60_000 })).toBe(1);
      expect((await c.find()).map((d) => d.id)).toEqual(['boundary', 'middle', 'next hour', 'rewritten']);
      expect(await store.purge('things', { writtenBefore: hour + 20 * 60_000 + 1 })).toBe(1);
      expect(await store.purge('things', { keepNewest: 2 })).toBe(1);
      expect((await c.find()).map((d) => d.id)).toEqual(['boundary', 'next hour']);
      expect(await store.purge('things', { writtenBefore: hour + 60 * 60_000 })).toBe(1);
      expect((await c.find()).map((d) => d.id)).toEqual(['next hour']);
    });
  });

  describe('counters', () => {
    it('increment gives unique consecutive values under concurrency', async () => {
      const values = await Promise.all(Array.from({ length: 200 }, () => store.increment('tickets')));
      // Every increment is applied once: the next one continues from 200.
      expect(await store.increment('tickets', 0)).toBe(200);
      expect(values.every((v) => Number.isInteger(v) && v >= 1 && v <= 200)).toBe(true);
      if (!traits.sharedIncrementResults) {
        expect(new Set(values).size).toBe(200);
        expect(Math.max(...values)).toBe(200);
      }
      expect(await store.increment('other', 5)).toBe(5);
    });

    it('insertNumbered numbers each document from the counter, uniquely under concurrency, beside plain increments', async () => {
      const things = store.collection<Doc>('numbered');
      const calls = [
        ...Array.from({ length: 40 }, (_, i) => () => store.insertNumbered<Doc>('numbered', 'numbers', (n) => ({ id: `n${n}`, doc: { name: `made ${i}`, n } }))),
        ...Array.from({ length: 10 }, () => () => store.increment('numbers')),
      ];
      // A server whose concurrent increments can share a result (see StoreTraits) is asked one call at a time.
      const made: (number | Versioned<Doc>)[] = [];
      if (traits.sharedIncrementResults) for (const call of calls) made.push(await call());
      else made.push(...(await Promise.all(calls.map((call) => call()))));
      const numbers = made.flatMap((m) => (typeof m === 'number' ? [m] : [m.doc.n as number]));
      expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await things.count()).toBe(40);
      for (const m of made) if (typeof m !== 'number') expect((await things.get(m.id))?.doc).toEqual(m.doc);
    });

    it('insertNumbered refuses a taken id, keeps what is stored, and the number stays used', async () => {
      const things = store.collection<Doc>('numbered');
      await things.insert('n2', { name: 'already there' });
      await store.insertNumbered<Doc>('numbered', 'numbers', (n) => ({ id: `n${n}`, doc: { name: 'first' } }));
      await expect(store.insertNumbered<Doc>('numbered', 'numbers', (n) => ({ id: `n${n}`, doc: { name: 'second' } }))).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await things.get('n2'))?.doc).toEqual({ name: 'already there' });
      const third = await store.insertNumbered<Doc>('numbered', 'numbers', (n) => ({ id: `n${n}`, doc: { name: 'third' } }));
      expect(third.id).toBe('n3');
      expect(await things.count()).toBe(3);
      await expect(store.insertNumbered<Doc>('numbered', 'numbers', () => ({ id: 'bad key\u0000', doc: { name: 'x' } }))).rejects.toThrow();
      expect(await things.count()).toBe(3);
    });
  });

  describe('botbuilder Storage on the store', () => {
    it('reads, writes and deletes items, returning eTags', async () => {
      const storage = new DocumentBotStorage(store);
      await storage.write({ 'conv/1': { count: 1 } });
      const read = await storage.read(['conv/1', 'conv/2']);
      expect(read['conv/1']).toEqual({ count: 1, eTag: expect.any(String) });
      expect(read['conv/2']).toBeUndefined();
      await storage.delete(['conv/1']);
      expect(await storage.read(['conv/1'])).toEqual({});
    });

    it('throws on a stale eTag and accepts * as a forced write', async () => {
      const storage = new DocumentBotStorage(store);
      await storage.write({ k: { v: 1 } });
      const first = (await storage.read(['k'])).k;
      await storage.write({ k: { ...first, v: 2 } });
      await expect(storage.write({ k: { ...first, v: 3 } })).rejects.toThrow(/eTag conflict/);
      expect((await storage.read(['k'])).k.v).toBe(2);
      await storage.write({ k: { v: 4, eTag: '*' } });
      expect((await storage.read(['k'])).k.v).toBe(4);
    });

    it('keeps all of 200 concurrent writes to different keys', async () => {
      const storage = new DocumentBotStorage(store);
      await Promise.all(Array.from({ length: 200 }, (_, i) => storage.write({ [`key-${i}`]: { i } })));
      const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
      const read = await storage.read(keys);
      expect(Object.keys(read)).toHaveLength(200);
      keys.forEach((k, i) => expect(read[k].i).toBe(i));
    });

    it('refuses invalid keys', async () => {
      const storage = new DocumentBotStorage(store);
      await expect(storage.read([''])).rejects.toBeInstanceOf(InvalidKeyError);
      await expect(storage.write({ '': { a: 1 } })).rejects.toBeInstanceOf(InvalidKeyError);
    });
  });

  describe('lifecycle', () => {
    it('answers ping while open and rejects after close', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });

    if (!traits.persistent) return;
    it('update is atomic across two store instances on the same data: 2 x 50 concurrent increments lose nothing', async () => {
      if (!f.another) throw new Error('a persistent adapter must provide another()');
      const other = await f.another();
      try {
        const mine = store.collection<Doc>('things');
        const theirs = other.collection<Doc>('things');
        const bump = (c: typeof mine) => c.update('shared', (cur) => ({ name: 'shared', n: (cur?.n ?? 0) + 1 }));
        await Promise.all(Array.from({ length: 50 }, () => [bump(mine), bump(theirs)]).flat());
        expect((await mine.get('shared'))?.doc.n).toBe(100);
      } finally {
        await other.close();
      }
    });


    it('keeps data after the store is closed and reopened', async () => {
      if (!f.reopen) throw new Error('a persistent adapter must provide reopen()');
      const storage = new DocumentBotStorage(store);
      await storage.write({ durable: { kept: true } });
      await store.collection<Doc>('things').put('x', { name: 'kept' });
      await store.increment('seq', 7);
      store = await f.reopen(store);
      expect((await new DocumentBotStorage(store).read(['durable'])).durable.kept).toBe(true);
      expect((await store.collection<Doc>('things').get('x'))?.doc.name).toBe('kept');
      expect(await store.increment('seq')).toBe(8);
    });
  });
}
