import type { Request } from 'restify';
import twilio from 'twilio';

/** How Twilio webhooks are authenticated. */
export interface TwilioWebhookAuth {
  /** Public base URL Twilio calls (e.g. `https://bot.example.org`); signatures are computed over it, not the local host. */
  readonly publicBaseUrl?: string;
  /** The Twilio auth token that signs every webhook. */
  readonly authToken?: string;
  /** Accept unsigned requests (local testing only; the config refuses it in production). */
  readonly skipSignature?: boolean;
}

/** The form fields of a webhook body as strings (anything else is dropped). */
export function formParams(body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') params[k] = v;
  }
  return params;
}

/** The public URL Twilio requested: `PUBLIC_BASE_URL` plus the path and query string as received. */
export function publicUrlOf(req: Request, publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${req.url ?? req.path()}`;
}

/**
 * Why a webhook request is refused, or `undefined` when its `X-Twilio-Signature` is valid
 * (checked with the twilio package's `validateRequest` over the public URL and the form body).
 * Proxies change the host and the scheme, so the URL is always rebuilt from `publicBaseUrl`.
 */
export function signatureProblem(req: Request, params: Record<string, string>, auth: TwilioWebhookAuth): string | undefined {
  if (auth.skipSignature) return undefined;
  if (!auth.authToken || !auth.publicBaseUrl) return 'signatures cannot be checked: TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL must be set';
  const signature = req.header('x-twilio-signature');
  if (!signature) return 'the X-Twilio-Signature header is missing';
  if (!twilio.validateRequest(auth.authToken, signature, publicUrlOf(req, auth.publicBaseUrl), params)) {
    return 'the X-Twilio-Signature does not match the public URL and body (check PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN)';
  }
  return undefined;
}
