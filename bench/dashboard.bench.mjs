// `npm run bench:dashboard`: in the real browser (Debian's chromium), the time from a push accepted by the simulator to
// its row shown in the dashboard's Pushes view, at RATE pushes/s for SECONDS; and the page's JavaScript, gzipped.
// Issue 15 aims at under 100 ms at 100 pushes/s and under 200 KB. Needs `npm run build` (dist/ and dist/dashboard/).
// With --json it prints one JSON line instead (what `npm run bench`, bench/run-all.mjs, reads for its table).
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSimulator } from '../dist/simulator/index.js';

const RATE = Number(process.env.RATE ?? 100);
const SECONDS = Number(process.env.SECONDS ?? 5);
const AS_JSON = process.argv.includes('--json');
const assets = fileURLToPath(new URL('../dist/dashboard/assets/', import.meta.url));

const scripts = readdirSync(assets).filter((name) => name.endsWith('.js'));
const jsBytes = scripts.reduce((sum, name) => sum + readFileSync(assets + name).length, 0);
const jsGzip = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(assets + name), { level: 9 }).length, 0);

const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  // The fleet: one iPhone with a running app, so every push is delivered at once.
  const post = async (path, body) =>
    (
      await fetch(`${sim.urls.api}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
  await post('/devices', { platform: 'ios', id: 'iphone' });
  const app = await post('/devices/iphone/apps', {
    bundleId: 'com.example.chat',
    sdkProfile: 'zpns-rn',
    id: 'chat',
    state: 'active',
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${sim.urls.control}/pushes`);
  await page.locator('.feed-open').waitFor();
  // Each row's first appearance, on the browser's wall clock (the same machine's as Node's Date.now()).
  await page.evaluate(() => {
    const seen = new Map();
    globalThis.__seen = seen;
    new MutationObserver(() => {
      const now = Date.now();
      for (const row of document.querySelectorAll('a.row[data-push]'))
        if (!seen.has(row.dataset.push)) seen.set(row.dataset.push, now);
    }).observe(document.querySelector('.virtual-list'), { childList: true, subtree: true });
  });
  const sentAt = new Map();
  const total = RATE * SECONDS;
  const started = Date.now();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    while (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    const { entry } = sim.simulation.send({
      token: app.tokens.apns,
      kind: 'alert',
      priority: 'high',
      payload: { aps: { alert: `n${n}` } },
    });
    sentAt.set(entry.id, Date.now());
  }
  await page.waitForFunction((count) => globalThis.__seen.size >= count, total, { timeout: 30_000 });
  const seen = new Map(await page.evaluate(() => [...globalThis.__seen]));
  const latencies = [...sentAt].map(([id, at]) => seen.get(id) - at).sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  if (AS_JSON)
    console.log(
      JSON.stringify({
        total,
        rate: RATE,
        p50: pct(50),
        p95: pct(95),
        max: latencies.at(-1),
        jsBytes,
        jsGzip,
        scripts: scripts.length,
      }),
    );
  else {
    console.log(
      `dashboard: ${total} pushes at ${RATE}/s, accepted → row shown: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${latencies.at(-1)} ms`,
    );
    console.log(
      `dashboard: JavaScript ${(jsBytes / 1024).toFixed(1)} KB, ${(jsGzip / 1024).toFixed(1)} KB gzipped (${scripts.length} file)`,
    );
  }
} finally {
  await browser.close();
  await sim.close();
}
