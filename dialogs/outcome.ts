import type { TopicId } from './menu';

/** Ticket types a conversation may hand over to people with. */
export type HandoffType = 'lost_device' | 'change_method' | 'new_device' | 'suspicious_prompt' | 'exception_request' | 'other';

/**
 * How a topic conversation ended, returned to `MainDialog`:
 * - `done`: the person was helped, nothing more to do;
 * - `handoff`: a person has to finish the job; `details` is what the conversation learnt;
 * - `redirect`: another topic fits better (e.g. a new phone when the old one is lost).
 */
export type TopicOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'handoff'; readonly type: HandoffType; readonly summary: string; readonly details: Readonly<Record<string, unknown>> }
  | { readonly kind: 'redirect'; readonly topic: TopicId; readonly options?: Readonly<Record<string, unknown>> };

/** Type guard for values returned by topic dialogs. */
export function isTopicOutcome(value: unknown): value is TopicOutcome {
  if (value === null || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'done' || kind === 'handoff' || kind === 'redirect';
}
