// Dials Apple's and Google's push hosts on the simulator instead, inside this Node process: every TLS connection to a
// redirected host (node:tls, hence node:https, node:http2 and undici) goes to the simulator's port, with the original
// host kept as SNI and pushsim's CA trusted for it. Nothing else is redirected and no system file is touched.
import tls from 'node:tls';
import http2 from 'node:http2';

export interface RedirectTarget {
  host: string;
  port: number;
}

export interface RedirectOptions {
  /** Host name → where to dial instead, e.g. `api.push.apple.com` → `{ host: '127.0.0.1', port: 4803 }`. */
  targets: Record<string, RedirectTarget>;
  /** pushsim's CA certificate (PEM), trusted for redirected connections in addition to the usual roots. */
  ca: string;
}

type ConnectArgs = [tls.ConnectionOptions, (() => void)?];

/** Normalises tls.connect's overloads (options | port, host?, options?) into one options object and a callback. */
function normalise(args: unknown[]): ConnectArgs {
  let options: tls.ConnectionOptions = {};
  let callback: (() => void) | undefined;
  const rest = [...args];
  if (typeof rest.at(-1) === 'function') callback = rest.pop() as () => void;
  if (typeof rest[0] === 'number' || (typeof rest[0] === 'string' && /^\d+$/.test(rest[0]))) {
    const port = Number(rest.shift());
    const host = typeof rest[0] === 'string' ? (rest.shift() as string) : undefined;
    options = { ...(rest[0] as tls.ConnectionOptions | undefined), port, ...(host ? { host } : {}) };
  } else {
    options = { ...(rest[0] as tls.ConnectionOptions | undefined) };
  }
  return [options, callback];
}

let installed: { restore: () => void } | undefined;

/** Installs the redirect in this process; returns a function that removes it. Installing again replaces the targets. */
export function installRedirect(options: RedirectOptions): () => void {
  installed?.restore();
  const original = tls.connect;
  const targets = new Map(Object.entries(options.targets).map(([host, target]) => [host.toLowerCase(), target]));
  const ca = [...tls.rootCertificates, options.ca];
  const patched = function connect(this: unknown, ...args: unknown[]): tls.TLSSocket {
    const [connectOptions, callback] = normalise(args);
    const host = (connectOptions.host ?? connectOptions.servername ?? '').toLowerCase();
    const target = targets.get(host);
    if (!target) return (original as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
    const redirected: tls.ConnectionOptions = {
      ...connectOptions,
      host: target.host,
      port: target.port,
      servername: host,
      ca: connectOptions.ca
        ? [...(Array.isArray(connectOptions.ca) ? connectOptions.ca : [connectOptions.ca]), options.ca]
        : ca,
    };
    delete (redirected as { path?: string }).path;
    const connect = original as (options: tls.ConnectionOptions, callback?: () => void) => tls.TLSSocket;
    return callback ? connect.call(tls, redirected, callback) : connect.call(tls, redirected);
  };
  (tls as { connect: typeof tls.connect }).connect = patched as typeof tls.connect;

  // firebase-admin's HTTP/2 client sends `:scheme: "https:"` (URL.protocol, colon included). Google's front ends accept
  // it; nghttp2 in a Node server refuses it as a protocol error. On redirected sessions only, send the scheme as
  // `https`.
  const originalHttp2Connect = http2.connect;
  const patchedHttp2Connect = function connect(
    this: unknown,
    authority: string | URL,
    ...rest: unknown[]
  ): http2.ClientHttp2Session {
    const session = (originalHttp2Connect as (...a: unknown[]) => http2.ClientHttp2Session).call(
      this,
      authority,
      ...rest,
    );
    const host = new URL(String(authority)).hostname.toLowerCase();
    if (targets.has(host)) {
      const request = session.request.bind(session);
      session.request = ((headers?: http2.OutgoingHttpHeaders, options?: http2.ClientSessionRequestOptions) =>
        request(
          headers && headers[':scheme'] === 'https:' ? { ...headers, ':scheme': 'https' } : headers,
          options,
        )) as typeof session.request;
    }
    return session;
  };
  (http2 as { connect: typeof http2.connect }).connect = patchedHttp2Connect as typeof http2.connect;

  const restore = (): void => {
    if ((http2 as { connect: unknown }).connect === patchedHttp2Connect)
      (http2 as { connect: typeof http2.connect }).connect = originalHttp2Connect;
    if ((tls as { connect: unknown }).connect === patched) (tls as { connect: typeof tls.connect }).connect = original;
    if (installed?.restore === restore) installed = undefined;
  };
  installed = { restore };
  return restore;
}

/**
 * The redirect targets for a running simulator's endpoints (`GET /api/endpoints`): each TLS endpoint's `hosts` (the
 * public host names its service module declares) → the endpoint. Plain-HTTP endpoints (h2c APNs) are not targets: the
 * redirected client speaks TLS.
 */
export function targetsFromEndpoints(
  endpoints: { name: string; url: string; hosts?: string[] }[],
): Record<string, RedirectTarget> {
  const targets: Record<string, RedirectTarget> = {};
  for (const endpoint of endpoints) {
    if (!endpoint.hosts?.length || endpoint.url.startsWith('http:')) continue;
    const url = new URL(endpoint.url);
    const target = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
    for (const host of endpoint.hosts) targets[host] ??= target;
  }
  return targets;
}
