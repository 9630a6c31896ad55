import { basename } from 'node:path';
import { z } from 'zod';
import type { PhoneMethod } from '../directory/directory';
import type { Channel } from '../verification/types';
import { findContentFile, KnowledgeBaseError, readJson } from './knowledgeBase';

/**
 * The everyday words that pick a choice, from `content/choiceWords.json`: yes and no as people
 * say them, the words for a text or a call, and for each kind of registered phone.
 */
export interface ChoiceWords {
  /** Words left out when a reply is compared with the choices ("the", "my", "please" …). */
  readonly ignore: readonly string[];
  readonly yes: readonly string[];
  readonly no: readonly string[];
  readonly channels: Readonly<Record<Channel, readonly string[]>>;
  readonly places: Readonly<Record<PhoneMethod, readonly string[]>>;
}

const words = z.array(z.string().trim().toLowerCase().min(1)).min(1);

const choiceWordsSchema = z
  .object({
    ignore: words,
    yes: words,
    no: words,
    channels: z.object({ sms: words, voice: words }).strict(),
    places: z.object({ mobile: words, alternateMobile: words, officePhone: words }).strict(),
  })
  .strict();

/**
 * Reads the choice words.
 * @param file defaults to `content/choiceWords.json`
 * @throws KnowledgeBaseError when the file is missing or malformed
 */
export function loadChoiceWords(file: string = findContentFile('choiceWords.json')): ChoiceWords {
  const parsed = choiceWordsSchema.safeParse(readJson(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KnowledgeBaseError(basename(file), `[${issue.path.join('.')}]: ${issue.message}`);
  }
  return parsed.data;
}

let shared: ChoiceWords | undefined;

/** The words of `content/choiceWords.json`, loaded once. */
export function choiceWords(): ChoiceWords {
  shared ??= loadChoiceWords();
  return shared;
}
