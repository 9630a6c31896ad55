import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { httpJson } from './load';

/** A server the bench started in its own process. */
export interface ServerProcess {
  readonly name: string;
  readonly baseUrl: string;
  /** From spawning the process until `/healthz` first answered 200. */
  readonly startupMs: number;
  /** Resident memory of the process now, in MB (undefined where `/proc` is not available). */
  rssMb(): number | undefined;
  /** CPU time the process has used so far (user and system, every thread), in ms (undefined where `/proc` is not available). */
  cpuMs(): number | undefined;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** A port free on the loopback interface right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MB, from `/proc/<pid>/status`. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, almost always 100). */
let ticksPerSecond: number | undefined;

/** CPU time a process has used (user and system, all its threads), in ms, from `/proc/<pid>/stat`. */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The fields after the command name, which is in parentheses and may itself hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    // utime and stime are fields 14 and 15 of the line: indexes 11 and 12 here, where the state is 0.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Options of {@link startServer}. */
export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  /** How long to wait for `/healthz` (default 60 s). */
  readonly timeoutMs?: number;
  /** Which process's memory and CPU time to report: the one spawned, or its only child (for `npm start`). */
  readonly memoryOf?: 'self' | 'child';
}

/**
 * Spawns a server, waits until `GET /healthz` answers 200 and measures how long that took.
 * Standard output is discarded (the servers log JSON there); standard error is kept and shown
 * if the server does not come up.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const started = performance.now();
  const child: ChildProcess = spawn(options.command, [...options.args], {
    env: options.env,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8000) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = started + (options.timeoutMs ?? 60_000);
  const stop = async (): Promise<void> => {
    if (exitCode !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(killer);
  };
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${options.name} exited (${exitCode}) before it was healthy:\n${stderr}`);
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not healthy within ${options.timeoutMs ?? 60_000} ms:\n${stderr}`);
    }
    const ok = await httpJson(`${baseUrl}/healthz`, 'GET', undefined, {}, 1000).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const startupMs = Math.round(performance.now() - started);
  const memoryPid = (): number | undefined => {
    if (options.memoryOf !== 'child') return child.pid;
    return descendants(child.pid).at(-1) ?? child.pid;
  };
  return { name: options.name, baseUrl, startupMs, rssMb: () => rssOf(memoryPid()), cpuMs: () => cpuMsOf(memoryPid()), stop };
}

/** Every descendant of a process, depth first, from `/proc/<pid>/task/<pid>/children`. */
function descendants(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.flatMap((c) => [c, ...descendants(c)]);
  } catch {
    return [];
  }
}
