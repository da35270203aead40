// The paths a browser loads the dashboard by without the access token (control-guard.ts): the page itself at / and its
// own views (dashboard/src/main.tsx: /pushes, /pushes/<id>, /send, /rules, /faults, /clock, /scenarios, /connect) and
// the hashed bundles under /assets/ (dashboard-static.ts), and the reference pages at /docs/reference/<file>.md. An allow-list, matched on the request's raw path as express
// routes it, so a spelling of an API path (`/API/devices`, `//api/devices`, `/./api/devices`, `/api%2Fdevices`) is never
// mistaken for one of these: everything else carries the token.

/** The page's views, as dashboard/src/main.tsx names them. */
export const DASHBOARD_VIEWS = ['pushes', 'send', 'rules', 'faults', 'clock', 'scenarios', 'connect'] as const;

const VIEW_PATH = new RegExp(`^/(?:${DASHBOARD_VIEWS.join('|')})/?$`);
/** One segment, no dot-segment in any spelling: a push id (`/pushes/<id>`, percent-encoded by the page). */
const PUSH_PATH = /^\/pushes\/([^/]+)$/;
/** Vite's flat, hashed asset names (`assets/index-Bx3k9a.js`). */
const ASSET_PATH = /^\/assets\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** The vendors' facts the Rules view links (reference-docs.ts): the repository's public docs, no secret. */
const REFERENCE_PATH = /^\/docs\/reference\/[A-Za-z0-9_-]+\.md$/;

/** The path of a request line's target, undecoded and unnormalised (`/x?y` → `/x`; an absolute-form target is kept). */
export function rawPath(target: string | undefined): string {
  const url = target ?? '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** Whether a GET of this raw path is one of the page's: the page and its bundles hold no secret. */
export function isDashboardPagePath(path: string): boolean {
  if (path === '/' || VIEW_PATH.test(path) || ASSET_PATH.test(path) || REFERENCE_PATH.test(path))
    return !path.includes('..');
  const id = PUSH_PATH.exec(path)?.[1];
  if (id === undefined) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(id);
  } catch {
    return false;
  }
  return decoded !== '.' && decoded !== '..' && !decoded.includes('/') && !decoded.includes('\\');
}
