import { EventEmitter } from 'node:events';

/**
 * In-process notice that a conversation's log has grown, so open streams on this instance push
 * at once. Streams also look at the store on a timer, for activities other instances stored.
 */
export class ConversationSignals {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Calls `listener` whenever {@link notify} is called for the conversation; returns the unsubscribe function. */
  subscribe(conversationId: string, listener: () => void): () => void {
    this.emitter.on(conversationId, listener);
    return () => this.emitter.off(conversationId, listener);
  }

  /** Tells this instance's listeners that the conversation has something new. */
  notify(conversationId: string): void {
    this.emitter.emit(conversationId);
  }
}
