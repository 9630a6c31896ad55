/**
 * Writes that belong to one bot turn, held while the turn runs and then issued together, in one
 * synchronous run, right after the turn's state write. On SQLite, writes issued in one run share
 * the store's group transaction (one commit); on MongoDB they run at the same time rather than one
 * after another. The turn awaits them before it answers, so nothing is reported written before it
 * is durable.
 */
export class TurnWrites {
  private held: (() => Promise<unknown>)[] = [];
  private readonly issued: Promise<unknown>[] = [];

  /** Holds a write until the next {@link TurnWrites.issue}. */
  add(write: () => Promise<unknown>): void {
    this.held.push(write);
  }

  /**
   * Issues every held write now, in this synchronous run, and resolves once every write issued so
   * far (by this call or an earlier one) has settled; rejects with the first failure.
   */
  issue(): Promise<void> {
    const writes = this.held;
    this.held = [];
    for (const write of writes) this.issued.push(start(write));
    return Promise.all(this.issued).then(() => undefined);
  }
}

/** Starts a write; one that throws before returning its promise is reported as rejected. */
function start(write: () => Promise<unknown>): Promise<unknown> {
  try {
    return write();
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The bot turns in flight on this instance, per conversation. A service called during a turn but
 * without it (the dialogs' ratings name only the conversation) finds the turn's writes here, when
 * there is no doubt which turn it is: exactly one turn of that conversation in flight here.
 * Otherwise (none, or several at once) it writes straight away, as without a turn.
 */
export class TurnsInFlight {
  private readonly open = new Map<string, { count: number; writes: TurnWrites | undefined }>();

  /**
   * Notes a turn of a conversation until the returned function is called.
   * @param writes the turn's writes, or `undefined` for a turn whose writes are never held
   */
  enter(conversationId: string, writes: TurnWrites | undefined): () => void {
    const current = this.open.get(conversationId);
    if (current) current.count += 1;
    else this.open.set(conversationId, { count: 1, writes });
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const entry = this.open.get(conversationId);
      if (!entry) return;
      entry.count -= 1;
      // Of several turns, which one is left is not known: the conversation's writes are no longer held for any of them.
      if (entry.count > 0) entry.writes = undefined;
      else this.open.delete(conversationId);
    };
  }

  /** The writes of the one turn of this conversation in flight here, if exactly one is and it holds writes. */
  writesOf(conversationId: string): TurnWrites | undefined {
    const entry = this.open.get(conversationId);
    return entry?.count === 1 ? entry.writes : undefined;
  }
}
