import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Nlp } from '@nlpjs/nlp';

/** Packages whose code shapes a trained model: a new version of any of them trains afresh. */
const MODEL_PACKAGES = ['@nlpjs/core', '@nlpjs/lang-en', '@nlpjs/neural', '@nlpjs/nlp', '@nlpjs/nlu'] as const;

/** Bumped whenever what is written to the cache changes shape. */
const CACHE_FORMAT = 1;

/** How a model came to be ready: trained now, or read from the cache of an earlier training. */
export type ModelSource = 'trained' | 'cached';

/** What a model was trained from: its settings and its documents in the order they were added. */
export interface TrainingData {
  readonly settings: unknown;
  readonly documents: readonly (readonly [text: string, intent: string])[];
}

let packageVersions: string | undefined;

/** The installed versions of {@link MODEL_PACKAGES}, read once. */
function modelPackageVersions(): string {
  packageVersions ??= MODEL_PACKAGES.map((name) => {
    try {
      const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: unknown };
      return `${name}@${String(pkg.version)}`;
    } catch {
      return `${name}@unknown`;
    }
  }).join(',');
  return packageVersions;
}

/** The name a model trained from `data` is kept under: a SHA-256 of everything that shapes it. */
export function modelFingerprint(data: TrainingData): string {
  return createHash('sha256')
    .update(JSON.stringify({ format: CACHE_FORMAT, packages: modelPackageVersions(), settings: data.settings, documents: data.documents }))
    .digest('hex');
}

/**
 * Makes `model` ready. NLP.js trains the same model from the same documents every time, so a model
 * trained once is kept in `cacheDir` under the fingerprint of its training data
 * ({@link modelFingerprint}) and read back by later starts instead of being trained again; any
 * change to the documents, the settings or the NLP.js packages gives another fingerprint, and so a
 * fresh training. A cache file that cannot be read is trained over; a cache that cannot be written
 * only costs the next start its training. Without `cacheDir` the model is always trained.
 * @returns whether the model was trained now or read from the cache
 */
export async function trainOrLoad(model: Nlp, data: TrainingData, cacheDir: string | undefined): Promise<ModelSource> {
  if (cacheDir === undefined) {
    await model.train();
    return 'trained';
  }
  const file = join(cacheDir, `${modelFingerprint(data)}.json`);
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    saved = undefined;
  }
  if (saved !== undefined) {
    try {
      model.import(saved);
      return 'cached';
    } catch {
      // Not a model this version can read: trained again below, and the file replaced.
    }
  }
  await model.train();
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed, so a reader never sees half a file, even with several processes starting at once.
    writeFileSync(temp, model.export(true));
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
  return 'trained';
}

/**
 * Where the product keeps its trained models: `node_modules/.cache/mfa-helpdesk-nlu` at the
 * project root (found by walking up from this module, so it works from `src/` and `dist/src/`),
 * the usual place for caches of tools, which `npm ci` clears. `undefined` when there is no
 * `node_modules` folder above, and the models are then trained at every start.
 */
export function defaultModelCacheDir(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'mfa-helpdesk-nlu');
    if (dirname(dir) === dir) return undefined;
  }
}
