// The dashboard driven in a real browser (Debian's chromium) as a person would, against a real simulator on a virtual
// clock: the Send form, the live timeline and a push's detail, the lifecycle buttons, the device switches, the filters,
// the Clock view, the access token, and an axe-core check of every view. Screenshots go to docs/dashboard/ only with
// PUSHSIM_SCREENSHOTS=1 (`npm run docs:screenshots`), else to a temporary folder.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import {
  ensureDashboardBuilt,
  launchChromium,
  screenshot,
  seriousAxeViolations,
} from '../support/dashboard-browser.js';

const BIN = fileURLToPath(new URL('../../bin/pushsim.js', import.meta.url));
/** A fixed start for the virtual clock, so the screenshots in docs/dashboard/ show the same times run after run. */
const START_AT = Date.UTC(2026, 0, 15, 9, 30, 0);
let sim: SimulatorHandle;
let browser: Browser;
let page: Page;

async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.urls.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

interface App {
  id: string;
  lifecycle: string;
  tokens: Record<string, string>;
}

/** An iPhone with the ZPNs React Native chat app, suspended: the app a silent push wakes. */
async function suspendedChatApp(extra: Record<string, unknown> = {}): Promise<App> {
  await call('POST', '/devices', { platform: 'ios', id: 'iphone', name: 'iPhone' });
  return call<App>('POST', '/devices/iphone/apps', {
    bundleId: 'com.example.chat',
    sdkProfile: 'zpns-rn',
    id: 'chat',
    state: 'suspended',
    ...extra,
  });
}

/** Opens a view and waits until the page's feed is live, so what the test does next is seen. */
async function open(path: string): Promise<void> {
  await page.goto(`${sim.urls.control}${path}`);
  await page.locator('.feed-open').waitFor();
}

async function sendSilentPushFromForm(): Promise<string> {
  await page.getByRole('link', { name: 'Send', exact: true }).click();
  await page.getByRole('button', { name: 'APNs', exact: true }).click();
  await page.getByLabel('To app').selectOption('chat');
  await page.getByRole('button', { name: 'Silent (background)' }).click();
  await page.getByRole('button', { name: 'Send APNs push' }).click();
  const answer = page.locator('.answer');
  // Sent through the wire: Apple's own answer, and the apns-id that names the push.
  await answer.getByText('APNs answered HTTP 200').waitFor();
  const href = await answer.getByRole('link', { name: 'Open the push' }).getAttribute('href');
  return decodeURIComponent(href!.slice('/pushes/'.length));
}

async function hasRoute(path: string): Promise<boolean> {
  const document = await call<{ paths: Record<string, unknown> }>('GET', '/openapi.json');
  return path in document.paths;
}

function row(pushId: string) {
  return page.locator(`a.row[data-push="${pushId}"]`);
}

