import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { buildHelpdesk } from '../src/composition';
import { createLogger } from '../src/logger';

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Conversations running at the same time. */
  readonly users: number;
  /** Times each conversation plays its script. */
  readonly rounds: number;
}

/** Latency figures in milliseconds, and throughput. */
export interface BenchResult {
  readonly users: number;
  readonly turns: number;
  readonly durationMs: number;
  readonly turnsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
}

/** What one simulated person says each round: a greeting, a question, feedback, a guided flow started and cancelled. */
const SCRIPT = ['hello', 'do I need wifi for the code', 'yes', 'can I use my Irish number', 'no', 'I lost my phone', 'cancel'];

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Starts the real server (port 0, temp data directory, embedded SQLite) and has `users`
 * conversations talk to it at once over HTTP with `expectReplies`, `rounds` times each.
 * Every loop is bounded; only the loopback address is used.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-'));
  const helpdesk = await buildHelpdesk(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), createLogger({ level: 'silent' }));
  const { port } = await helpdesk.start(0);
  const url = `http://127.0.0.1:${port}/api/messages`;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: options.users }, async (_, user) => {
        const conversation = `bench-${user}-${randomUUID()}`;
        for (let round = 0; round < options.rounds; round++) {
          for (const text of SCRIPT) {
            const body = {
              type: 'message',
              id: randomUUID(),
              text,
              channelId: 'webchat',
              conversation: { id: conversation },
              from: { id: `bench-user-${user}` },
              recipient: { id: 'mfa-helpdesk-bot' },
              deliveryMode: 'expectReplies',
            };
            const t0 = performance.now();
            const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
            const payload = (await res.json()) as { activities?: unknown[] };
            latencies.push(performance.now() - t0);
            if (res.status !== 200 || !Array.isArray(payload.activities) || payload.activities.length === 0) errors += 1;
          }
        }
      }),
    );
  } finally {
    await helpdesk.stop(2000);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const durationMs = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    users: options.users,
    turns: latencies.length,
    durationMs: round1(durationMs),
    turnsPerSecond: round1((latencies.length / durationMs) * 1000),
    p50Ms: round1(percentile(sorted, 50)),
    p95Ms: round1(percentile(sorted, 95)),
    p99Ms: round1(percentile(sorted, 99)),
    maxMs: round1(sorted[sorted.length - 1] ?? 0),
    errors,
  };
}

/** `npm run bench [-- --users N --rounds N --runs N]`: prints each run and the median of the runs as JSON. */
if (require.main === module) {
  const args = process.argv.slice(2);
  const num = (name: string, fallback: number, max: number): number => {
    const i = args.indexOf(`--${name}`);
    const v = i >= 0 ? Number(args[i + 1]) : fallback;
    return Number.isInteger(v) && v > 0 ? Math.min(v, max) : fallback;
  };
  const users = num('users', 20, 200);
  const rounds = num('rounds', 5, 100);
  const runs = num('runs', 3, 10);
  (async () => {
    const results: BenchResult[] = [];
    for (let r = 0; r < runs; r++) results.push(await runBench({ users, rounds }));
    const median = (pick: (b: BenchResult) => number) => [...results.map(pick)].sort((a, b) => a - b)[Math.floor(results.length / 2)];
    console.log(
      JSON.stringify(
        {
          runs: results,
          median: { turnsPerSecond: median((b) => b.turnsPerSecond), p50Ms: median((b) => b.p50Ms), p95Ms: median((b) => b.p95Ms), p99Ms: median((b) => b.p99Ms) },
        },
        null,
        2,
      ),
    );
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
