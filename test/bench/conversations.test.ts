import { runBench } from '../../bench/conversations';
import { cpuMsOf } from '../../bench/processes';
import { SCENARIOS } from '../../bench/scenarios';

describe('npm run bench', () => {
  // Checks that every load works end to end, never how fast: the machine running the tests is shared.
  it('plays one conversation of every scenario against the helpdesk and the floor bots, each in its own process, and reports them', async () => {
    const report = await runBench({ conversations: 2, seconds: 1, rounds: 1, quick: true });
    // Every load between two echo loads: E faq E runDialog E ... E voice E.
    const measured = SCENARIOS.filter((s) => s.name !== 'echo').map((s) => s.name);
    expect(report.loads.map((l) => l.scenario)).toEqual(['echo', ...measured.flatMap((name) => [name, 'echo'])]);
    for (const [i, load] of report.loads.entries()) {
      if (load.scenario === 'echo') continue;
      const around = (report.loads[i - 1].turnsPerSecond + report.loads[i + 1].turnsPerSecond) / 2;
      // Rounded to two decimals.
      expect(Math.abs((load.ratioToEcho ?? Infinity) - load.turnsPerSecond / around)).toBeLessThanOrEqual(0.005 + 1e-9);
      // CPU per turn is read in 10 ms ticks, so a quick run may see none; when both sides saw some, the ratio is theirs.
      const echoCpu = ((report.loads[i - 1].serverCpuMsPerTurn ?? NaN) + (report.loads[i + 1].serverCpuMsPerTurn ?? NaN)) / 2;
      if (load.cpuRatioToEcho !== undefined) expect(Math.abs(load.cpuRatioToEcho - echoCpu / (load.serverCpuMsPerTurn ?? NaN))).toBeLessThanOrEqual(0.005 + 1e-9);
    }
    for (const load of report.loads) {
      expect({ scenario: load.scenario, errors: load.errors, errorSamples: load.errorSamples }).toEqual({ scenario: load.scenario, errors: 0, errorSamples: undefined });
      expect(load.turns).toBeGreaterThanOrEqual(2 * 4);
      expect(load.p99Ms).toBeGreaterThanOrEqual(load.p50Ms);
      expect(load.serverCpuMsPerTurn).toBeGreaterThanOrEqual(0);
    }
    expect(report.loads.find((l) => l.scenario === 'faq')?.ratioToEcho).toBeGreaterThan(0);
    expect(Object.keys(report.summary)).toEqual(SCENARIOS.map((s) => s.name));
    expect(Object.keys(report.startupMs).sort()).toEqual(['dialogSet', 'echo', 'helpdesk', 'runDialog']);
    expect(report.rssMb.helpdesk).toBeGreaterThan(0);
    expect(report.targets.errors).toEqual({ value: 0, target: '0', met: true });
    // The voice load reads the server's own time of each webhook from its Server-Timing header.
    const voice = report.loads.find((l) => l.scenario === 'voice');
    expect(voice?.metrics?.voiceServerMsP50).toBeGreaterThan(0);
    expect(voice?.metrics?.voiceServerMsP99).toBeGreaterThanOrEqual(voice?.metrics?.voiceServerMsP50 ?? Infinity);
    expect(report.targets.voiceServerP99Ms?.value).toBe(report.summary.voice.metrics?.voiceServerMsP99);
  }, 300_000);
});

describe('cpuMsOf', () => {
  it("reads a process's CPU time from /proc as Node itself counts it", () => {
    const before = cpuMsOf(process.pid) ?? NaN;
    const usageBefore = process.cpuUsage();
    const until = performance.now() + 200;
    let spin = 0;
    while (performance.now() < until) spin += 1;
    const usage = process.cpuUsage(usageBefore);
    const seen = (cpuMsOf(process.pid) ?? NaN) - before;
    expect(spin).toBeGreaterThan(0);
    // /proc counts in 10 ms ticks; the whole process (its other threads too) may add a little.
    expect(seen).toBeGreaterThanOrEqual((usage.user + usage.system) / 1000 - 20);
    expect(seen).toBeLessThanOrEqual((usage.user + usage.system) / 1000 + 60);
    expect(cpuMsOf(2 ** 22 + 12345)).toBeUndefined();
  });
});
