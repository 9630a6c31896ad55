import { runBench } from '../../bench/conversations';

describe('npm run bench', () => {
  it('plays the scripted conversations against the real server without errors and reports figures', async () => {
    const result = await runBench({ users: 2, rounds: 1 });
    expect(result.errors).toBe(0);
    expect(result.turns).toBe(14);
    expect(result.p50Ms).toBeGreaterThan(0);
    expect(result.p95Ms).toBeGreaterThanOrEqual(result.p50Ms);
    expect(result.turnsPerSecond).toBeGreaterThan(0);
  });
});
