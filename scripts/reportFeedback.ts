/**
 * `npm run report:feedback` prints how often each knowledge entry's answer helped and did not
 * help, most unhelpful first, from the configured store (`MONGODB_URI` set: MongoDB; otherwise
 * SQLite in `DATA_DIR`), so the content owners know which answers to rewrite.
 */
import { existsSync } from 'node:fs';
import { systemClock } from '../src/clock';
import { createStore } from '../src/composition';
import { ConfigError, loadConfig } from '../src/config';
import { FeedbackLog, formatFeedbackReport } from '../src/knowledge/feedbackLog';
import { lookupEntry } from '../src/knowledge/knowledgeBase';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const store = await createStore(loadConfig(), systemClock);
  try {
    const rows = await new FeedbackLog(store, systemClock).countsByEntry();
    process.stdout.write(`${formatFeedbackReport(rows, (id) => lookupEntry(id)?.topic)}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Feedback report failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exitCode = 1;
});
