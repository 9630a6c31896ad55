import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ROOT = join(__dirname, '..');

/** Logs one line from a fresh process through `createLogger`, with standard output piped to the test. */
function logOnce(options: string): string {
  const script = [
    "const { createLogger } = require('./src/logger');",
    `const logger = createLogger(${options});`,
    "logger.info({ conversationId: 'c-1' }, 'turn handled');",
    'logger.flush();',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  expect(run.stderr).toBe('');
  return run.stdout;
}

describe('log format', () => {
  it('is one JSON object per line when standard output is not a terminal', () => {
    const lines = logOnce("{ level: 'info' }").trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: 'turn handled', conversationId: 'c-1', service: 'mfa-helpdesk-bot' });
  });

  it('is a readable line from pino-pretty on a terminal', () => {
    const out = stripVTControlCharacters(logOnce("{ level: 'info', pretty: true }"));
    expect(out).toMatch(/INFO.*turn handled/);
    expect(out).toMatch(/conversationId: "c-1"/);
    expect(() => JSON.parse(out.trim().split('\n')[0])).toThrow();
  });
});
