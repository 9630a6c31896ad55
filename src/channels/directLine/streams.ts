import type { IncomingMessage, Server as NodeHttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../logger';
import { redact } from '../../logger';
import type { ConversationLog } from './conversationLog';
import { DIRECT_LINE_PATH } from './routes';
import type { ConversationSignals } from './signals';
import type { DirectLineTokens } from './tokens';

/** How often an open stream looks in the store for activities that other instances stored. */
export const STREAM_POLL_MS = 500;
/** How often an idle stream is pinged, so proxies and browsers notice a dead connection. */
const PING_MS = 30_000;
/** Largest frame a client may send (the stock client only sends empty keep-alives). */
const MAX_CLIENT_FRAME_BYTES = 4 * 1024;

/** Dependencies of {@link attachDirectLineStreams}. */
export interface DirectLineStreamsDeps {
  readonly log: ConversationLog;
  readonly signals: ConversationSignals;
  readonly tokens: DirectLineTokens;
  readonly logger: Logger;
  readonly pollMs?: number;
}

/** The open streams; {@link close} ends them all (on shutdown). */
export interface DirectLineStreams {
  /** How many streams are open on this instance. */
  readonly size: number;
  close(): void;
}

const STREAM_PATH = new RegExp(`^${DIRECT_LINE_PATH}/conversations/([A-Za-z0-9_-]{1,64})/stream$`);

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves each conversation's `streamUrl`: a WebSocket that receives `{ activities, watermark }`
 * frames, first everything after the watermark in the URL, then each new activity as soon as it
 * is stored (at once on this instance, within {@link STREAM_POLL_MS} from another one). The URL
 * carries a short-lived stream credential for that conversation only.
 */
export function attachDirectLineStreams(httpServer: NodeHttpServer, deps: DirectLineStreamsDeps): DirectLineStreams {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  let closed = false;

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (closed) return refuse(socket, 503, 'Service Unavailable');
    if (!match) return refuse(socket, 404, 'Not Found');
    const conversationId = match[1];
    const check = deps.tokens.verifyStream(url.searchParams.get('t') ?? undefined);
    if (!check.ok) return refuse(socket, check.refusal === 'missing' ? 401 : 403, check.refusal === 'missing' ? 'Unauthorized' : 'Forbidden');
    if (check.claims.conversationId !== conversationId) return refuse(socket, 403, 'Forbidden');
    const rawWatermark = url.searchParams.get('watermark') ?? '';
    const watermark = /^\d{1,12}$/.test(rawWatermark) ? Number(rawWatermark) : 0;
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, conversationId, watermark));
  });

  const serve = (ws: WebSocket, conversationId: string, startWatermark: number): void => {
    let watermark = startWatermark;
    let running = false;
    let again = false;
    const pump = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const set = await deps.log.since(conversationId, watermark);
          if (set.activities.length > 0 && ws.readyState === ws.OPEN) {
            ws.send(JSON.stringify({ activities: set.activities, watermark: String(set.watermark) }));
            watermark = set.watermark;
          }
        } while (again && ws.readyState === ws.OPEN);
      } catch (err) {
        deps.logger.warn({ err: redact(err), conversationId }, 'Direct Line: could not read activities for a stream');
      } finally {
        running = false;
      }
    };
    const unsubscribe = deps.signals.subscribe(conversationId, () => void pump());
    const poll = setInterval(() => void pump(), deps.pollMs ?? STREAM_POLL_MS);
    let alive = true;
    const ping = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, PING_MS);
    ws.on('pong', () => (alive = true));
    ws.on('message', () => (alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      unsubscribe();
      clearInterval(poll);
      clearInterval(ping);
    });
    void pump();
  };

  return {
    get size() {
      return wss.clients.size;
    },
    close() {
      closed = true;
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
      }, 500).unref();
      wss.close();
    },
  };
}
