import { Worker } from 'node:worker_threads';

/**
 * Once the log holds this many frames (4 KB pages), the main connection is asked to finish each
 * of the thread's checkpoints (see {@link WalCheckpointerOptions.onBackfilled}); below it the log
 * is left to grow until the next round.
 */
const FINISH_FRAMES = 2048;

/** How often the checkpointing thread copies the write-ahead log back into the database, in milliseconds. */
export const CHECKPOINT_INTERVAL_MS = 200;

/**
 * What the checkpointing thread runs. It opens the database on its own connection and, every
 * interval, runs a PASSIVE checkpoint: the pages the log holds are copied into the database file
 * and synced, without waiting for (or blocking) the readers and writers of the main thread. The
 * thread is started by {@link WalCheckpointer} with the path of better-sqlite3's entry module,
 * so the code needs nothing resolved from its own location.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
// A checkpoint copies pages without the page cache; this connection reads nothing else.
db.pragma('cache_size = -64');
const checkpoint = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && result.log >= workerData.finishFrames) parentPort.postMessage('backfilled');
  } catch (err) {
    // A locked file or a checkpoint already running: the next interval tries again.
    if (!/^SQLITE_(BUSY|LOCKED)/.test(String(err && err.code))) throw err;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage('ready');
`;

let running = 0;

/** Options of {@link WalCheckpointer.start}. */
export interface WalCheckpointerOptions {
  /** The database file (in WAL mode). */
  readonly filename: string;
  readonly busyTimeoutMs: number;
  /** Called if the thread stops on its own; the main connection then checkpoints for itself again. */
  readonly onStopped: (err: Error) => void;
  /**
   * Called after each of the thread's checkpoints once the log has grown past 8 MB. The log
   * starts again from its beginning only once a checkpoint has copied all of it, and under steady
   * writes some always arrive while the thread copies: the main connection then finishes the job
   * (the few pages written meanwhile), so that the log does not grow for as long as the writes go on.
   */
  readonly onBackfilled: () => void;
  readonly intervalMs?: number;
}

/**
 * Checkpoints a WAL-mode SQLite database on a thread of its own. By default SQLite checkpoints
 * inside the COMMIT that takes the log past 1,000 pages: every few hundred turns, one turn's
 * commit then copies and syncs megabytes, and every request waiting behind it on the event loop
 * waits too. With this thread the main connection's automatic checkpoints are switched off
 * (`wal_autocheckpoint = 0`) and the copying happens beside the requests.
 */
export class WalCheckpointer {
  /** Threads of this process that have started and not yet exited. */
  static get running(): number {
    return running;
  }

  private stopping = false;

  private constructor(private readonly worker: Worker) {}

  /** Starts the thread; resolves once it has opened the database. */
  static start(options: WalCheckpointerOptions): Promise<WalCheckpointer> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: require.resolve('better-sqlite3'),
          filename: options.filename,
          busyTimeoutMs: options.busyTimeoutMs,
          intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
          finishFrames: FINISH_FRAMES,
        },
        // The thread needs little of its own: it runs one pragma now and then.
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, stackSizeMb: 1 },
      });
      let ready = false;
      running += 1;
      worker.once('exit', () => (running -= 1));
      const checkpointer = new WalCheckpointer(worker);
      worker.on('message', (message) => {
        if (message === 'backfilled') {
          options.onBackfilled();
          return;
        }
        ready = true;
        // The thread never keeps the process alive on its own.
        worker.unref();
        resolve(checkpointer);
      });
      const stopped = (reason: unknown): void => {
        // A SQLite error reaches this thread as a plain object where the error class cannot be rebuilt.
        const err = new Error(`the checkpointing thread ${ready ? 'stopped' : 'could not start'}: ${describe(reason)}`);
        if (!ready) reject(err);
        else if (!checkpointer.stopping) options.onStopped(err);
      };
      worker.on('error', stopped);
      worker.on('exit', (code) => stopped(`exit code ${code}`));
    });
  }

  /** Runs a last checkpoint and stops the thread. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Held until the thread has closed its connection, so the process does not end before it.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'object' && reason !== null) {
    const { message, code } = reason as { message?: unknown; code?: unknown };
    return [code, message].filter((part) => typeof part === 'string').join(': ') || 'unknown error';
  }
  return String(reason);
}
