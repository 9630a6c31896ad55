import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { MongoClient, MongoServerError } from 'mongodb';

/**
 * jongodb: a MongoDB-wire-compatible test server shipped as a native binary in the
 * `@jongodb/memory-server-bin-linux-x64-gnu` devDependency. It keeps everything in memory.
 *
 * Where it differs from MongoDB (the tests are written for MongoDB's behaviour):
 * - no `findOneAndDelete`, `drop`, `dropDatabase`, `listCollections`, `collMod`, `$push`, `$pull`;
 * - projections on `find` are ignored (whole documents come back);
 * - TTL indexes are accepted but never expire anything;
 * - it accepts transactions that a standalone `mongod` refuses.
 */
export interface JongodbServer {
  /** `mongodb://127.0.0.1:<port>/<database>` as the server printed it. */
  readonly uri: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Path of the jongodb binary inside its npm package. */
export function jongodbBinary(): string {
  return join(dirname(require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json')), 'bin', 'jongodb');
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills every server this process started; runs on exit so none outlives a crashed or failed test run. */
function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * Starts a jongodb server on 127.0.0.1 (`port` 0 picks a free one) and resolves once it
 * prints its URI. Rejects if it exits or stays silent for `timeoutMs`.
 */
export function startJongodb(options: { port?: number; database?: string; timeoutMs?: number } = {}): Promise<JongodbServer> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAll);
  }
  const child = spawn(jongodbBinary(), ['--host=127.0.0.1', `--port=${options.port ?? 0}`, `--database=${options.database ?? 'helpdesk_test'}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  return new Promise<JongodbServer>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`jongodb did not start within ${options.timeoutMs ?? 15_000} ms: ${stderr}`)), options.timeoutMs ?? 15_000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('error', fail);
    const exitedEarly = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`jongodb exited before it was ready (code ${code}, signal ${signal}): ${stderr}`));
    child.once('exit', exitedEarly);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /JONGODB_URI=(mongodb:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.removeListener('exit', exitedEarly);
      const uri = match[1];
      resolve({
        uri,
        port: Number(new URL(uri).port),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
          child.kill('SIGTERM');
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

/** Environment variable through which the jest global setup hands its shared server to every test file. */
export const SHARED_JONGODB_ENV = 'HELPDESK_TEST_JONGODB_URI';

/**
 * The MongoDB servers the MongoDB tests run against: always the shared jongodb server started
 * by the jest global setup, and also the server in `MONGODB_URI` when that is set.
 */
export function mongoTestTargets(): { readonly name: string; readonly uri: string }[] {
  const shared = process.env[SHARED_JONGODB_ENV];
  if (!shared) throw new Error(`${SHARED_JONGODB_ENV} is not set: run the tests through jest, whose global setup starts jongodb`);
  const targets = [{ name: 'jongodb', uri: shared }];
  const real = process.env.MONGODB_URI;
  if (real) targets.push({ name: 'MONGODB_URI', uri: real });
  return targets;
}

/** A fresh database name, so tests never see each other's data. */
export function freshDatabase(): string {
  return `helpdesk_test_${randomUUID().replace(/-/g, '')}`;
}

/**
 * Drops a test database. jongodb has no `dropDatabase` (MongoDB does); it keeps data in memory
 * only, so there it is enough that the database is never used again.
 */
export async function dropDatabase(uri: string, database: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    await client.db(database).dropDatabase();
  } catch (err) {
    if (!(err instanceof MongoServerError && /no such command/i.test(err.message))) throw err;
  } finally {
    await client.close();
  }
}
