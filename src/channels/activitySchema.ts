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

/**
 * Checks an inbound body; returns the field errors, or an empty list when it is acceptable. A
 * body that plainly passes every rule of {@link inboundActivitySchema} is accepted without
 * running the schema; any other body goes through the schema, which names each problem.
 */
export function validateInboundActivity(body: unknown): FieldError[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return [{ field: '(body)', message: 'must be a JSON object (a Bot Framework activity)' }];
  }
  if (plainlyValid(body)) return [];
  const result = inboundActivitySchema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}

const DELIVERY_MODES: ReadonlySet<unknown> = new Set(['normal', 'notification', 'expectReplies', 'ephemeral']);
const ACCOUNT_TEXT_FIELDS = ['name', 'aadObjectId', 'role'] as const;

/**
 * Whether a value is what the schema takes for an object: a plain object (as JSON parsing
 * makes), never an array, `null`, or anything the schema would read as a promise, map, set or date.
 */
function plainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { then?: unknown }).then !== 'function';
}

function validId(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_ID_LENGTH && !hasControlCharacters(value);
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function validAccount(value: unknown): boolean {
  return plainObject(value) && validId(value.id) && ACCOUNT_TEXT_FIELDS.every((field) => optionalString(value[field]));
}

function validList(value: unknown, item: (v: unknown) => boolean): boolean {
  return value === undefined || (Array.isArray(value) && value.length <= 100 && value.every(item));
}

/** Service URLs already found to parse, at most {@link KNOWN_URLS_MAX}: a channel sends the same one with every activity. */
const knownUrls = new Set<string>();
const KNOWN_URLS_MAX = 64;

function validUrl(value: string): boolean {
  if (knownUrls.has(value)) return true;
  try {
    new URL(value);
  } catch {
    return false;
  }
  if (knownUrls.size >= KNOWN_URLS_MAX) knownUrls.clear();
  knownUrls.add(value);
  return true;
}

/**
 * The rules of {@link inboundActivitySchema}, checked directly: `true` only when the schema
 * would accept the body. A `false` says nothing; the schema then decides and explains.
 */
function plainlyValid(body: object): boolean {
  if (!plainObject(body)) return false;
  const a = body;
  if (typeof a.type !== 'string' || a.type.length < 1) return false;
  if (typeof a.channelId !== 'string' || a.channelId.length < 1) return false;
  if (!plainObject(a.conversation) || !validId(a.conversation.id)) return false;
  if (!validAccount(a.from)) return false;
  if (a.recipient !== undefined && !validAccount(a.recipient)) return false;
  if (a.id !== undefined && !validId(a.id)) return false;
  if (a.text !== undefined && (typeof a.text !== 'string' || a.text.length > 10000)) return false;
  if (a.serviceUrl !== undefined && (typeof a.serviceUrl !== 'string' || !validUrl(a.serviceUrl))) return false;
  if (a.deliveryMode !== undefined && !DELIVERY_MODES.has(a.deliveryMode)) return false;
  if (!validList(a.attachments, plainObject)) return false;
  if (!validList(a.entities, (e) => plainObject(e) && typeof e.type === 'string')) return false;
  if (!validList(a.membersAdded, validAccount) || !validList(a.membersRemoved, validAccount)) return false;
  if (a.channelData !== undefined && !plainObject(a.channelData)) return false;
  return a.deliveryMode === 'expectReplies' || (typeof a.serviceUrl === 'string' && a.serviceUrl.length > 0);
}
