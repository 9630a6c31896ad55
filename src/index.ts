import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config';
import { buildHelpdesk } from './composition';
import { createLogger, redact } from './logger';

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
  const logger = createLogger({ level: config.logLevel });
  let helpdesk;
  try {
    helpdesk = await buildHelpdesk(config, logger);
    await helpdesk.start();
  } catch (err) {
    logger.fatal({ err: redact(err) }, 'could not start');
    process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }

  const running = helpdesk;
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running
      .stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err: redact(err) }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: redact(reason) }, 'unhandled promise rejection');
  });
}

void main();
