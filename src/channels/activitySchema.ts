import { z } from 'zod';
import { hasControlCharacters, MAX_ID_LENGTH } from './requestGuards';

const optionalText = z.string({ invalid_type_error: 'must be a string' }).optional();
/** An id that is stored, logged and used as a key: bounded and free of control characters. The value is never echoed. */
const idText = z
  .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
  .min(1, 'must be a non-empty string')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  .refine((v) => !hasControlCharacters(v), 'must not contain control characters');
const account = z
  .object({
    id: idText,
    name: optionalText,
    aadObjectId: optionalText,
    role: optionalText,
  })
  .passthrough();
const list = (item: z.ZodTypeAny) => z.array(item, { invalid_type_error: 'must be an array' }).max(100, 'must have at most 100 items').optional();
const object = z.object({}, { invalid_type_error: 'must be an object' }).passthrough();

/**
 * The fields every inbound activity must carry before it may reach the bot. Everything else
 * is passed through untouched for botbuilder to interpret.
 */
export const inboundActivitySchema = z
  .object({
    type: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1, 'must be a non-empty string'),
    channelId: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).min(1, 'must be a non-empty string'),
    conversation: z.object({ id: idText }, { required_error: 'is required', invalid_type_error: 'must be an object' }).passthrough(),
    from: z.object(account.shape, { required_error: 'is required', invalid_type_error: 'must be an object' }).passthrough(),
    recipient: z.object(account.shape, { invalid_type_error: 'must be an object' }).passthrough().optional(),
    id: idText.optional(),
    text: z.string({ invalid_type_error: 'must be a string' }).max(10000, 'must be at most 10000 characters').optional(),
    serviceUrl: z.string({ invalid_type_error: 'must be a string' }).url('must be a URL').optional(),
    deliveryMode: z
      .enum(['normal', 'notification', 'expectReplies', 'ephemeral'], { errorMap: () => ({ message: 'must be normal, notification, expectReplies or ephemeral' }) })
      .optional(),
    attachments: list(object),
    entities: list(z.object({ type: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }) }, { invalid_type_error: 'must be an object' }).passthrough()),
    membersAdded: list(account),
    membersRemoved: list(account),
    channelData: object.optional(),
  })
  .passthrough()
  .refine((a) => a.deliveryMode === 'expectReplies' || (typeof a.serviceUrl === 'string' && a.serviceUrl.length > 0), {
    message: 'is required unless deliveryMode is expectReplies (replies need somewhere to go)',
    path: ['serviceUrl'],
  });

/** A field that failed validation, e.g. `{ field: 'conversation.id', message: 'is required' }`. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** Checks an inbound body; returns the field errors, or an empty list when it is acceptable. */
export function validateInboundActivity(body: unknown): FieldError[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return [{ field: '(body)', message: 'must be a JSON object (a Bot Framework activity)' }];
  }
  const result = inboundActivitySchema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}
