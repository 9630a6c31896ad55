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
