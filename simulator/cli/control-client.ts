// How CLI commands reach a running pushsim: where its control plane is (flag, PUSHSIM_URL, default) and the calls that
// `push`, `token` and `exec` share (the CA, the endpoint list, a minted APNs key, a minted FCM service account).
import { readFileSync } from 'node:fs';
import { DEFAULT_PORTS } from '../start-simulator.js';
import type { ServiceAccountJson } from '../providers/fcm/index.js';

/** An APNs token-auth signing key: the .p8 PEM with the ids Apple gives it. */
export interface SigningKey {
  teamId: string;
  keyId: string;
  p8: string;
}

/**
 * The default of every `--control` flag: PUSHSIM_URL (which `pushsim exec` also hands to its child), else the default
 * port.
 */
export function defaultControlUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.PUSHSIM_URL || `http://127.0.0.1:${DEFAULT_PORTS.control}`;
}

/**
 * The control base URL without a trailing slash; `…/api` (what the banner prints as the control endpoint) is accepted
 * too.
 */
export function controlBase(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/, '');
}

/**
 * The access token of the pushsim to call: the flag (`--token` of `exec`; `--access-token` of `push` and `token`, whose
 * `--token` is a device token), else PUSHSIM_TOKEN (which `pushsim exec --serve` also hands to its child); undefined
 * when it runs without one.
 */
export function controlToken(flag?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag || env.PUSHSIM_TOKEN || undefined;
}

/** The Authorization header a control call carries when pushsim runs with a token. */
export function authHeaders(token: string | undefined = controlToken()): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function withAuth(init: RequestInit | undefined, token: string | undefined): RequestInit {
  return { ...init, headers: { ...authHeaders(token), ...(init?.headers as Record<string, string> | undefined) } };
}

export async function getJson<T>(
  url: string,
  init?: RequestInit,
  token: string | undefined = controlToken(),
): Promise<T> {
  const response = await fetch(url, withAuth(init, token));
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

const postJson = <T>(url: string, body: unknown, token: string | undefined): Promise<T> =>
  getJson<T>(
    url,
    { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
    token,
  );

export async function fetchCa(control: string, token: string | undefined = controlToken()): Promise<string> {
  const response = await fetch(`${control}/api/ca.pem`, withAuth(undefined, token));
  if (!response.ok) throw new Error(`GET ${control}/api/ca.pem answered ${response.status}`);
  return response.text();
}

export async function endpointUrl(
  control: string,
  name: string,
  token: string | undefined = controlToken(),
): Promise<string | undefined> {
  const endpoints = await getJson<{ name: string; url: string }[]>(`${control}/api/endpoints`, undefined, token);
  return endpoints.find((e) => e.name === name)?.url;
}

/** Mints a key on the simulator (POST /api/apns/keys), so tokens signed with it are accepted there. */
export function mintApnsKey(control: string, token: string | undefined = controlToken()): Promise<SigningKey> {
  return postJson<SigningKey>(`${control}/api/apns/keys`, {}, token);
}

/** The key of `--key file.p8 --key-id … --team-id …`, or undefined when --key is absent. */
export function readSigningKey(flags: { key?: string; keyId?: string; teamId?: string }): SigningKey | undefined {
  if (!flags.key) return undefined;
  if (!flags.keyId || !flags.teamId) throw new Error('--key needs --key-id and --team-id');
  let p8: string;
  try {
    p8 = readFileSync(flags.key, 'utf8');
  } catch (error) {
    throw new Error(`--key: cannot read ${flags.key} (${(error as NodeJS.ErrnoException).code})`);
  }
  return { p8, keyId: flags.keyId, teamId: flags.teamId };
}

/**
 * Mints a service account on the simulator (POST /api/fcm/service-accounts), for the project given or its default one.
 */
export function mintServiceAccount(
  control: string,
  projectId?: string,
  token: string | undefined = controlToken(),
): Promise<ServiceAccountJson> {
  return postJson<ServiceAccountJson>(`${control}/api/fcm/service-accounts`, projectId ? { projectId } : {}, token);
}

/**
 * The line for a fetch() that got no answer at all (undici hides ECONNREFUSED behind "fetch failed"); undefined for
 * other errors.
 */
export function unreachableMessage(control: string, error: unknown): string | undefined {
  const code = (error as { cause?: { code?: string } }).cause?.code;
  return code
    ? `cannot reach pushsim at ${control} (${code}); start it with \`pushsim serve\` or pass --control`
    : undefined;
}
