import { randomBytes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import twilio from 'twilio';

/** One TwiML element, parsed with a real XML parser. */
export interface TwimlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Text content of the element itself (trimmed). */
  readonly text: string;
  readonly children: readonly TwimlNode[];
}

/** Parses TwiML; throws unless it is well-formed XML with a `<Response>` root. */
export function parseTwiml(xml: string): TwimlNode {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: () => undefined, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0) throw new Error(`TwiML is not well-formed: ${errors.join('; ')}`);
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'Response') throw new Error(`TwiML root is ${root?.nodeName ?? 'missing'}, not Response`);
  const toNode = (el: Element): TwimlNode => {
    const attrs: Record<string, string> = {};
    for (let i = 0; i < el.attributes.length; i += 1) {
      const a = el.attributes.item(i);
      if (a) attrs[a.name] = a.value;
    }
    const children: TwimlNode[] = [];
    let text = '';
    for (let i = 0; i < el.childNodes.length; i += 1) {
      const c = el.childNodes.item(i);
      if (c.nodeType === 1) children.push(toNode(c as Element));
      else if (c.nodeType === 3) text += c.nodeValue ?? '';
    }
    return { name: el.nodeName, attrs, text: text.trim(), children };
  };
  return toNode(root);
}

/** Every `<Say>` text, in document order, including those inside `<Gather>`. */
export function saysOf(node: TwimlNode): string[] {
  return node.children.flatMap((c) => (c.name === 'Say' ? [c.text] : saysOf(c)));
}

/** The element names directly under `<Response>`. */
export function verbsOf(node: TwimlNode): string[] {
  return node.children.map((c) => c.name);
}

/** The first child element named `name` (searching the whole tree). */
export function find(node: TwimlNode, name: string): TwimlNode | undefined {
  for (const c of node.children) {
    if (c.name === name) return c;
    const inner = find(c, name);
    if (inner) return inner;
  }
  return undefined;
}

/** A random Twilio CallSid. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** Options of {@link VoiceCaller}. */
export interface VoiceCallerOptions {
  readonly baseUrl: string;
  /** `PUBLIC_BASE_URL` of the server; signatures are computed over it. */
  readonly publicBaseUrl: string;
  /** Twilio auth token; without it requests go unsigned. */
  readonly authToken?: string;
  readonly from?: string;
  readonly callSid?: string;
}

/** The answer to one webhook. */
export interface WebhookAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly twiml?: TwimlNode;
}

/** Plays Twilio: posts signed, form-encoded webhooks for one call and parses the TwiML answers. */
export class VoiceCaller {
  readonly callSid: string;

  constructor(private readonly options: VoiceCallerOptions) {
    this.callSid = options.callSid ?? newCallSid();
  }

  /** Posts a webhook; the body gets the call's `CallSid`, `From` and `To`. */
  async post(path: string, fields: Record<string, string> = {}, signature?: string): Promise<WebhookAnswer> {
    const params = { CallSid: this.callSid, AccountSid: `AC${'0'.repeat(32)}`, From: this.options.from ?? '+447700900999', To: '+443330000000', ...fields };
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const sig = signature ?? (this.options.authToken ? twilio.getExpectedTwilioSignature(this.options.authToken, `${this.options.publicBaseUrl}${path}`, params) : undefined);
    if (sig !== undefined) headers['x-twilio-signature'] = sig;
    const res = await fetch(`${this.options.baseUrl}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    const body = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    return { status: res.status, contentType, body, twiml: /xml/.test(contentType) ? parseTwiml(body) : undefined };
  }

  /** The call comes in. */
  start(): Promise<WebhookAnswer> {
    return this.post('/api/voice', { CallStatus: 'ringing' });
  }

  /** The caller says something. */
  say(speech: string): Promise<WebhookAnswer> {
    return this.post('/api/voice/gather', { SpeechResult: speech, Confidence: '0.9' });
  }

  /** The caller keys digits. */
  key(digits: string): Promise<WebhookAnswer> {
    return this.post('/api/voice/gather', { Digits: digits });
  }

  /** The caller says and keys nothing (`actionOnEmptyResult`). */
  silence(): Promise<WebhookAnswer> {
    return this.post('/api/voice/gather', {});
  }
}

/** The TwiML of a webhook answer, which must be a 200 with an XML body. */
export function twimlOf(answer: WebhookAnswer): TwimlNode {
  expect(answer.status).toBe(200);
  expect(answer.contentType).toMatch(/^text\/xml/);
  if (!answer.twiml) throw new Error(`no TwiML in ${answer.body}`);
  return answer.twiml;
}

/**
 * The environment of a helpdesk whose phone line is Twilio's: a test account, the auth token its
 * webhooks are signed with, and the public address Twilio posts to. Twilio itself is never reached.
 */
export function phoneLineEnv(authToken: string, publicBaseUrl: string, accountSid = `AC${'0'.repeat(32)}`): NodeJS.ProcessEnv {
  return { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM_NUMBER: '+447700900000', PUBLIC_BASE_URL: publicBaseUrl };
}
