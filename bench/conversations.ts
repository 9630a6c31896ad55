import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, round1, runLoad, type LoadResult } from './load';
import { freePort, startServer, type ServerProcess } from './processes';
import { benchDirectory, SCENARIOS, VOICE_SERVER_MS, type Scenario, type Target } from './scenarios';

const ROOT = resolve(__dirname, '..');

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Conversations running at the same time against one server (closed loop). */
  readonly conversations: number;
  /** How long each load runs, in seconds. */
  readonly seconds: number;
  /** How many times every load runs, alternating between the servers (A B A B ...). */
  readonly rounds: number;
  /**
   * A quick check instead of a measurement: the servers run from source, and each load plays one
   * conversation per worker instead of running for `seconds`.
   */
  readonly quick?: boolean;
  /** Loads to run, by scenario name (default: all of {@link SCENARIOS}). */
  readonly scenarios?: readonly string[];
}

/** One load in the report. */
export interface LoadReport extends Omit<LoadResult, 'errorSamples' | 'metrics'> {
  readonly round: number;
  readonly scenario: string;
  /** Turns per second relative to the mean of the echo bot's loads just before and just after this one. */
  readonly ratioToEcho?: number;
  /** CPU time the server used per completed turn while the load ran, in ms (every thread of its process). */
  readonly serverCpuMsPerTurn?: number;
  /**
   * The echo bot's CPU per turn (mean of its loads just before and just after this one) divided by
   * this load's: turns per CPU second relative to echo. Unlike turns/s, it hardly moves with what else
   * the machine runs.
   */
  readonly cpuRatioToEcho?: number;
  readonly errorSamples?: readonly string[];
  readonly metrics?: Readonly<Record<string, number>>;
}

/** Medians over the rounds of one scenario. */
export interface ScenarioSummary {
  readonly turnsPerSecond: number;
  readonly ratioToEcho?: number;
  readonly serverCpuMsPerTurn?: number;
  readonly cpuRatioToEcho?: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Errors summed over every round. */
  readonly errors: number;
  readonly metrics?: Readonly<Record<string, number>>;
}

/** What `npm run bench` prints. */
export interface BenchReport {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly loadAverage: readonly number[] };
  readonly conversations: number;
  readonly secondsPerLoad: number;
  readonly rounds: number;
  /** Milliseconds from starting each server until `/healthz` answered; the helpdesk with `npm start` when built. */
  readonly startupMs: Readonly<Record<string, number>>;
  /** Resident memory of each server after every load, in MB. */
  readonly rssMb: Readonly<Record<string, number | undefined>>;
  /** Medians per scenario; `faq`, `verification`, `ticket` and `voice` are the helpdesk, the rest floor bots. */
  readonly summary: Readonly<Record<string, ScenarioSummary>>;
  /** The targets, as met or not in this run. */
  readonly targets: Readonly<Record<string, { readonly value: number | undefined; readonly target: string; readonly met: boolean }>>;
  readonly loads: readonly LoadReport[];
}

/** Servers by target, started once and kept for every round. */
type Servers = Map<Target, ServerProcess>;

async function startServers(targets: ReadonlySet<Target>, quick: boolean, dataDir: string): Promise<Servers> {
  const servers: Servers = new Map();
  const node = process.execPath;
  const nodeFlags = ['--disable-warning=DEP0111'];
  try {
    if (targets.has('helpdesk')) {
      const directoryFile = join(dataDir, 'directory.json');
      writeFileSync(directoryFile, JSON.stringify(benchDirectory()));
      const port = await freePort();
      const env = {
        ...process.env,
        NODE_OPTIONS: undefined,
        NODE_ENV: 'development',
        PORT: String(port),
        DATA_DIR: join(dataDir, 'data'),
        DIRECTORY_FILE: directoryFile,
        VERIFICATION_MAX_SENDS_PER_HOUR: '1000000',
        // Every load comes from one address and runs many times what the per-channel budgets allow in an hour.
        VERIFICATION_WEBCHAT_SENDS_PER_HOUR: '1000000',
        VERIFICATION_VOICE_SENDS_PER_HOUR: '1000000',
        VERIFICATION_SENDS_PER_SOURCE_PER_HOUR: '10000',
        VERIFICATION_SENDS_PER_ADDRESS_PER_HOUR: '1000000',
        // Every code goes to one of the 1,000 numbers of Ofcom's drama range, each far more than 10 times a run.
        VERIFICATION_SENDS_PER_NUMBER_PER_DAY: '1000',
        // The voice load plays Twilio without its signatures (the check itself is one HMAC per webhook).
        VOICE_SKIP_SIGNATURE: 'true',
        HELPDESK_PHONE_NUMBER: '+443332001133',
        LOG_LEVEL: 'info',
      };
      servers.set(
        'helpdesk',
        quick
          ? await startServer({ name: 'helpdesk', command: node, args: [...nodeFlags, '--import', 'tsx', join(ROOT, 'src/index.ts')], env, port })
          : await startServer({ name: 'helpdesk', command: 'npm', args: ['start', '--silent'], env: { ...env, npm_config_loglevel: 'silent' }, port, memoryOf: 'child' }),
      );
    }
    // The floor bots start together, once the helpdesk's own start-up has been timed alone.
    const floors = [...targets].filter((t) => t !== 'helpdesk');
    const started = await Promise.allSettled(
      floors.map(async (target) => {
        const port = await freePort();
        return startServer({
          name: target,
          command: node,
          args: [...nodeFlags, '--import', 'tsx', join(ROOT, 'bench/floorBots.ts'), target],
          env: { ...process.env, NODE_OPTIONS: undefined, PORT: String(port) },
          port,
        });
      }),
    );
    started.forEach((s, i) => {
      if (s.status === 'fulfilled') servers.set(floors[i], s.value);
    });
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    throw err;
  }
  return servers;
}

