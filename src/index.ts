import './preload';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config';
import { buildHelpdesk, type Helpdesk } from './composition';
import { createLogger, redact } from './logger';
import { SHUTDOWN_GRACE_MS } from './server';

/** Starts the bot from environment variables; exits 1 with a readable message on bad config. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example and the configuration table in README.md.\n`);
      process.exit(1);
    }
    throw err;
  }
  // A reader of standard output that goes away (the parent process died) must not leave errors unhandled.
  process.stdout.on('error', () => undefined);
  const logger = createLogger({ level: config.logLevel });
  let helpdesk: Helpdesk | undefined;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    // Whatever happens to the log (its pipe may be gone), the process ends within the grace period.
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS + HARD_STOP_MARGIN_MS);
    quietly(() => logger.info({ signal }, 'shutting down'));
    if (!helpdesk) process.exit(0);
    helpdesk
      .stop()
      .then(() => {
        quietly(() => logger.info('stopped'));
        process.exit(0);
      })
      .catch((err: unknown) => {
        quietly(() => logger.error({ err: redact(err) }, 'error during shutdown'));
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    quietly(() => logger.error({ err: redact(reason) }, 'unhandled promise rejection'));
  });
  // Signals are handled before the server starts listening, so one that arrives right after start-up still stops it cleanly.
  try {
    const built = await buildHelpdesk(config, logger);
    if (stopping) process.exit(0);
    helpdesk = built;
    await built.start();
  } catch (err) {
    quietly(() => logger.fatal({ err: redact(err) }, 'could not start'));
    process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

/** Extra time, after the server's grace period, before a stop that hangs is forced. */
const HARD_STOP_MARGIN_MS = 5_000;

/** Runs a log call; a log that can no longer be written (stdout closed) must not stop the process from stopping. */
function quietly(log: () => void): void {
  try {
    log();
  } catch {
    // The log's destination is gone; nothing else can be told.
  }
}

void main();
