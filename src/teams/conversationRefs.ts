import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';

/** A conversation reference as stored (plain JSON), enough to send into that conversation later. */
export type StoredReference = Partial<ConversationReference> & {
  readonly channelId: string;
  readonly serviceUrl: string;
  readonly conversation: ConversationReference['conversation'];
};

const referenceSchema = z
  .object({
    channelId: z.string().min(1),
    serviceUrl: z.string().min(1),
    conversation: z.object({ id: z.string().min(1) }).passthrough(),
  })
  .passthrough();

/**
 * Reads a stored conversation reference (for example `Ticket.conversationRef`).
 * @returns the reference, or `undefined` when it lacks a channel, service URL or conversation id.
 */
export function toStoredReference(value: unknown): StoredReference | undefined {
  const parsed = referenceSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return parsed.data as unknown as StoredReference;
}

/**
 * The conversation id of the reply chain ("thread") under a channel message in Teams:
 * `<channel id>;messageid=<message id>`.
 */
export function threadConversationId(channelConversationId: string, messageId: string): string {
  return `${channelConversationId.split(';')[0]};messageid=${messageId}`;
}