function summarise(loads: readonly LoadReport[], scenario: string): ScenarioSummary {
  const mine = loads.filter((l) => l.scenario === scenario);
  const ratios = mine.map((l) => l.ratioToEcho).filter((r): r is number => r !== undefined);
  const cpu = mine.map((l) => l.serverCpuMsPerTurn).filter((c): c is number => c !== undefined);
  const cpuRatios = mine.map((l) => l.cpuRatioToEcho).filter((r): r is number => r !== undefined);
  const metricNames = [...new Set(mine.flatMap((l) => Object.keys(l.metrics ?? {})))];
  return {
    turnsPerSecond: round1(median(mine.map((l) => l.turnsPerSecond))),
    ...(ratios.length > 0 ? { ratioToEcho: Math.round(median(ratios) * 100) / 100 } : {}),
    ...(cpu.length > 0 ? { serverCpuMsPerTurn: Math.round(median(cpu) * 1000) / 1000 } : {}),
    ...(cpuRatios.length > 0 ? { cpuRatioToEcho: Math.round(median(cpuRatios) * 100) / 100 } : {}),
    p50Ms: round1(median(mine.map((l) => l.p50Ms))),
    p99Ms: round1(median(mine.map((l) => l.p99Ms))),
    errors: mine.reduce((n, l) => n + l.errors, 0),
    ...(metricNames.length > 0
      ? { metrics: Object.fromEntries(metricNames.map((m) => [m, round1(median(mine.map((l) => l.metrics?.[m]).filter((v): v is number => v !== undefined)))])) }
      : {}),
  };
}

