// The page's one way to the control API: JSON over fetch, the access token carried when pushsim was started with
// --token (the page is opened as /?token=…; the token is kept for the tab in sessionStorage, never in the URL after).
export type * from './model.js';

const TOKEN_KEY = 'pushsim.token';

/** Takes ?token= off the address bar into sessionStorage, so a link copied from the page does not carry it. */
export function adoptToken(): void {
  const url = new URL(location.href);
  const given = url.searchParams.get('token');
  if (given === null) return;
  sessionStorage.setItem(TOKEN_KEY, given);
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

export function accessToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** pushsim's error body (simulator/model/error.ts), or a service's own answer kept as `answer`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly answer?: unknown,
  ) {
    super(message);
  }
  /** The route itself is missing: this pushsim is older than the page's view (NOT_FOUND is the no-route code). */
  get isRouteMissing(): boolean {
    return this.status === 404 && this.code === 'NOT_FOUND';
  }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = accessToken();
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

/** The raw answer of a call, for views that show what the service answered whatever the status. */
export async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`/api${path}`, {
    method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, body: parsed };
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const { status, body: answer } = await call(method, path, body);
  if (status >= 400) {
    const error = (answer as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    throw new ApiError(
      status,
      error?.code ?? `HTTP_${status}`,
      error?.message ?? (typeof answer === 'string' && answer ? answer : `HTTP ${status}`),
      error?.field,
      answer,
    );
  }
  return answer as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}): Promise<T> => api<T>('POST', path, body);

/** A file the API serves (the CA, a recorded scenario) saved by the browser, with the token carried. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await fetch(`/api${path}`, { headers: headers({ accept: '*/*' }) });
  if (!response.ok) throw new ApiError(response.status, `HTTP_${response.status}`, await response.text());
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The ws URL of the event feed on this page's origin (ws: or wss:), with ?token= as the guard reads it on upgrades. */
export function eventsUrl(): string {
  const url = new URL('/api/events', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = accessToken();
  if (token) url.searchParams.set('token', token);
  return url.href;
}
