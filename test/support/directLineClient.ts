import WebSocket from 'ws';

/** An activity as the bot's Direct Line returns it. */
export interface DlActivity {
  id: string;
  type: string;
  text?: string;
  speak?: string;
  from: { id: string; role?: string; name?: string };
  channelData?: Record<string, unknown>;
  attachments?: unknown[];
  [key: string]: unknown;
}

/** The answer of `POST /api/directline/token`. */
export interface IssuedToken {
  token: string;
  conversationId: string;
  expires_in: number;
  userId: string;
  domain: string;
  /** The resume cookie (`name=value`), when one was set. */
  cookie?: string;
}

/** Calls `POST /api/directline/token`, optionally with the resume cookie of an earlier call. */
export async function issueToken(baseUrl: string, cookie?: string): Promise<IssuedToken> {
  const res = await fetch(`${baseUrl}/api/directline/token`, { method: 'POST', headers: cookie ? { cookie } : {} });
  if (res.status !== 200) throw new Error(`token: HTTP ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? undefined;
  return { ...((await res.json()) as IssuedToken), cookie: setCookie?.split(';')[0] };
}

/**
 * A Direct Line 3.0 client speaking to the bot as Web Chat does: start the conversation, post
 * activities, read them since a watermark, and follow the WebSocket stream.
 */
export class DirectLineTestClient {
  watermark = '';
  streamUrl = '';
  /** Everything received on the stream, in order. */
  readonly streamed: DlActivity[] = [];
  private socket: WebSocket | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    readonly baseUrl: string,
    public token: string,
    readonly conversationId: string,
  ) {}

  /** Authenticated request to a Direct Line path. */
  request(method: string, path: string, body?: unknown, token: string | undefined = this.token): Promise<Response> {
    return fetch(`${this.baseUrl}/v3/directline${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** `POST /conversations`: starts (or resumes) the token's conversation. */
  async start(): Promise<{ status: number; body: { conversationId: string; token: string; streamUrl: string; expires_in: number } }> {
    const res = await this.request('POST', '/conversations', {});
    const body = (await res.json()) as { conversationId: string; token: string; streamUrl: string; expires_in: number };
    this.streamUrl = body.streamUrl;
    return { status: res.status, body };
  }

  /** Posts a message as Web Chat does (with a `from` the bot must ignore and a client activity id). */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.request('POST', `/conversations/${this.conversationId}/activities`, {
      type: 'message',
      text,
      from: { id: 'someone-else', role: 'user' },
      locale: 'en-GB',
      channelData: { clientActivityID: `c-${Math.random().toString(36).slice(2)}` },
      ...extra,
    });
    if (res.status !== 200) throw new Error(`post: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }

  /** `GET /activities?watermark=`: what came since the last read. */
  async read(): Promise<DlActivity[]> {
    const res = await this.request('GET', `/conversations/${this.conversationId}/activities?watermark=${this.watermark}`);
    if (res.status !== 200) throw new Error(`read: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { activities: DlActivity[]; watermark: string };
    this.watermark = body.watermark;
    return body.activities;
  }

  /** Opens the stream URL of the last start. */
  async openStream(url = this.streamUrl): Promise<void> {
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('message', (data: WebSocket.RawData) => {
      const text = data.toString();
      if (!text) return;
      const frame = JSON.parse(text) as { activities: DlActivity[]; watermark: string };
      this.streamed.push(...frame.activities);
      this.waiters.splice(0).forEach((w) => w());
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (req, res) => {
        req.destroy();
        res.destroy();
        reject(new Error(`stream: HTTP ${res.statusCode}`));
      });
    });
  }

  /** Waits until a streamed activity matches, or fails after `ms`. */
  async waitForStreamed(match: (a: DlActivity) => boolean, ms = 5_000): Promise<DlActivity> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.streamed.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing matching was streamed in ${ms} ms; got: ${this.streamed.map((a) => a.text ?? a.type).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the stream, as a page being closed does. */
  async closeStream(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
    });
  }
}

/** Gets a token and starts its conversation, as the web chat page does. */
export async function openConversation(baseUrl: string, cookie?: string): Promise<{ client: DirectLineTestClient; issued: IssuedToken }> {
  const issued = await issueToken(baseUrl, cookie);
  const client = new DirectLineTestClient(baseUrl, issued.token, issued.conversationId);
  await client.start();
  return { client, issued };
}

/** The text of bot messages among activities. */
export function botTexts(activities: readonly DlActivity[]): string[] {
  return activities.filter((a) => a.type === 'message' && a.from.role === 'bot').map((a) => a.text ?? '');
}
