import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A complete server process started from the real entry point (`src/index.ts`), listening on a random port. */
export interface BotProcess {
  readonly baseUrl: string;
  /** Its stdout, one pino JSON line per entry. */
  readonly logLines: string[];
  /** Everything it wrote to stderr. */
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts `node --import tsx src/index.ts` (as `npm start` runs the build, without the deprecation warning of restify's HTTP parser) with `PORT=0` and the given environment (nothing else
 * of the test's environment leaks in but PATH and HOME), and resolves once it logs the port it
 * listens on. Rejects if it exits first or stays silent for `timeoutMs`.
 */
export function startBotProcess(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<BotProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => running.forEach((c) => c.kill('SIGKILL')));
  }
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const logLines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise<BotProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the bot did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    void exited.then((code) => fail(new Error(`the bot exited with code ${code} before listening: ${stderr}`)));
    child.stdout.on('data', (c: Buffer) => {
      const lines = (partial + c.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        logLines.push(line);
        if (!line.includes('MFA helpdesk bot listening')) continue;
        clearTimeout(timer);
        const { port } = JSON.parse(line) as { port: number };
        resolve({
          baseUrl: `http://127.0.0.1:${port}`,
          logLines,
          stderr: () => stderr,
          async stop(graceMs = 10_000) {
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
            const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.kill('SIGTERM');
            const code = await exited;
            clearTimeout(killer);
            return code;
          },
        });
      }
    });
  });
}
