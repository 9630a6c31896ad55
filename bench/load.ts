import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

/** A reply activity as it comes back with `expectReplies`. */
export interface ReplyActivity {
  readonly type: string;
  readonly text?: string;
  readonly speak?: string;
  readonly [key: string]: unknown;
}

/** A turn that did not go as the scenario expected; counted as an error. */
export class TurnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TurnError';
  }
}

/** Figures of one load, over every turn completed while it ran. */
export interface LoadResult {
  readonly turns: number;
  readonly errors: number;
  readonly durationMs: number;
  readonly turnsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The first few error messages, to tell what went wrong. */
  readonly errorSamples: readonly string[];
  /** Extra figures a scenario recorded (e.g. server time of a voice turn): `<name>P50` and `<name>P99` of each. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** A JSON response of the server under load. */
export interface HttpReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What a scenario gets for one conversation. */
export interface ConversationContext {
  /** The server under load, e.g. `http://127.0.0.1:4123`. */
  readonly baseUrl: string;
  /** A fresh conversation id. */
  readonly conversationId: string;
  /** Which of the concurrent conversations this is (0-based). */
  readonly worker: number;
  /** A number unique to this conversation across the whole load run (0, 1, 2, ...). */
  readonly sequence: number;
  /**
   * One timed turn on `/api/messages` with `expectReplies`: posts a web chat message (or a
   * card submission when `value` is given) and returns the replies. It fails the turn (and the
   * conversation) when the status is not 200, no reply came, or `expect` does not match the
   * replies' text.
   */
  say(text: string | undefined, options?: { readonly value?: unknown; readonly expect?: RegExp }): Promise<ReplyActivity[]>;
  /** Times any other kind of turn (e.g. a voice webhook); a rejection counts as an error. */
  turn<T>(work: () => Promise<T>): Promise<T>;
  /** An untimed request that is not a turn, e.g. reading the dev outbox. */
  http(method: 'GET' | 'POST', path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<HttpReply>;
  /** Records an extra figure (reported per load as `<metric>P50` and `<metric>P99`), e.g. `voiceServerMs`. */
  record(metric: string, value: number): void;
  /** Whether the load is over; a scenario may stop early. */
  readonly stopped: boolean;
}

/** One conversation of a load: it plays its turns through the context and returns when done. */
export type Conversation = (context: ConversationContext) => Promise<void>;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Posts or gets JSON on the loopback interface with a keep-alive agent. */
export function httpJson(
  url: string,
  method: 'GET' | 'POST',
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers: payload === undefined ? headers : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text !== '') {
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The `p`th percentile (nearest rank) of sorted numbers; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of numbers; 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to one decimal place. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  readonly baseUrl: string;
  /** Conversations running at the same time, each starting a new one when it ends (closed loop). */
  readonly conversations: number;
  /** How long new turns are started; turns in flight then finish. */
  readonly durationMs?: number;
  /** Stop after this many conversations per worker instead (used by the quick check). */
  readonly conversationsPerWorker?: number;
  /** Where the conversation sequence numbers start (so people and numbers are not reused across loads). */
  readonly firstSequence?: number;
  /** Prefix of conversation ids. */
  readonly label: string;
}

/**
 * Runs `conversation` in a closed loop: `conversations` workers, each playing one conversation
 * after another until the time is up (or each has played `conversationsPerWorker`). A failed turn
 * ends that conversation and the worker starts the next one.
 * @returns the load's figures and the next free sequence number
 */
export async function runLoad(conversation: Conversation, options: LoadOptions): Promise<LoadResult & { nextSequence: number }> {
  const latencies: number[] = [];
  const metrics = new Map<string, number[]>();
  const errorSamples: string[] = [];
  let errors = 0;
  let sequence = options.firstSequence ?? 0;
  let stopped = false;
  const fail = (err: unknown): void => {
    errors += 1;
    if (errorSamples.length < 5) errorSamples.push(err instanceof Error ? err.message : String(err));
  };
  const started = performance.now();
  const timer = options.durationMs === undefined ? undefined : setTimeout(() => (stopped = true), options.durationMs);

  const worker = async (index: number): Promise<void> => {
    for (let played = 0; !stopped && played < (options.conversationsPerWorker ?? Infinity); played += 1) {
      const conversationId = `${options.label}-${index}-${randomUUID()}`;
      const userId = `bench-user-${sequence}`;
      const turn = async <T>(work: () => Promise<T>): Promise<T> => {
        if (stopped) throw new StoppedError();
        const t0 = performance.now();
        try {
          const result = await work();
          latencies.push(performance.now() - t0);
          return result;
        } catch (err) {
          if (!(err instanceof StoppedError)) latencies.push(performance.now() - t0);
          throw err;
        }
      };
      const context: ConversationContext = {
        baseUrl: options.baseUrl,
        conversationId,
        worker: index,
        sequence: sequence++,
        get stopped() {
          return stopped;
        },
        say: (text, opts = {}) =>
          turn(async () => {
            const activity = {
              type: 'message',
              id: randomUUID(),
              text,
              value: opts.value,
              channelId: 'webchat',
              serviceUrl: 'http://localhost/',
              conversation: { id: conversationId },
              from: { id: userId, name: 'Bench User' },
              recipient: { id: 'bot' },
              deliveryMode: 'expectReplies',
            };
            const reply = await httpJson(`${options.baseUrl}/api/messages`, 'POST', activity);
            const activities = (reply.body as { activities?: ReplyActivity[] } | undefined)?.activities;
            if (reply.status !== 200 || !Array.isArray(activities)) throw new TurnError(`"${text ?? '[card]'}": HTTP ${reply.status}`);
            const messages = activities.filter((a) => a.type === 'message');
            if (messages.length === 0) throw new TurnError(`"${text ?? '[card]'}": no reply`);
            const said = messages.map((a) => a.text ?? '').join('\n');
            if (opts.expect && !opts.expect.test(said)) throw new TurnError(`"${text ?? '[card]'}": expected ${opts.expect} but got "${said.slice(0, 160)}"`);
            return messages;
          }),
        turn,
        http: (method, path, body, headers) => httpJson(`${options.baseUrl}${path}`, method, body, headers),
        record: (metric, value) => {
          const list = metrics.get(metric) ?? [];
          list.push(value);
          metrics.set(metric, list);
        },
      };
      try {
        await conversation(context);
      } catch (err) {
        if (!(err instanceof StoppedError)) fail(err);
      }
    }
  };

  await Promise.all(Array.from({ length: options.conversations }, (_, i) => worker(i)));
  if (timer) clearTimeout(timer);
  const durationMs = performance.now() - started;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    turns: sorted.length,
    errors,
    durationMs: round1(durationMs),
    turnsPerSecond: round1((sorted.length / durationMs) * 1000),
    p50Ms: round1(percentile(sorted, 50)),
    p99Ms: round1(percentile(sorted, 99)),
    errorSamples,
    metrics: Object.fromEntries(
      [...metrics].flatMap(([k, v]) => {
        const sortedValues = [...v].sort((a, b) => a - b);
        return [
          [`${k}P50`, round1(percentile(sortedValues, 50))],
          [`${k}P99`, round1(percentile(sortedValues, 99))],
        ];
      }),
    ),
    nextSequence: sequence,
  };
}

/** Thrown instead of starting a turn once the load is over. */
class StoppedError extends Error {
  constructor() {
    super('load over');
  }
}
