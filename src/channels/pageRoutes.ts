import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Request, Response, Server } from 'restify';
import type { RouteInstaller } from '../server';

/** Path of the agents' console. */
export const AGENT_CONSOLE_PATH = '/agent';

/**
 * The folder of the pages the bot serves (the web chat page, the agents' console), `public/` at the
 * project root, found by walking up from this module so it works from `src/` and from `dist/src/`.
 */
export function publicDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'public');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`Cannot find the public/ folder above ${__dirname}`);
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Options of {@link setPageSecurityHeaders}. */
export interface PageSecurityOptions {
  /** Origins allowed to frame the page (CSP `frame-ancestors`); empty means none. */
  readonly frameAncestors?: readonly string[];
  /** Extra `connect-src` sources besides the page's own origin. */
  readonly connectSources?: readonly string[];
}

/**
 * Sets the security headers of every page and asset: a Content-Security-Policy that allows only the
 * bot's own scripts, styles and connections (`script-src 'self'`, so no inline script), no framing
 * except by `frameAncestors`, `nosniff`, no referrer, and no caching of anything sensitive.
 */
export function setPageSecurityHeaders(res: Response, options: PageSecurityOptions = {}): void {
  const ancestors = options.frameAncestors?.length ? options.frameAncestors.join(' ') : "'none'";
  const connect = ["'self'", ...(options.connectSources ?? [])].join(' ');
  res.header(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "font-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${ancestors}`,
    ].join('; '),
  );
  res.header('X-Content-Type-Options', 'nosniff');
  res.header('Referrer-Policy', 'no-referrer');
  res.header('Cross-Origin-Opener-Policy', 'same-origin');
  res.header('Cross-Origin-Resource-Policy', 'same-origin');
  res.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  if (!options.frameAncestors?.length) res.header('X-Frame-Options', 'DENY');
}

/** Options of {@link pageRoutes}. */
export interface PageRoutesOptions extends PageSecurityOptions {
  /** URL path of the page, e.g. `/agent`; its files are served below `<path>/`. */
  readonly path: string;
  /** Folder holding `index.html` and the page's assets. */
  readonly dir: string;
}

/**
 * Serves one static page: `GET <path>` answers `<dir>/index.html`, and `GET <path>/<file>` a file of
 * `<dir>` (no directory listings, no paths outside it, no dot files). Every answer carries
 * {@link setPageSecurityHeaders}; unknown files get 404 JSON like every other unknown path.
 */
export function pageRoutes(options: PageRoutesOptions): RouteInstaller {
  const root = normalize(options.dir + sep);
  const send = (res: Response, file: string): boolean => {
    const type = CONTENT_TYPES[extname(file).toLowerCase()];
    if (!type) return false;
    let body: Buffer;
    try {
      if (!statSync(file).isFile()) return false;
      body = readFileSync(file);
    } catch {
      return false;
    }
    setPageSecurityHeaders(res, options);
    res.header('Cache-Control', 'no-cache');
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
    res.end(body);
    return true;
  };
  const notFound = (res: Response): void => {
    res.send(404, { error: 'not_found', message: 'There is nothing at this path.' });
  };
  return (server: Server) => {
    server.get(options.path, async (_req: Request, res: Response) => {
      if (!send(res, join(root, 'index.html'))) notFound(res);
    });
    server.get(`${options.path}/*`, async (req: Request, res: Response) => {
      const rest = decodeURIComponentSafe(req.path().slice(options.path.length + 1));
      const segments = rest === undefined || rest === '' ? [] : rest.split('/');
      const safe = rest !== undefined && segments.every((s) => /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(s));
      const file = safe ? normalize(join(root, rest === '' ? 'index.html' : rest)) : '';
      if (!safe || !file.startsWith(root) || !send(res, file)) notFound(res);
    });
  };
}

function decodeURIComponentSafe(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
