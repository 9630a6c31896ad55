import { runBench } from '../../bench/conversations';
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
    }
    for (const load of report.loads) {
      expect({ scenario: load.scenario, errors: load.errors, errorSamples: load.errorSamples }).toEqual({ scenario: load.scenario, errors: 0, errorSamples: undefined });
      expect(load.turns).toBeGreaterThanOrEqual(2 * 4);
      expect(load.p99Ms).toBeGreaterThanOrEqual(load.p50Ms);
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
