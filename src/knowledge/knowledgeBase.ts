import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { KNOWLEDGE_DIALOGS, type KnowledgeEntry, type SmallTalkIntent } from './types';

/** Minimum number of training utterances per entry or small-talk intent. */
export const MIN_UTTERANCES = 8;

/** Matches anything that a speech engine would read out as a web or mail address. */
export const URL_PATTERN = /(https?:\/\/|www\.|mailto:|tel:|\b[\w-]+\.(?:ms|com|net|org|uk|io)\b|@)/i;

/** Matches a UK phone number written as digits, which speech must spell out in digit groups instead. */
export const WRITTEN_PHONE_NUMBER = /\b0\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b/;

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const speechSchema = nonEmpty
  .refine((s) => !URL_PATTERN.test(s), 'must not contain a URL or e-mail address; say where to find it instead')
  .refine((s) => !WRITTEN_PHONE_NUMBER.test(s), 'must speak numbers in digit groups, e.g. "oh three three three, two oh oh, one one three three"');

const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case (a-z, 0-9, _)'),
    topic: nonEmpty,
    utterances: z.array(nonEmpty).min(MIN_UTTERANCES, `needs at least ${MIN_UTTERANCES} utterances`),
    answer: nonEmpty,
    speech: speechSchema,
    links: z
      .array(z.object({ title: nonEmpty, url: z.string().url('must be an absolute URL') }).strict())
      .optional(),
    followUps: z.array(nonEmpty).optional(),
    dialog: z.enum(KNOWLEDGE_DIALOGS).optional(),
    steps: z.object({ title: nonEmpty, items: z.array(nonEmpty).min(1) }).strict().optional(),
    cases: z
      .array(
        z
          .object({ method: z.enum(['app', 'sms', 'call']).optional(), device: z.enum(['iphone', 'android']).optional(), answer: nonEmpty, speech: speechSchema })
          .strict()
          .refine((c) => c.method !== undefined || c.device !== undefined, 'needs a method or a device'),
      )
      .optional(),
  })
  .strict();

const smallTalkSchema = z.array(
  z
    .object({
      intent: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case (a-z, 0-9, _)'),
      utterances: z.array(nonEmpty).min(MIN_UTTERANCES, `needs at least ${MIN_UTTERANCES} utterances`),
      reply: nonEmpty,
      speech: speechSchema,
    })
    .strict(),
);

/** Thrown when a content file is missing, is not JSON or does not match the schema. */
export class KnowledgeBaseError extends Error {
  /**
   * @param file the offending file (base name)
   * @param detail what is wrong, naming the field
   */
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`Invalid knowledge content in ${file}: ${detail}`);
    this.name = 'KnowledgeBaseError';
  }
}

/**
 * Finds `content/<name>` by walking up from this module, so it works from `src/` and from `dist/src/`.
 * @param name a file or directory name under `content/`
 */
export function findContentFile(name: string): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'content', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find content/${name} above ${__dirname}`);
    dir = parent;
  }
}

/** The default knowledge directory, `content/knowledge` at the project root. */
export function defaultKnowledgeDir(): string {
  return findContentFile('knowledge');
}

/** The default small-talk file, `content/smalltalk.json` at the project root. */
export function defaultSmallTalkFile(): string {
  return findContentFile('smalltalk.json');
}

/**
 * Reads a content file as JSON.
 * @throws KnowledgeBaseError naming the file when it cannot be read or parsed
 */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KnowledgeBaseError(basename(file), `cannot be read (${(err as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new KnowledgeBaseError(basename(file), `is not valid JSON (${(err as Error).message})`);
  }
}

/** Describes the first zod issue as `[3] (id "lost_phone").utterances: needs at least 8 utterances`. */
function describeIssue(error: z.ZodError, raw: unknown): string {
  const issue = error.issues[0];
  const path = issue.path;
  let where = '';
  for (const part of path) where += typeof part === 'number' ? `[${part}]` : `${where ? '.' : ''}${part}`;
  if (Array.isArray(raw) && typeof path[0] === 'number') {
    const item: unknown = raw[path[0]];
    if (item !== null && typeof item === 'object' && 'id' in item && typeof item.id === 'string') {
      where = where.replace(/^\[\d+\]/, (m) => `${m} (id "${String(item.id)}")`);
    }
  }
  if (issue.code === 'unrecognized_keys') return `${where || 'root'}: unknown field(s) ${issue.keys.join(', ')}`;
  return `${where || 'root'}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads and validates every `*.json` file of a knowledge directory. A file holds one entry or an
 * array of entries. Ids must be unique across files and every follow-up must name a known entry.
 * @param dir the directory to read; defaults to `content/knowledge`
 * @returns the entries, frozen, in file-name then file order
 * @throws KnowledgeBaseError naming the file and the field at fault
 */
export function loadKnowledgeBase(dir: string = defaultKnowledgeDir()): KnowledgeEntry[] {
  const root = resolve(dir);
  const files = readdirSync(root)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new KnowledgeBaseError(root, 'no *.json files found');
  const entries: KnowledgeEntry[] = [];
  const origin = new Map<string, string>();
  for (const file of files) {
    const raw = readJson(join(root, file));
    const list = Array.isArray(raw) ? raw : [raw];
    const parsed = z.array(entrySchema).safeParse(list);
    if (!parsed.success) throw new KnowledgeBaseError(file, describeIssue(parsed.error, list));
    for (const entry of parsed.data) {
      const seen = origin.get(entry.id);
      if (seen) throw new KnowledgeBaseError(file, `id "${entry.id}" is already used in ${seen}`);
      origin.set(entry.id, file);
      entries.push(entry);
    }
  }
  for (const entry of entries) {
    for (const target of entry.followUps ?? []) {
      if (!origin.has(target)) {
        throw new KnowledgeBaseError(origin.get(entry.id) ?? root, `(id "${entry.id}").followUps: unknown entry id "${target}"`);
      }
      if (target === entry.id) {
        throw new KnowledgeBaseError(origin.get(entry.id) ?? root, `(id "${entry.id}").followUps: an entry cannot follow up itself`);
      }
    }
  }
  return deepFreeze(entries);
}

/**
 * Loads and validates the small-talk intents.
 * @param file the JSON file, an array of intents; defaults to `content/smalltalk.json`
 * @throws KnowledgeBaseError naming the file and the field at fault
 */
export function loadSmallTalk(file: string = defaultSmallTalkFile()): SmallTalkIntent[] {
  const raw = readJson(file);
  const parsed = smallTalkSchema.safeParse(raw);
  if (!parsed.success) throw new KnowledgeBaseError(basename(file), describeIssue(parsed.error, raw));
  const seen = new Set<string>();
  for (const item of parsed.data) {
    if (seen.has(item.intent)) throw new KnowledgeBaseError(basename(file), `intent "${item.intent}" is defined twice`);
    seen.add(item.intent);
  }
  return deepFreeze(parsed.data);
}

let defaultEntries: readonly KnowledgeEntry[] | undefined;

/**
 * Finds an entry by id.
 * @param id the entry id
 * @param entries where to look; defaults to the knowledge base in `content/knowledge`, read once
 */
export function lookupEntry(id: string, entries?: readonly KnowledgeEntry[]): KnowledgeEntry | undefined {
  const list = entries ?? (defaultEntries ??= loadKnowledgeBase());
  return list.find((e) => e.id === id);
}
