import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logger';
import type { RouteInstaller } from '../server';

/** The folder of the pages and their assets (found from the sources or from the build in `dist/`). */
export const PUBLIC_DIR = [resolve(__dirname, '..', '..', 'public'), resolve(__dirname, '..', '..', '..', 'public')].find((dir) => existsSync(join(dir, 'index.html'))) ?? resolve(__dirname, '..', '..', 'public');
/** Where assets are served from: `/assets/<file>` is `public/assets/<file>`. */
export const ASSETS_PATH = '/assets';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** The installed Web Chat bundle (`botframework-webchat/dist/webchat.js`), served from the package, never copied. */
export function webChatBundlePath(): string {
  return join(dirname(require.resolve('botframework-webchat')), '..', 'dist', 'webchat.js');
}

/** Options of {@link webPagesRoute}. */
export interface WebPagesOptions {
  readonly logger: Logger;
  /** Page paths and the file of `public/` each one serves, e.g. `{ '/': 'index.html' }`. */
  readonly pages: Readonly<Record<string, string>>;
  /** Extra asset paths served from files outside `public/` (e.g. an installed package's bundle). */
  readonly vendor?: Readonly<Record<string, string>>;
  /** `frame-ancestors` sources: who may embed the pages. */
  readonly frameAncestors: readonly string[];
  /** Other origins the pages may connect to (e.g. Azure Direct Line), besides their own. */
  readonly connectOrigins?: readonly string[];
  readonly publicDir?: string;
}

/**
 * The Content-Security-Policy of the pages: scripts only from the bot itself (no inline script),
 * connections only to the bot (and `connectOrigins`, with their WebSocket forms), and embedding
 * only by `frameAncestors`. Inline styles are allowed because Web Chat sets them at run time.
 */
export function contentSecurityPolicy(frameAncestors: readonly string[], connectOrigins: readonly string[] = []): string {
  const connect = ["'self'", ...connectOrigins.flatMap((o) => [o, o.replace(/^http/, 'ws')])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.join(' ')}`,
  ].join('; ');
}

interface CachedFile {
  readonly body: Buffer;
  gzipped?: Buffer;
  readonly etag: string;
  readonly type: string;
}

/**
 * Serves the pages (`GET /` and any others named in `pages`) and the files of `public/assets/`,
 * each with the security headers (CSP, `X-Content-Type-Options: nosniff`, no referrer), an
 * ETag, and gzip when the client accepts it. Files are read once and kept in memory.
 */
export function webPagesRoute(options: WebPagesOptions): RouteInstaller {
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  const assetsDir = join(publicDir, 'assets');
  const csp = contentSecurityPolicy(options.frameAncestors, options.connectOrigins);
  const cache = new Map<string, CachedFile | null>();

  const load = (file: string): CachedFile | null => {
    if (cache.has(file)) return cache.get(file) ?? null;
    let entry: CachedFile | null = null;
    try {
      const body = readFileSync(file);
      entry = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`, type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') options.logger.error({ file, code: (err as NodeJS.ErrnoException).code }, 'could not read a page file');
    }
    cache.set(file, entry);
    return entry;
  };

  const securityHeaders = (res: Response): void => {
    res.header('Content-Security-Policy', csp);
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    res.header('Cross-Origin-Opener-Policy', 'same-origin');
  };

  const serve = (req: Request, res: Response, file: string | undefined, cacheControl: string): void => {
    securityHeaders(res);
    const entry = file ? load(file) : null;
    if (!entry) {
      res.send(404, { error: 'not_found', message: 'There is nothing at this path.' });
      return;
    }
    res.header('ETag', entry.etag);
    res.header('Cache-Control', cacheControl);
    res.header('Vary', 'Accept-Encoding');
    if (req.header('if-none-match') === entry.etag) {
      res.writeHead(304);
      res.end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.header('accept-encoding') ?? '')) && entry.body.length > 1024;
    if (gzip) entry.gzipped ??= gzipSync(entry.body);
    const body = gzip && entry.gzipped ? entry.gzipped : entry.body;
    res.writeHead(200, { 'Content-Type': entry.type, 'Content-Length': body.length, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return (server: Server) => {
    for (const [path, file] of Object.entries(options.pages)) {
      const handler = async (req: Request, res: Response) => serve(req, res, join(publicDir, file), 'no-cache');
      server.get(path, handler);
      server.head(path, handler);
    }
    for (const [path, file] of Object.entries(options.vendor ?? {})) {
      const handler = async (req: Request, res: Response) => serve(req, res, file, 'public, max-age=3600');
      server.get(path, handler);
      server.head(path, handler);
    }
    const asset = async (req: Request, res: Response) => {
      const name = String(req.params['*'] ?? '');
      const file = resolve(assetsDir, name);
      // Only plain file names inside public/assets: no traversal, no hidden files.
      const inside = file.startsWith(assetsDir + sep) && /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/.test(name);
      serve(req, res, inside ? file : undefined, 'no-cache');
    };
    server.get(`${ASSETS_PATH}/*`, asset);
    server.head(`${ASSETS_PATH}/*`, asset);
  };
}
