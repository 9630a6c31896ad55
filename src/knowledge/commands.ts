import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { findContentFile, KnowledgeBaseError } from './knowledgeBase';

/** Every command the recognizer knows, by intent name (without the `command.` prefix). */
export const COMMAND_INTENTS = [
  'cancel',
  'startOver',
  'help',
  'person',
  'verifyMe',
  'cancelTicket',
  'myTickets',
  'topic.lost_device',
  'topic.change_method',
  'topic.new_device',
  'topic.suspicious_prompt',
  'topic.exception_request',
  'resendCode',
  'callInstead',
  'textInstead',
  'yes',
  'no',
] as const;

/** A command intent. */
export type CommandIntent = (typeof COMMAND_INTENTS)[number];

/**
 * Where a command is understood:
 * - `anywhere`: at every step of every conversation (help, cancel, start over, talk to a person);
 * - `top`: when no conversation is running (verify me, my tickets, the menu topics);
 * - `codePrompt`: while a one-time code is awaited (send a new code, call me, text me);
 * - `reply`: as the answer to a yes/no question such as "did this help?".
 */
export type CommandScope = 'anywhere' | 'top' | 'codePrompt' | 'reply';

/** One command of `content/commands.json`. */
export interface CommandDefinition {
  readonly intent: CommandIntent;
  readonly scope: CommandScope;
  /** Whole messages (after {@link normaliseCommand}) that are this command. */
  readonly phrases: readonly string[];
  /** Regular expressions tested against the normalised message. */
  readonly patterns: readonly string[];
}

/** A recognised command. */
export interface CommandMatch {
  readonly intent: CommandIntent;
  readonly scope: CommandScope;
  /** 1 for a whole-message phrase, 0.9 for a pattern inside a longer message. */
  readonly score: number;
}

const validRegExp = (source: string): boolean => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

const commandsSchema = z
  .array(
    z
      .object({
        intent: z.enum(COMMAND_INTENTS),
        scope: z.enum(['anywhere', 'top', 'codePrompt', 'reply']),
        phrases: z.array(z.string().trim().min(1)),
        patterns: z.array(z.string().min(1).refine(validRegExp, 'must be a valid regular expression')),
      })
      .strict()
      .refine((c) => c.phrases.length + c.patterns.length > 0, 'needs at least one phrase or pattern'),
  )
  .min(1);

/** Lower case, one kind of apostrophe, single spaces, no surrounding punctuation. */
export function normaliseCommand(text: string | undefined): string {
  return (text ?? '')
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/^[\s.!?,;:]+|[\s.!?,;:]+$/g, '')
    .replace(/\s+/g, ' ');
}

/**
 * Reads the command definitions.
 * @param file defaults to `content/commands.json`
 * @throws KnowledgeBaseError when the file is missing or malformed
 */
export function loadCommands(file: string = findContentFile('commands.json')): CommandDefinition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new KnowledgeBaseError(file, `cannot be read as JSON (${(err as Error).message})`);
  }
  const parsed = commandsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KnowledgeBaseError(file, `[${issue.path.join('.')}]: ${issue.message}`);
  }
  return parsed.data.map((c) => ({ ...c, phrases: c.phrases.map(normaliseCommand) }));
}

/** Recognises commands: whole-message phrases first, then patterns, in the order of the content file. */
export class CommandRecognizer {
  private readonly commands: readonly (CommandDefinition & { readonly regexps: readonly RegExp[] })[];

  /** @param commands the definitions; defaults to `content/commands.json` */
  constructor(commands: readonly CommandDefinition[] = loadCommands()) {
    this.commands = commands.map((c) => ({ ...c, regexps: c.patterns.map((p) => new RegExp(p)) }));
  }

  /**
   * The command a message is, if any.
   * @param text what the user typed or said
   * @param scopes the scopes to consider; all when omitted
   */
  recognize(text: string | undefined, scopes?: readonly CommandScope[]): CommandMatch | undefined {
    const t = normaliseCommand(text);
    if (!t) return undefined;
    const inScope = this.commands.filter((c) => !scopes || scopes.includes(c.scope));
    const exact = inScope.find((c) => c.phrases.includes(t));
    if (exact) return { intent: exact.intent, scope: exact.scope, score: 1 };
    const pattern = inScope.find((c) => c.regexps.some((r) => r.test(t)));
    return pattern ? { intent: pattern.intent, scope: pattern.scope, score: 0.9 } : undefined;
  }
}

let shared: CommandRecognizer | undefined;

/**
 * Recognises a command with the definitions of `content/commands.json`, loaded once.
 * @param text what the user typed or said
 * @param scopes the scopes to consider; all when omitted
 */
export function recognizeCommand(text: string | undefined, scopes?: readonly CommandScope[]): CommandIntent | undefined {
  shared ??= new CommandRecognizer();
  return shared.recognize(text, scopes)?.intent;
}
