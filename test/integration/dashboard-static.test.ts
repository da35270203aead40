// The dashboard served by the control plane: the page to a browser at / and at its own routes, the text line to curl,
// hashed assets cached for good, a clear message when the page is not built, and the token guarding /api only.
import { mkdtempSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { dashboardFolder } from '../../simulator/control/index.js';
import { dashboardRoutes } from '../../simulator/control/dashboard-static.js';
import { ensureDashboardBuilt } from '../support/dashboard-browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGE = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
let sim: SimulatorHandle | undefined;

beforeAll(() => ensureDashboardBuilt(), 60_000);
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the dashboard page', () => {
  test('GET / answers curl its line of text and a browser the page, uncached', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const curl = await fetch(`${sim.urls.control}/`, { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await curl.text()).toMatch(/the control API is under \/api/);
    const browser = await fetch(`${sim.urls.control}/`, { headers: PAGE });
    expect(browser.status).toBe(200);
    expect(browser.headers.get('content-type')).toMatch(/^text\/html/);
    expect(browser.headers.get('cache-control')).toBe('no-cache');
    expect(await browser.text()).toContain('<div id="app"></div>');
  });

  test("answers the page at the page's own routes, and JSON 404s elsewhere", async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    for (const path of ['/pushes', '/pushes/abc-123', '/rules?q=force', '/clock'])
      expect((await fetch(`${sim.urls.control}${path}`, { headers: PAGE })).headers.get('content-type')).toMatch(
        /^text\/html/,
      );
    const api = await fetch(`${sim.urls.control}/api/nothing-here`, { headers: PAGE });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect((await fetch(`${sim.urls.control}/pushes`, { headers: { accept: 'application/json' } })).status).toBe(404);
  });

  test('serves the hashed assets with a year-long immutable cache', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const script = readdirSync(join(ROOT, 'dist/dashboard/assets')).find((name) => name.endsWith('.js'))!;
    const answer = await fetch(`${sim.urls.control}/assets/${script}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/javascript/);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${sim.urls.control}/assets/missing-abc.js`)).status).toBe(404);
  });

  test('says how to build the page when dist/dashboard is missing', async () => {
    const app = express().use(
      dashboardRoutes({ folder: mkdtempSync(join(tmpdir(), 'no-dashboard-')), indexText: 'x\n' }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: PAGE });
      expect(answer.status).toBe(503);
      expect(await answer.text()).toMatch(/npm run build:dashboard/);
    } finally {
      server.close();
    }
  });

  test('finds dist/dashboard from the source tree and from the ES and CommonJS builds', () => {
    const expected = join(ROOT, 'dist', 'dashboard');
    expect(dashboardFolder()).toBe(expected);
    expect(dashboardFolder(join(ROOT, 'dist/simulator/control/dashboard-static.js'))).toBe(expected);
    expect(dashboardFolder(join(ROOT, 'dist/cjs/simulator/control/dashboard-static.js'))).toBe(expected);
  });

  test('with --token the page and its assets load without it, and /api still needs it', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual', token: 's3cret' });
    expect((await fetch(`${sim.urls.control}/?token=s3cret`, { headers: PAGE })).status).toBe(200);
    expect((await fetch(`${sim.urls.control}/pushes`, { headers: PAGE })).status).toBe(200);
    expect((await fetch(`${sim.urls.api}/devices`)).status).toBe(401);
    expect((await fetch(`${sim.urls.api}/devices?token=s3cret`)).status).toBe(200);
  });
});
