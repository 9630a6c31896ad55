import type { RecognizerResult } from 'botbuilder';
import type { CommandIntent } from './commands';
import type { HelpdeskEntities } from './entities';
import type { KnowledgeClassification } from './knowledgeNlu';

/** Intent of a message that is none of the others (off-topic). */
export const NONE_INTENT = 'None';
/** Prefix of command intents in {@link HelpdeskRecognition.intents}, e.g. `command.cancel`. */
export const COMMAND_PREFIX = 'command.';
/** Prefix of small-talk intents, e.g. `smalltalk.greeting`. */
export const SMALLTALK_PREFIX = 'smalltalk.';
/** Prefix of near-domain intents (IT questions that are not MFA), e.g. `near.password_reset`. */
export const NEAR_DOMAIN_PREFIX = 'near.';

/** What a message means, in the Bot Framework `RecognizerResult` shape, with typed entities. */
export interface HelpdeskRecognition extends RecognizerResult {
  /** Scores of the intents found: `command.<name>`, an entry id, `smalltalk.<name>` or `None`. */
  readonly intents: Record<string, { score: number }>;
  readonly entities: HelpdeskEntities;
  /** The command, when the message is one (it then outranks everything else). */
  readonly command?: CommandIntent;
  /** What the knowledge model made of it: an answer, small talk, unclear or off-topic. */
  readonly classification: KnowledgeClassification;
  /** The entry of the context the message was read against as a follow-up, when it was one. */
  readonly followUpOf?: string;
}

/** The highest-scoring intent of a recognition (`None` with score 0 when there is none). */
export function topIntent(result: Pick<RecognizerResult, 'intents'>): { readonly intent: string; readonly score: number } {
  let best = { intent: NONE_INTENT, score: 0 };
  for (const [intent, { score = 0 }] of Object.entries(result.intents)) if (score > best.score) best = { intent, score };
  return best;
}
