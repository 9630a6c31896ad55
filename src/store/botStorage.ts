import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { assertKey, type Collection, type Document, type DocumentStore } from './documentStore';

/** Name of the collection that holds Bot Framework state (conversation, user, dialog). */
export const BOT_STATE_COLLECTION = 'bot_state';

/**
 * botbuilder's {@link Storage} on top of a {@link DocumentStore}, modelled on `BlobsStorage`:
 * keys are validated, and writes use optimistic concurrency. An item written with an eTag
 * other than `*` is stored only if the stored version still carries that eTag; otherwise the
 * write throws. A missing eTag or `*` forces the write.
 */
export class DocumentBotStorage implements Storage {
  private readonly items: Collection<Document>;

  constructor(store: DocumentStore, collectionName = BOT_STATE_COLLECTION) {
    this.items = store.collection<Document>(collectionName);
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('Storage: keys must be an array');
    keys.forEach((k) => assertKey(k));
    const found = await this.items.getMany(keys);
    const result: StoreItems = {};
    for (const [key, item] of found) {
      result[key] = { ...item.doc, eTag: item.eTag };
    }
    return result;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new TypeError('Storage: changes must be an object');
    const entries = Object.entries(changes);
    entries.forEach(([k]) => assertKey(k));
    await Promise.all(
      entries.map(async ([key, item]) => {
        const { eTag, ...doc } = (item ?? {}) as StoreItem;
        await this.items.put(key, doc, typeof eTag === 'string' && eTag !== '' ? eTag : '*');
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('Storage: keys must be an array');
    keys.forEach((k) => assertKey(k));
    await Promise.all(keys.map((k) => this.items.delete(k)));
  }
}