/**
 * Runs the benchmark: builds the helpdesk, starts it with `npm start` and the floor bots of
 * `bench/floorBots.ts`, each in its own process on the loopback interface, then runs every
 * scenario's load in turn, round after round, each between two loads of the echo bot (E A E B E
 * ...), so that every ratio is taken against the echo bot measured just before and just after
 * it. The summary gives medians over the rounds.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const scenarios: Scenario[] = SCENARIOS.filter((s) => options.scenarios === undefined || options.scenarios.includes(s.name));
  const echo = scenarios.find((s) => s.target === 'echo');
  if (!echo) throw new Error('the echo load is needed: every ratio is taken against it');
  const quick = options.quick === true;
  if (!quick) {
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-bench-'));
  const servers = await startServers(new Set(scenarios.map((s) => s.target)), quick, dataDir);
  const loads: LoadReport[] = [];
  let sequence = 0;
  try {
    const measured = scenarios.filter((s) => s !== echo);
    const play = async (scenario: Scenario, round: number): Promise<LoadReport> => {
      const server = servers.get(scenario.target);
      if (!server) throw new Error(`no server for ${scenario.target}`);
      const cpuBefore = server.cpuMs();
      const { nextSequence, errorSamples, metrics, ...result } = await runLoad(scenario.conversation, {
        baseUrl: server.baseUrl,
        conversations: options.conversations,
        durationMs: quick ? undefined : options.seconds * 1000,
        conversationsPerWorker: quick ? 1 : undefined,
        firstSequence: sequence,
        label: `bench-${scenario.name}-${round}`,
      });
      sequence = nextSequence;
      const cpuAfter = server.cpuMs();
      const cpuPerTurn = cpuBefore !== undefined && cpuAfter !== undefined && result.turns > 0 ? (cpuAfter - cpuBefore) / result.turns : undefined;
      return {
        round,
        scenario: scenario.name,
        ...result,
        ...(cpuPerTurn !== undefined ? { serverCpuMsPerTurn: Math.round(cpuPerTurn * 1000) / 1000 } : {}),
        ...(errorSamples.length > 0 ? { errorSamples } : {}),
        ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
      };
    };
    // Every load runs between two echo loads, and its ratio is taken against their mean: the
    // machine is shared, and what else runs on it changes within seconds.
    for (let round = 1; round <= options.rounds; round += 1) {
      let before = await play(echo, round);
      loads.push(before);
      for (const scenario of measured) {
        const load = await play(scenario, round);
        const after = await play(echo, round);
        const echoRate = (before.turnsPerSecond + after.turnsPerSecond) / 2;
        const echoCpu = before.serverCpuMsPerTurn !== undefined && after.serverCpuMsPerTurn !== undefined ? (before.serverCpuMsPerTurn + after.serverCpuMsPerTurn) / 2 : undefined;
        loads.push(
          {
            ...load,
            ...(echoRate > 0 ? { ratioToEcho: Math.round((load.turnsPerSecond / echoRate) * 100) / 100 } : {}),
            ...(echoCpu !== undefined && load.serverCpuMsPerTurn ? { cpuRatioToEcho: Math.round((echoCpu / load.serverCpuMsPerTurn) * 100) / 100 } : {}),
          },
          after,
        );
        before = after;
      }
    }
    const rssMb = Object.fromEntries([...servers].map(([target, s]) => [target, s.rssMb()]));
    const summary = Object.fromEntries(scenarios.map((s) => [s.name, summarise(loads, s.name)]));
    const startupMs = Object.fromEntries([...servers].map(([target, s]) => [target, s.startupMs]));
    const helpdeskLoads = loads.filter((l) => scenarios.find((s) => s.name === l.scenario)?.target === 'helpdesk');
    const faq = summary.faq as ScenarioSummary | undefined;
    const voiceP99 = summary.voice?.metrics?.[`${VOICE_SERVER_MS}P99`];
    const worstP99 = Math.max(0, ...scenarios.filter((s) => s.target === 'helpdesk').map((s) => summary[s.name].p99Ms));
    const targets: BenchReport['targets'] = {
      faqRatioToEcho: { value: faq?.ratioToEcho, target: '>= 0.5', met: (faq?.ratioToEcho ?? 0) >= 0.5 },
      // The same ratio in CPU time per turn, which the machine's other work hardly moves: for reading, not a target of its own.
      ...(faq?.cpuRatioToEcho === undefined ? {} : { faqCpuRatioToEcho: { value: faq.cpuRatioToEcho, target: '>= 0.5 (turns per CPU second)', met: faq.cpuRatioToEcho >= 0.5 } }),
      p99Ms: { value: worstP99, target: '< 100 (median p99 of every helpdesk load)', met: worstP99 < 100 },
      errors: { value: helpdeskLoads.reduce((n, l) => n + l.errors, 0), target: '0', met: helpdeskLoads.every((l) => l.errors === 0) },
      rssMb: { value: rssMb.helpdesk, target: '< 250 after the loads', met: (rssMb.helpdesk ?? Infinity) < 250 },
      startupMs: { value: startupMs.helpdesk, target: '< 5000 for npm start when built', met: !quick && (startupMs.helpdesk ?? Infinity) < 5000 },
      ...(voiceP99 === undefined ? {} : { voiceServerP99Ms: { value: voiceP99, target: '< 50 (median p99 of the server time of a voice turn)', met: voiceP99 < 50 } }),
    };
    return {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg().map((l) => round1(l)) },
      conversations: options.conversations,
      secondsPerLoad: options.seconds,
      rounds: options.rounds,
      startupMs,
      rssMb,
      summary,
      targets,
      loads,
    };
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `npm run bench [-- --conversations 32 --seconds 6 --rounds 3 --only faq,echo]`: prints the report as JSON. */
if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const whole = (name: string, fallback: number, max: number): number => {
    const v = Number(value(name) ?? fallback);
    return Number.isInteger(v) && v > 0 ? Math.min(v, max) : fallback;
  };
  const only = value('only')?.split(',').map((s) => s.trim());
  runBench({
    conversations: whole('conversations', 32, 256),
    seconds: whole('seconds', 6, 120),
    rounds: whole('rounds', 3, 20),
    scenarios: only ? ['echo', ...only.filter((s) => s !== 'echo')] : undefined,
  }).then(
    (report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
