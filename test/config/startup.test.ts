import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHUTDOWN_GRACE_MS } from '../../src/server';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What `onStdout` may do to the running bot. */
interface Control {
  kill(signal: NodeJS.Signals): void;
  /** Closes the reading end of the bot's standard output, as when the process that started it dies. */
  closeStdout(): void;
}

/** Starts the real entry point with the given environment; `onStdout` may act on output. */
function startBot(env: NodeJS.ProcessEnv, onStdout?: (text: string, control: Control) => void): Promise<Run> {
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
      onStdout?.(stdout, { kill: (s) => child.kill(s), closeStdout: () => child.stdout.destroy() });
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Start-up trains the knowledge model and opens the store: allow for a busy machine.
jest.setTimeout(150_000);

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
    const run = await startBot({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' }, (out, control) => {
      if (!signalled && out.includes('MFA helpdesk bot listening')) {
        signalled = true;
        control.kill('SIGTERM');
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(signalled).toBe(true);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"stopped"');
  });

  it('still stops within the grace period on SIGTERM when its standard output has gone away', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'helpdesk-epipe-'));
    let signalledAt = 0;
    const run = await startBot({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'debug' }, (out, control) => {
      if (signalledAt === 0 && out.includes('MFA helpdesk bot listening')) {
        control.closeStdout();
        signalledAt = Date.now();
        // Give the bot a moment to find its pipe closed (debug lines keep coming), then stop it.
        setTimeout(() => control.kill('SIGTERM'), 300);
      }
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(signalledAt).toBeGreaterThan(0);
    expect(run.code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_GRACE_MS);
  });
});