beforeAll(async () => {
  ensureDashboardBuilt();
  [sim, browser] = await Promise.all([
    startSimulator({ controlPort: 0, clock: 'virtual', startAt: START_AT }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  // A wait that fails says which locator it waited for, well before the test's own timeout.
  page.setDefaultTimeout(8000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sim?.close();
});

beforeEach(() => sim.reset());

describe('the dashboard in a browser', () => {
  test('a silent push sent from the Send form to a suspended iOS app shows throughMessageReceived in the timeline and in the detail with its rule', async () => {
    await suspendedChatApp();
    await open('/');
    const pushId = await sendSilentPushFromForm();
    await page.getByRole('link', { name: 'Pushes', exact: true }).click();
    await row(pushId).getByText('throughMessageReceived').waitFor();
    expect(await row(pushId).locator('.badge').textContent()).toBe('delivered');
    await row(pushId).click();
    await page.getByRole('heading', { name: 'Rules that decided it' }).waitFor();
    expect(page.url()).toBe(`${sim.urls.control}/pushes/${pushId}`);
    // The form sent through the APNs wire (POST /api/send/apns), so the ledger has an APNs push, not a `native` one.
    expect((await call<{ provider: string }>('GET', `/pushes/${pushId}`)).provider).toBe('apns');
    const detail = page.locator('.push-detail');
    await detail.locator('.rule-id', { hasText: 'zpns-rn.ios.through-message' }).first().waitFor();
    expect(await detail.locator('.timeline').textContent()).toContain('throughMessageReceived');
    expect(await detail.locator('.rule h3').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('ios.background.wakes')]),
    );
    await screenshot(page, 'push');
  });

  test('the Force quit button stops the app and the next push is dropped with the reason', async () => {
    await suspendedChatApp();
    await open('/');
    await page.getByRole('button', { name: 'Force quit chat' }).click();
    await page.locator('.state-now[data-app="chat"]', { hasText: 'forceQuit' }).waitFor();
    expect(await page.locator('.state.lit').first().textContent()).toBe('forceQuit');
    await screenshot(page, 'phones');
    const pushId = await sendSilentPushFromForm();
    await page.getByRole('link', { name: 'Pushes', exact: true }).click();
    await row(pushId).locator('.badge', { hasText: 'dropped' }).waitFor();
    expect(await row(pushId).locator('.reason').textContent()).toMatch(/force-quit/);
  });

  test('a push to an offline device is stored and delivered once the Online switch is turned back on', async () => {
    await suspendedChatApp();
    await open('/');
    const online = page.getByRole('checkbox', { name: 'Online' });
    await online.uncheck();
    await page.waitForFunction(async (api) => {
      const device = (await (await fetch(`${api}/devices/iphone`)).json()) as { conditions: { online: boolean } };
      return device.conditions.online === false;
    }, sim.urls.api);
    const pushId = await sendSilentPushFromForm();
    await page.getByRole('link', { name: 'Pushes', exact: true }).click();
    await row(pushId).locator('.badge', { hasText: 'stored' }).waitFor();
    await page.getByRole('link', { name: 'Phones', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Online' }).check();
    await page.getByRole('link', { name: 'Pushes', exact: true }).click();
    await row(pushId).locator('.badge', { hasText: 'delivered' }).waitFor();
    expect(await row(pushId).textContent()).toContain('throughMessageReceived');
  });

  test('filters the timeline by fate and by payload text, and keeps the filters in the URL', async () => {
    const app = await suspendedChatApp();
    const token = app.tokens.apns!;
    await call('POST', '/pushes', {
      token,
      kind: 'alert',
      priority: 'high',
      payload: { aps: { alert: 'order 42 shipped' } },
    });
    await call('POST', '/pushes', {
      token,
      kind: 'background',
      payload: { aps: { 'content-available': 1 }, sync: 'inbox' },
    });
    await call('POST', '/apps/chat/lifecycle', { event: 'forceQuit' });
    for (const n of [1, 2])
      await call('POST', '/pushes', { token, kind: 'background', payload: { aps: { 'content-available': 1 }, n } });
    await open('/pushes');
    await page.getByText('4 of 4 pushes').waitFor();
    // The README's tour opens with this one: a few fates side by side.
    await screenshot(page, 'pushes');
    await page.getByLabel('Fate').selectOption('dropped');
    await page.getByText('2 of 4 pushes').waitFor();
    expect(new URL(page.url()).searchParams.get('fate')).toBe('dropped');
    await page.getByLabel('Fate').selectOption('');
    await page.getByRole('searchbox', { name: 'Text' }).fill('shipped');
    await page.getByText('1 of 4 pushes').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('shipped');
    await page.reload();
    await page.getByText('1 of 4 pushes').waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await call('POST', '/pushes', { token, kind: 'background', payload: { aps: { 'content-available': 1 } } });
    await page.getByText('1 new waiting').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByText('1 of 5 pushes').waitFor();
  });

  test('advancing the virtual clock from the Clock view ends the 30-second background budget', async () => {
    await suspendedChatApp({ handlerTime: 'never' });
    await open('/');
    await sendSilentPushFromForm();
    await page.getByRole('link', { name: 'Phones', exact: true }).click();
    await page.locator('.state-now[data-app="chat"]', { hasText: 'background.pushWake' }).waitFor();
    // A server that reports the budget's deadline (budgetEndsAt) gets it counted down on the card.
    if ((await call<{ budgetEndsAt?: string }>('GET', '/apps/chat')).budgetEndsAt !== undefined)
      await page.locator('.budget', { hasText: '30.0 s left' }).waitFor();
    await page.getByRole('link', { name: 'Clock', exact: true }).click();
    await page.getByRole('button', { name: '+30 s' }).click();
    await page.getByRole('link', { name: 'Phones', exact: true }).click();
    // The handler never called its completion handler: at the end of the budget iOS terminates the app.
    await page.locator('.state-now[data-app="chat"]', { hasText: 'notRunning' }).waitFor();
    expect(await page.locator('.budget').count()).toBe(0);
  });

  test('a burst of 500 pushes costs the Clock view two reads of the timers while the server is slow to answer', async () => {
    // Away from the Phones view (it reads the timers too) before the app is installed, so only the Clock view's reads
    // are counted.
    await open('/rules');
    const app = await suspendedChatApp();
    // The server answers the timers only once the burst is over: a view that read again every frame would pile up a
    // read per frame meanwhile; one read in flight and one trailing read make two in all.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const isTimers = (url: URL) => url.pathname === '/api/clock/timers';
    const reads: string[] = [];
    const count = (request: { url(): string }) => {
      if (isTimers(new URL(request.url()))) reads.push(request.url());
    };
    page.on('request', count);
    await page.route(isTimers, async (route) => {
      await released;
      // After a failed assertion the finally below unroutes first; Playwright then has handled the route already.
      await route.continue().catch(() => undefined);
    });
    try {
      await open('/clock');
      for (let n = 0; n < 500; n++)
        await call('POST', '/pushes', { token: app.tokens.apns, kind: 'alert', payload: { n } });
      // The feed is in order: once the page shows the advance, it has seen every push before it.
      await call('POST', '/clock/advance', { by: '1h' });
      await page.locator('.clock-now', { hasText: '2026-01-15T10:30' }).waitFor();
      expect(reads).toHaveLength(1);
      release();
      await page.getByText('No timer waits.').waitFor();
      await expect.poll(() => reads.length).toBe(2);
      expect(reads.every((url) => new URL(url).search === '')).toBe(true);
    } finally {
      release();
      page.off('request', count);
      await page.unroute(isTimers);
    }
  });

  test('the Clock view lists the earliest 200 timers and says how many more wait', async () => {
    const handles = Array.from({ length: 205 }, (_, i) =>
      sim.clock.setTimer(() => undefined, (i + 1) * 1000, { kind: 'other', label: `timer ${i + 1}` }),
    );
    try {
      await open('/clock');
      await page.getByText('5 more timers wait after these').waitFor();
      expect(await page.locator('table.timers tbody tr').count()).toBe(200);
      expect(await page.locator('table.timers tbody tr').first().textContent()).toContain('timer 1');
    } finally {
      for (const handle of handles) sim.clock.clearTimer(handle);
    }
  });

  test('keeps 10,000 pushes in a virtualised list: a few dozen rows in the page, the oldest reached by scrolling', async () => {
    const app = await suspendedChatApp();
    await call('POST', '/apps/chat/lifecycle', { event: 'forceQuit' });
    for (let n = 0; n < 10_000; n++)
      sim.simulation.send({ token: app.tokens.apns!, kind: 'background', priority: 'normal', payload: { n } });
    await open('/pushes');
    await page.getByText('10,000 of 10,000 pushes').waitFor({ timeout: 20_000 });
    expect(await page.locator('a.row[data-push]').count()).toBeLessThan(80);
    const started = Date.now();
    await page.locator('.virtual-list').evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    await page.locator('a.row[data-push]', { hasText: 'background' }).last().waitFor();
    await page.locator('li[aria-posinset="10000"]').waitFor();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await page.locator('a.row[data-push]').count()).toBeLessThan(80);
  }, 40_000);

  test('a Live Activity started via REST is updated from the Send form: its content state changes on the Phones view, the push is in the timeline with its rule', async () => {
    await call('POST', '/devices', { platform: 'ios', id: 'iphone', name: 'iPhone' });
    await call('POST', '/devices/iphone/apps', {
      bundleId: 'com.example.rides',
      sdkProfile: 'native-ios',
      id: 'rides',
      state: 'suspended',
      liveActivities: {
        attributeTypes: { RideAttributes: { attributes: { driver: 'string' }, contentState: { eta: 'integer' } } },
      },
    });
    const activity = await call<{ id: string }>('POST', '/apps/rides/activities', {
      attributesType: 'RideAttributes',
      attributes: { driver: 'Ana' },
      contentState: { eta: 9 },
    });
    const card = page.locator(`.activity[data-activity="${activity.id}"]`);
    await open('/');
    await card.locator('.content-state', { hasText: '{"eta":9}' }).waitFor();
    expect(await card.locator('.badge').textContent()).toBe('active');
    await page.getByRole('link', { name: 'Send', exact: true }).click();
    await page.getByLabel('To app').selectOption('rides');
    await page.getByRole('button', { name: 'Live Activity' }).click();
    await page.getByLabel('Send to').selectOption(`activity:${activity.id}`);
    await page.getByLabel('aps.content-state').fill('{ "eta": 3 }');
    // The payload is composed with aps.timestamp at the simulator's now and the event chosen.
    const payload = page.getByLabel('Payload', { exact: true });
    await page.waitForFunction(
      (field) => (field as unknown as { value: string }).value.includes('"eta": 3'),
      await payload.elementHandle(),
    );
    expect(await payload.inputValue()).toContain(`"timestamp": ${Math.floor(sim.clock.now() / 1000)}`);
    await page.getByRole('button', { name: 'Send APNs push' }).click();
    const answer = page.locator('.answer');
    await answer.getByText('APNs answered HTTP 200').waitFor();
    const href = await answer.getByRole('link', { name: 'Open the push' }).getAttribute('href');
    const pushId = decodeURIComponent(href!.slice('/pushes/'.length));
    await page.getByRole('link', { name: 'Phones', exact: true }).click();
    await card.locator('.content-state', { hasText: '{"eta":3}' }).waitFor();
    await screenshot(page, 'live-activity');
    await page.getByRole('link', { name: 'Pushes', exact: true }).click();
    await row(pushId).waitFor();
    await row(pushId).click();
    const detail = page.locator('.push-detail');
    await detail.locator('.rule-id', { hasText: 'apns.liveactivity' }).first().waitFor();
    const entry = await call<{ provider: string; push: { headers: Record<string, string> } }>(
      'GET',
      `/pushes/${pushId}`,
    );
    expect(entry.provider).toBe('apns');
    expect(entry.push.headers['apns-topic']).toBe('com.example.rides.push-type.liveactivity');
  });

  test("the Rules view links a rule's docs/reference source to the served page, opened on the cited section", async () => {
    await open(`/rules?q=${encodeURIComponent('docs/reference/ios.md#')}`);
    const link = page.locator('.rule .sources a[href^="/docs/reference/"]').first();
    const href = await link.getAttribute('href');
    const anchor = new URL(href!, sim.urls.control).hash.slice(1);
    expect(anchor).not.toBe('');
    await page.goto(`${sim.urls.control}${href}`);
    await page.locator(`[id="${anchor}"]:target`).waitFor();
  });

  test('runs a library scenario against a fresh simulator and shows it passed', async (context) => {
    // The scenario routes come with the dash-server work; on a server without them the view says so (tested below).
    if (!(await hasRoute('/api/scenarios/runs'))) return context.skip();
    await open('/scenarios');
    const library = page.getByLabel('Library file');
    await library.locator('option', { hasText: 'force-quit' }).first().waitFor({ state: 'attached' });
    const file = await library.locator('option', { hasText: 'force-quit' }).first().getAttribute('value');
    await library.selectOption(file!);
    await page.getByRole('button', { name: 'Run file' }).click();
    await page.locator('.run .badge', { hasText: 'passed' }).first().waitFor({ timeout: 15_000 });
    expect(await call<unknown[]>('GET', '/devices')).toEqual([]);
  });

  test('records a session from the page, downloads the scenario, and pushsim run passes it', async (context) => {
    if (!(await hasRoute('/api/recordings'))) return context.skip();
    await suspendedChatApp();
    await open('/scenarios');
    await page.getByRole('button', { name: 'Start recording' }).click();
    await page.getByRole('button', { name: 'Stop recording' }).waitFor();
    await sendSilentPushFromForm();
    await page.getByRole('link', { name: 'Phones', exact: true }).click();
    await page.getByRole('button', { name: 'Force quit chat' }).click();
    await page.locator('.state-now[data-app="chat"]', { hasText: 'forceQuit' }).waitFor();
    await sendSilentPushFromForm();
    await page.getByRole('link', { name: 'Scenarios', exact: true }).click();
    await page.getByRole('button', { name: 'Stop recording' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download scenario' }).click(),
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'pushsim-recorded-')), download.suggestedFilename());
    await download.saveAs(file);
    const run = spawnSync(process.execPath, [BIN, 'run', file], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stdout + run.stderr).toMatch(/passed/);
    expect(run.status).toBe(0);
  }, 40_000);

  test('a view whose route this server lacks says so instead of failing', async () => {
    await page.route('**/api/clock/timers', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route GET /api/clock/timers' } }),
      }),
    );
    try {
      await open('/clock');
      await page.getByText('The list of pending timers is not available on this server').waitFor();
    } finally {
      await page.unroute('**/api/clock/timers');
    }
  });

  test('the Phones view says quietly when the timers cannot be read, and shows the phones all the same', async () => {
    await suspendedChatApp();
    const isTimers = (url: URL) => url.pathname === '/api/clock/timers';
    await page.route(isTimers, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the clock is busy' } }),
      }),
    );
    try {
      await open('/');
      await page.locator('.timers-error[role="status"]', { hasText: 'the clock is busy' }).waitFor();
      await page.locator('.state-now[data-app="chat"]', { hasText: 'suspended' }).waitFor();
      expect(await page.locator('[role="alert"]').count()).toBe(0);
    } finally {
      await page.unroute(isTimers);
    }
  });

  test('every view passes axe-core with no serious or critical violation', async () => {
    const app = await suspendedChatApp();
    await call('POST', '/pushes', {
      token: app.tokens.apns,
      kind: 'background',
      payload: { aps: { 'content-available': 1 } },
    });
    const [entry] = await call<{ id: string }[]>('GET', '/pushes?limit=1');
    const views: [string, string][] = [
      ['/', 'phones'],
      ['/pushes', 'pushes'],
      [`/pushes/${entry!.id}`, 'push'],
      ['/send', 'send'],
      ['/rules', 'rules'],
      ['/faults', 'faults'],
      ['/clock', 'clock'],
      ['/scenarios', 'scenarios'],
      ['/connect', 'connect'],
    ];
    const found: Record<string, unknown> = {};
    for (const [path, name] of views) {
      await open(path);
      await page.locator('main h1').waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await seriousAxeViolations(page);
      if (violations.length) found[path] = violations;
      if (!['pushes', 'push', 'phones'].includes(name)) await screenshot(page, name);
    }
    // The dark theme (prefers-color-scheme) has its own colours: checked on the two busiest views.
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const path of ['/', '/pushes']) {
      await open(path);
      await page.waitForLoadState('networkidle');
      const violations = await seriousAxeViolations(page);
      if (violations.length) found[`${path} (dark)`] = violations;
    }
    await screenshot(page, 'pushes-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(found).toEqual({});
  }, 40_000);
});

describe('the dashboard with an access token', () => {
  test('opened at /?token=… it loads without the token on its assets and calls the API and the feed with it', async () => {
    const guarded = await startSimulator({ controlPort: 0, clock: 'virtual', token: 's3cret' });
    try {
      const tokenPage = await browser.newPage();
      await fetch(`${guarded.urls.api}/devices`, {
        method: 'POST',
        headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
        body: JSON.stringify({ platform: 'android', id: 'pixel', name: 'Pixel' }),
      });
      await tokenPage.goto(`${guarded.urls.control}/?token=s3cret`);
      await tokenPage.getByRole('heading', { name: 'Pixel' }).waitFor();
      await tokenPage.locator('.feed-open').waitFor();
      expect(new URL(tokenPage.url()).search).toBe('');
      await tokenPage.close();
    } finally {
      await guarded.close();
    }
  });
});
