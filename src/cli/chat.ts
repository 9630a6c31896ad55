import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** A button the user can pick by number. */
export interface ChatButton {
  readonly title: string;
  /** Text to send, if the button sends text. */
  readonly text?: string;
  /** Card data to send as the activity value, if the button submits a card. */
  readonly value?: unknown;
  /** A link to print instead of sending anything. */
  readonly url?: string;
}

/** Options of {@link runChat}. */
export interface ChatOptions {
  readonly url: string;
  readonly input: Readable;
  readonly output: Writable;
  readonly userId?: string;
  readonly userName?: string;
  /** Bearer token for a bot that requires authentication (rarely needed locally). */
  readonly token?: string;
}

interface InboundActivity {
  type?: string;
  text?: string;
  attachments?: { contentType?: string; content?: unknown }[];
  suggestedActions?: { actions?: { type?: string; title?: string; value?: unknown; text?: string }[] };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Pulls the title (first text block), the other text and the actions out of an Adaptive Card, recursing into containers. */
export function describeCard(card: unknown): { title?: string; lines: string[]; buttons: ChatButton[] } {
  const texts: string[] = [];
  const buttons: ChatButton[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    if (node.type === 'TextBlock' && typeof node.text === 'string') texts.push(node.text);
    if (node.type === 'ColumnSet' && Array.isArray(node.columns)) {
      // A row of columns (e.g. "1." and a step) reads as one line.
      const row: string[] = [];
      const collect = (n: unknown): void => {
        if (Array.isArray(n)) return n.forEach(collect);
        if (!isObject(n)) return;
        if (n.type === 'TextBlock' && typeof n.text === 'string') row.push(n.text);
        for (const key of ['items', 'columns']) collect(n[key]);
      };
      collect(node.columns);
      texts.push(row.join(' '));
      return;
    }
    if (typeof node.type === 'string' && node.type.startsWith('Action.') && typeof node.title === 'string') {
      if (node.type === 'Action.OpenUrl') buttons.push({ title: node.title, url: String(node.url ?? '') });
      else if (node.type === 'Action.Submit' || node.type === 'Action.Execute') {
        const data = isObject(node.data) ? node.data : {};
        const verb = node.type === 'Action.Execute' && typeof node.verb === 'string' ? { verb: node.verb } : {};
        buttons.push({ title: node.title, value: { ...data, ...verb } });
      }
    }
    for (const key of ['body', 'items', 'columns', 'actions', 'card']) walk(node[key]);
  };
  walk(card);
  return { title: texts[0], lines: texts.slice(1), buttons };
}

/** Renders the bot's replies as lines of text and collects the buttons, numbered from 1. */
export function renderReplies(activities: readonly InboundActivity[]): { lines: string[]; buttons: ChatButton[] } {
  const lines: string[] = [];
  const buttons: ChatButton[] = [];
  const add = (b: ChatButton): void => {
    if (buttons.some((x) => x.title.toLowerCase() === b.title.toLowerCase())) return;
    buttons.push(b);
    lines.push(`  [${buttons.length}] ${b.title}${b.url ? ` (${b.url})` : ''}`);
  };
  for (const a of activities) {
    if (a.type !== 'message') continue;
    if (a.text) lines.push(`bot> ${a.text.replace(/\n/g, '\n     ')}`);
    for (const att of a.attachments ?? []) {
      if (att.contentType === 'application/vnd.microsoft.card.adaptive') {
        const card = describeCard(att.content);
        if (card.title) lines.push(`     == ${card.title} ==`);
        for (const line of card.lines) lines.push(`     ${line.replace(/\n/g, '\n     ')}`);
        card.buttons.forEach(add);
      }
    }
    for (const s of a.suggestedActions?.actions ?? []) {
      if (!s.title) continue;
      if (s.type === 'openUrl') add({ title: s.title, url: String(s.value ?? '') });
      else add({ title: s.title, text: typeof s.value === 'string' ? s.value : s.text ?? s.title, value: typeof s.value === 'string' ? undefined : s.value });
    }
  }
  return { lines, buttons };
}

/**
 * Runs an interactive conversation with a bot over HTTP, using `deliveryMode: expectReplies`
 * so no callback endpoint is needed. Type a number to press a button; `/quit` ends.
 */
export async function runChat(options: ChatOptions): Promise<void> {
  const conversationId = `cli-${randomUUID()}`;
  const user = { id: options.userId ?? `cli-user-${randomUUID().slice(0, 8)}`, name: options.userName ?? 'You' };
  const bot = { id: 'mfa-helpdesk-bot', name: 'MFA Helpdesk' };
  const out = (s: string): void => {
    options.output.write(`${s}\n`);
  };
  let buttons: ChatButton[] = [];

  const post = async (activity: Json): Promise<void> => {
    const body = {
      channelId: 'webchat',
      serviceUrl: 'http://localhost/',
      conversation: { id: conversationId },
      from: user,
      recipient: bot,
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      locale: 'en-GB',
      deliveryMode: 'expectReplies',
      ...activity,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let res: Response;
    try {
      res = await fetch(options.url, { method: 'POST', headers, body: JSON.stringify(body) });
    } catch (err) {
      out(`!! Could not reach the bot at ${options.url}: ${err instanceof Error ? err.message : String(err)}. Is it running (npm start)?`);
      return;
    }
    if (!res.ok) {
      out(`!! The bot answered HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
      return;
    }
    const text = await res.text();
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : {};
    } catch {
      out('!! The bot sent a reply that is not JSON.');
      return;
    }
    const activities = isObject(payload) && Array.isArray(payload.activities) ? (payload.activities as InboundActivity[]) : [];
    const rendered = renderReplies(activities);
    rendered.lines.forEach(out);
    if (rendered.buttons.length > 0) buttons = rendered.buttons;
  };

  out(`Talking to ${options.url}. Type a message, a number to press a button, or /quit to leave.`);
  await post({ type: 'conversationUpdate', membersAdded: [user, bot] });

  const rl = createInterface({ input: options.input, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line) continue;
    if (line === '/quit' || line === '/exit') break;
    out(`you> ${line}`);
    const n = /^\d{1,2}$/.test(line) ? Number(line) : NaN;
    const button = Number.isInteger(n) && n >= 1 && n <= buttons.length ? buttons[n - 1] : undefined;
    if (button?.url) {
      out(`     Open ${button.url} in your browser.`);
    } else if (button) {
      await post({ type: 'message', text: button.value === undefined ? button.text ?? button.title : undefined, value: button.value });
    } else {
      await post({ type: 'message', text: line });
    }
  }
  rl.close();
}

/** Entry point of `npm run chat`: `--url`, `--user` and `--name`, or BOT_URL from the environment. */
if (require.main === module) {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const port = process.env.PORT && /^\d+$/.test(process.env.PORT) ? process.env.PORT : '3978';
  runChat({
    url: arg('url') ?? process.env.BOT_URL ?? `http://localhost:${port}/api/messages`,
    userId: arg('user'),
    userName: arg('name'),
    input: process.stdin,
    output: process.stdout,
  })
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    });
}
