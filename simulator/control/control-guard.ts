// What keeps a web page the developer happens to visit from driving the control plane, the way Mailpit and the
// Firebase emulators guard theirs: the Host must be a name of this machine (no DNS rebinding), a browser's Origin must
// be the control plane's own (or one configured), bodies are JSON only by content-type (a form or `text/plain` POST
// needs no CORS preflight), and with an access token every call carries it. The same checks guard the ws upgrades.
import { timingSafeEqual } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { ErrorCodes, type ErrorCode } from '../core/index.js';
import { sendError } from './http-errors.js';
import { isDashboardPagePath, rawPath } from './dashboard-page-paths.js';

export interface ControlGuardOptions {
  /** The access token every REST and ws call must carry; none by default. */
  token?: string;
  /** The interface the control plane listens on: its name is a Host too. */
  host?: string;
  /** More Host names to accept (a proxy's, a container's). */
  allowedHosts?: readonly string[];
  /** Browser origins allowed to call the control plane, answered with CORS headers (`*` for any). None by default. */
  corsOrigins?: readonly string[];
}

/** Why a request is refused: its code and a message that says what to do. */
export interface GuardRefusal {
  code: ErrorCode;
  message: string;
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || name.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The name part of a Host header (`[::1]:4800` → `[::1]`, `localhost:4800` → `localhost`). */
function hostName(hostHeader: string): string {
  const trimmed = hostHeader.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d*$/, '');
}

function bare(name: string): string {
  return name.replace(/^\[|\]$/g, '').toLowerCase();
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class ControlGuard {
  private readonly hosts: Set<string>;
  constructor(private readonly options: ControlGuardOptions = {}) {
    this.hosts = new Set([...(options.allowedHosts ?? []), ...(options.host ? [options.host] : [])].map(bare));
  }

  get hasToken(): boolean {
    return this.options.token !== undefined;
  }

  private isAllowedHostName(name: string): boolean {
    const plain = bare(name);
    if (this.hosts.has('*')) return true;
    // A wildcard bind (0.0.0.0, ::) answers on every address; its name is no Host anyone sends.
    return isLoopbackHost(plain) || this.hosts.has(plain);
  }

  /** Whether a browser page of `origin` may call: the control plane's own origin (its Host) or a configured one. */
  isAllowedOrigin(origin: string, hostHeader: string | undefined): boolean {
    const cors = this.options.corsOrigins ?? [];
    if (cors.includes('*') || cors.includes(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // Same origin: the page was served by this control plane (scheme aside, the same host and port).
    return hostHeader !== undefined && url.host.toLowerCase() === hostHeader.trim().toLowerCase();
  }

  /** The refusal for a request (REST or ws upgrade), or undefined when it may go on. */
  check(req: IncomingMessage, url: URL): GuardRefusal | undefined {
    const hostHeader = req.headers.host;
    if (!hostHeader || !this.isAllowedHostName(hostName(hostHeader)))
      return {
        code: ErrorCodes.FORBIDDEN_ORIGIN,
        message: `the Host ${JSON.stringify(hostHeader ?? '')} is not a name of this pushsim; call it as localhost or 127.0.0.1, or allow the name with --allowed-host`,
      };
    const origin = req.headers.origin;
    if (origin !== undefined && !this.isAllowedOrigin(origin, hostHeader))
      return {
        code: ErrorCodes.FORBIDDEN_ORIGIN,
        message: `requests from the web page origin ${JSON.stringify(origin)} are refused: pushsim's control plane answers only its own origin; allow this one with --cors-origin ${origin}`,
      };
    const token = this.options.token;
    // The dashboard's page and bundles (dashboard-static.ts) hold no secret: a browser loads them without the token
    // (an <script> tag sends no Authorization), and the page then carries it on every /api call. Everything else needs
    // it: an allow-list of the page's paths (dashboard-page-paths.ts) on the raw path express routes, not a test for
    // `/api/` that `/API/devices` or `//api/devices` passed (express matched them to the API all the same).
    if (token !== undefined && !isPublicPageRequest(req)) {
      const auth = req.headers.authorization;
      const given = /^Bearer\s+(.+)$/i.exec(auth ?? '')?.[1]?.trim() ?? url.searchParams.get('token') ?? '';
      if (!sameSecret(given, token))
        return {
          code: ErrorCodes.UNAUTHORIZED,
          message: given
            ? 'the access token is not the one this pushsim was started with (--token / PUSHSIM_TOKEN)'
            : 'this pushsim requires an access token: send Authorization: Bearer <token> (ws: ?token=<token>), the --token / PUSHSIM_TOKEN it was started with',
        };
    }
    return undefined;
  }

  /** Express middleware: the checks above, CORS headers for configured origins, and JSON-only bodies. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const origin = req.headers.origin;
      const cors = this.options.corsOrigins ?? [];
      if (origin !== undefined && (cors.includes('*') || cors.includes(origin))) {
        res.setHeader('access-control-allow-origin', cors.includes('*') ? '*' : origin);
        res.setHeader('vary', 'Origin');
        if (req.method === 'OPTIONS') {
          res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
          res.setHeader('access-control-allow-headers', 'authorization, content-type');
          res.setHeader('access-control-max-age', '600');
          res.status(204).end();
          return;
        }
      }
      const refusal = this.check(req, new URL(req.url ?? '/', 'http://localhost'));
      if (refusal) {
        sendError(res, refusal.code, refusal.message);
        return;
      }
      if (hasBody(req) && !readsAsJson(req)) {
        sendError(
          res,
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          `the body is sent as ${JSON.stringify(req.headers['content-type'] ?? 'no content-type')}; pushsim reads JSON bodies only, sent with content-type: application/json (curl --json '…')`,
          'content-type',
        );
        return;
      }
      next();
    };
  }
}

/** A GET (or HEAD) of one of the dashboard page's own paths: what a browser loads without the access token. */
function isPublicPageRequest(req: IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && isDashboardPagePath(rawPath(req.url));
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * A browser says so (Origin, Sec-Fetch-Site: every current browser sends them on a cross-site or form request); curl,
 * Node's fetch (which does send Sec-Fetch-Mode) and the SDKs send neither.
 */
export function isFromBrowser(req: IncomingMessage): boolean {
  return req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined;
}

/**
 * Whether a body is read as JSON: declared so (application/json, *+json), or sent by a non-browser client (Node's
 * fetch labels a string body text/plain). A browser's text/plain or form body, the kind a page may send anywhere
 * without a CORS preflight, never is.
 */
export function readsAsJson(req: IncomingMessage): boolean {
  return isJsonType(req.headers['content-type']) || !isFromBrowser(req);
}

export function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** Answers a ws upgrade with an HTTP error in pushsim's shape and closes the socket, so no client waits on it. */
export function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The one 'upgrade' listener of the control server: the guard, then the ws endpoint of the path, or 404 for a path
 * none serves (without it the socket would wait for ever).
 */
export function routeUpgrades(
  server: Server,
  guard: ControlGuard,
  endpoints: ReadonlyMap<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>,
): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const endpoint = endpoints.get(url.pathname);
    if (!endpoint) {
      refuseUpgrade(
        socket,
        404,
        ErrorCodes.NOT_FOUND,
        `no ws endpoint at ${url.pathname}; pushsim serves ${[...endpoints.keys()].join(' and ')}`,
      );
      return;
    }
    const refusal = guard.check(req, url);
    if (refusal) {
      refuseUpgrade(socket, refusal.code === ErrorCodes.UNAUTHORIZED ? 401 : 403, refusal.code, refusal.message);
      return;
    }
    endpoint(req, socket, head);
  });
}
