import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the real entry point with the given environment; `onStdout` may act on output. */
function startBot(env: NodeJS.ProcessEnv, onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      onStdout?.(stdout, (s) => child.kill(s));
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Start-up trains the knowledge model and opens the store: allow for a busy machine.
jest.setTimeout(90_000);

describe('process start-up and shutdown', () => {
  it('exits 1 with one message listing every config problem and no stack trace', async () => {
    const run = await startBot({ PORT: 'eighty', LOG_LEVEL: 'chatty', NODE_ENV: 'staging' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Invalid configuration \(3 problems\)/);
    expect(run.stderr).toMatch(/- PORT: expects a whole number/);
    expect(run.stderr).toMatch(/- LOG_LEVEL: expects one of/);
    expect(run.stderr).toMatch(/- NODE_ENV: expects one of/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('starts, then stops cleanly with exit code 0 on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-start-'));
    let signalled = false;
    const run = await startBot({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' }, (out, kill) => {
      if (!signalled && out.includes('MFA helpdesk bot listening')) {
        signalled = true;
        kill('SIGTERM');
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(signalled).toBe(true);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"stopped"');
  });
});
