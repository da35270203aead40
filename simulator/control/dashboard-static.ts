// Serves the dashboard page (dashboard/, built by Vite into dist/dashboard/) from the package itself, no CDN: GET / and
// the page's own routes (/pushes, /pushes/<id>, /send…) answer index.html to a browser; /assets/* are the hashed
// bundles, cached for good. curl's GET / keeps its one line of text (it asks for no HTML).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request } from 'express';
import { packageRoot } from '../package-root.js';

/** How to build the page, said wherever it is missing. */
export const DASHBOARD_BUILD_HINT =
  'the dashboard is not built in this pushsim checkout: run `npm run build:dashboard` (or `npm run build`) in its folder, then reload';

/**
 * dist/dashboard of the package this file belongs to (package-root.ts): the same folder from source (simulator/control/,
 * run by tsx), from dist/simulator/control/ and from dist/cjs/simulator/control/.
 */
export function dashboardFolder(from: string = fileURLToPath(import.meta.url)): string | undefined {
  const root = packageRoot(from);
  return root === undefined ? undefined : join(root, 'dist', 'dashboard');
}

/** A browser navigating asks for HTML first; curl (`*\/*`), fetch and the SDKs do not name it. */
function wantsPage(req: Request): boolean {
  return /\btext\/html\b/.test(req.headers.accept ?? '');
}

export interface DashboardRoutesOptions {
  /** The built page's folder; dashboardFolder() by default. */
  folder?: string;
  /** What GET / answers a client that asks for no HTML. */
  indexText: string;
}

export function dashboardRoutes(options: DashboardRoutesOptions): Router {
  const folder = options.folder ?? dashboardFolder();
  const router = Router();
  const indexFile = folder ? join(folder, 'index.html') : undefined;
  if (folder)
    // Vite names every asset by its content hash, so a cached copy is never stale.
    router.use('/assets', express.static(join(folder, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  router.get(/^\/(?!api(?:\/|$)|assets\/).*/, (req, res, next) => {
    if (!wantsPage(req)) {
      if (req.path === '/') res.type('text/plain').send(options.indexText);
      else next();
      return;
    }
    if (!indexFile || !existsSync(indexFile)) {
      res.status(503).type('text/plain').send(`pushsim: ${DASHBOARD_BUILD_HINT}\n${options.indexText}`);
      return;
    }
    // Read each time: a rebuild while pushsim runs is picked up on reload (the file is a few hundred bytes).
    res.set('cache-control', 'no-cache').type('text/html').send(readFileSync(indexFile, 'utf8'));
  });
  return router;
}
