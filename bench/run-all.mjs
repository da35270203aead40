// `npm run bench`: every figure of issue 14's table, each against its baseline measured in the same run, as one table.
// Throughput figures run h2load against a server in a child process, the server pinned to one core and h2load to the
// other (taskset), in interleaved pairs (baseline, pushsim, baseline, pushsim...), and report medians. See
// bench/README.md. Environment: REQUESTS (per h2load run, 20,000), PAIRS (3), APPS (the large registry, 1,000,000),
// LEDGER (pushes for the ledger and RSS figures, 200,000), ONLY (a comma list of figure ids to run). The dashboard
// figures (bench/dashboard.bench.mjs) need Debian's chromium and a build (`npm run build`).
import { spawn, spawnSync, execFile } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUESTS = Number(process.env.REQUESTS ?? 20_000);
const PAIRS = Number(process.env.PAIRS ?? 3);
const APPS = Number(process.env.APPS ?? 1_000_000);
const LEDGER = Number(process.env.LEDGER ?? 200_000);
const ONLY = process.env.ONLY?.split(',');
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'pushsim-bench-'));

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const hasH2load = has('h2load');
const canPin = has('taskset') && availableParallelism() >= 2;
/** The server on core 0, the load generator on core 1; unpinned (and said so) on one core or without taskset. */
const pinned = (core, argv) => (canPin ? ['taskset', ['-c', String(core), ...argv]] : [argv[0], argv.slice(1)]);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Starts bench/lib/bench-server.mjs; resolves with its first JSON line, a `stats()` query and `close()`. */
function startServer(args, nodeFlags = []) {
  const [command, argv] = pinned(0, [process.execPath, ...nodeFlags, here('./lib/bench-server.mjs'), ...args]);
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  return next().then((info) => ({
    ...info,
    stats: () => {
      const answer = next();
      child.stdin.write('stats\n');
      return answer;
    },
    close: () =>
      new Promise((resolve) => {
        child.on('exit', resolve);
        child.stdin.end();
      }),
  }));
}

/** One h2load run against a server; req/s, or throws when not every answer was 2xx. */
function h2load(server, { connections = 4, streams = 100, requests = REQUESTS } = {}) {
  const payloadFile = join(tmp, `payload-${server.pid}.json`);
  writeFileSync(payloadFile, server.payload);
  const args = ['-n', String(requests), '-c', String(connections), '-m', String(streams), '-d', payloadFile];
  for (const h of server.headers) args.push('-H', h);
  const [command, argv] = pinned(1, ['h2load', ...args, server.url]);
  return new Promise((resolve, reject) =>
    execFile(command, argv, { encoding: 'utf8', maxBuffer: 1 << 24 }, (error, out) => {
      if (error) return reject(error);
      const rate = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out)?.[1]);
      const ok = Number(/status codes: (\d+) 2xx/.exec(out)?.[1]);
      if (ok !== requests) reject(new Error(`only ${ok} of ${requests} answered 2xx:\n${out}`));
      else resolve(rate);
    }),
  );
}

/** Interleaved pairs against two running servers; the medians. */
async function pairs(baseline, pushsim, shape) {
  const b = [];
  const p = [];
  await h2load(pushsim, { ...shape, requests: Math.min(REQUESTS, 5000) }); // warm-up: JIT, TLS session set-up
  for (let i = 0; i < PAIRS; i++) {
    b.push(await h2load(baseline, shape));
    p.push(await h2load(pushsim, shape));
  }
  return { baseline: median(b), pushsim: median(p) };
}

const rows = [];
const row = (id, figure, baseline, pushsim, ratio, goal, isMet) => {
  rows.push({ id, figure, baseline, pushsim, ratio, goal, met: isMet === undefined ? '' : isMet ? 'yes' : 'no' });
  console.error(`  ${figure}: ${pushsim}${baseline ? ` (baseline ${baseline})` : ''} ${ratio}`);
};
const skip = (id, figure, why) =>
  rows.push({ id, figure, baseline: '', pushsim: `skipped: ${why}`, ratio: '', goal: '', met: '' });
const wanted = (id) => !ONLY || ONLY.includes(id);
const rate = (r) => `${(r / 1000).toFixed(1)}k req/s`;
const pct = (x) => `${(x * 100).toFixed(0)}%`;
const MiB = (b) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const NO_H2LOAD = 'needs h2load (Debian/Ubuntu: apt-get install nghttp2-client)';

async function throughput(id, figure, baselineArgs, pushsimArgs, shapes, goal) {
  if (!wanted(id)) return;
  if (!hasH2load) return skip(id, figure, NO_H2LOAD);
  const baseline = await startServer(baselineArgs);
  const pushsim = await startServer(pushsimArgs);
  try {
    for (const [label, shape] of shapes) {
      const r = await pairs(baseline, pushsim, shape);
      row(
        id,
        `${figure}${label}`,
        rate(r.baseline),
        rate(r.pushsim),
        pct(r.pushsim / r.baseline),
        `≥ ${pct(goal)}`,
        r.pushsim / r.baseline >= goal,
      );
    }
  } finally {
    await baseline.close();
    await pushsim.close();
  }
}

console.error(
  `pushsim bench: ${REQUESTS.toLocaleString()} requests per h2load run, ${PAIRS} interleaved pairs, ${canPin ? 'server on core 0, h2load on core 1' : 'NOT pinned (needs taskset and 2 cores): figures are noisier'}`,
);
const FOUR_BY_100 = [[' (4 conn × 100 streams)', { connections: 4, streams: 100 }]];
await throughput('apns-tls', 'APNs TLS', ['bare-apns'], ['apns'], FOUR_BY_100, 0.7);
await throughput('apns-h2c', 'APNs h2c', ['bare-apns', '--h2c'], ['apns', '--h2c'], FOUR_BY_100, 0.7);
await throughput('fcm', 'FCM messages:send', ['bare-fcm'], ['fcm'], FOUR_BY_100, 0.7);
await throughput(
  'shapes',
  'APNs TLS',
  ['bare-apns'],
  ['apns'],
  [
    [' 1 conn × 1 stream', { connections: 1, streams: 1, requests: REQUESTS / 4 }],
    [' 1 conn × 1,000 streams', { connections: 1, streams: 1000 }],
    [' 8 conn × 1 stream', { connections: 8, streams: 1, requests: REQUESTS / 2 }],
    [' 8 conn × 1,000 streams', { connections: 8, streams: 1000 }],
  ],
  0.6,
);

if (wanted('apps')) {
  const figure = `cost per push, ${APPS.toLocaleString()} apps installed vs 1,000`;
  if (!hasH2load) skip('apps', figure, NO_H2LOAD);
  else {
    const small = await startServer(['apns', '--apps', '1000']);
    const large = await startServer(['apns', '--apps', String(APPS)]);
    try {
      const r = await pairs(small, large, {});
      row(
        'apps',
        figure,
        rate(r.baseline),
        rate(r.pushsim),
        `${(r.pushsim / r.baseline).toFixed(2)}×`,
        '≥ 0.95×',
        r.pushsim / r.baseline >= 0.95,
      );
    } finally {
      await small.close();
      await large.close();
    }
  }
}

if (wanted('ledger')) {
  // One server keeping every push: heap per retained entry, and RSS idle → peak under LEDGER pushes.
  if (!hasH2load) skip('ledger', 'heap per retained ledger entry; RSS under load', NO_H2LOAD);
  else {
    const server = await startServer(['apns', '--ledger', String(LEDGER)], ['--expose-gc']);
    try {
      const idle = await server.stats();
      await h2load(server, { requests: LEDGER });
      const loaded = await server.stats();
      // Heap and array buffers both: the compact ledger keeps its columns in typed arrays, outside the JS heap.
      const held = (stats) => stats.heapUsed + stats.arrayBuffers;
      const perEntry = (held(loaded) - held(idle)) / loaded.ledgerSize;
      row(
        'ledger',
        `heap per retained ledger entry (${loaded.ledgerSize.toLocaleString()} kept)`,
        '',
        `${perEntry.toFixed(0)} B`,
        `1M: ${MiB(perEntry * 1e6)}`,
        '≤ 300 B; 1M < 400 MiB',
        perEntry <= 300 && perEntry * 1e6 < 400 * 1024 * 1024,
      );
      const allowed = 2 * idle.rss + (held(loaded) - held(idle));
      row(
        'ledger',
        `RSS under sustained load (${LEDGER.toLocaleString()} pushes)`,
        `idle ${MiB(idle.rss)}`,
        `peak ${MiB(loaded.peakRss)}`,
        `${(loaded.peakRss / idle.rss).toFixed(1)}× idle`,
        `≤ 2× idle + ledger (${MiB(allowed)})`,
        loaded.peakRss <= allowed,
      );
    } finally {
      await server.close();
    }
  }
}

if (wanted('registry')) {
  const run = (which) => {
    const out = spawnSync(process.execPath, ['--expose-gc', here('./lib/registry-child.mjs'), which, String(APPS)], {
      encoding: 'utf8',
    });
    if (out.status !== 0) throw new Error(out.stderr);
    return JSON.parse(out.stdout);
  };
  const b = [];
  const p = [];
  const batch = [];
  for (let i = 0; i < PAIRS; i++) {
    b.push(run('baseline'));
    p.push(run('pushsim'));
    batch.push(run('pushsim-batch'));
  }
  const bytes = (xs) => median(xs.map((x) => x.bytesPerApp));
  const ms = (xs) => median(xs.map((x) => x.ms));
  const n = APPS.toLocaleString();
  row(
    'registry',
    `heap per installed app at ${n} apps`,
    `${bytes(b).toFixed(0)} B (Map of tokens)`,
    `${bytes(p).toFixed(0)} B`,
    `${(bytes(p) / bytes(b)).toFixed(1)}×`,
    '≤ 400 B',
    bytes(p) <= 400,
  );
  row(
    'registry',
    `installing ${n} apps`,
    `${(ms(b) / 1000).toFixed(2)} s (filling that Map)`,
    `${(ms(p) / 1000).toFixed(2)} s`,
    `${(ms(p) / ms(b)).toFixed(1)}×`,
    '≤ 3 s',
    ms(p) <= 3000,
  );
  row(
    'registry',
    `installing ${n} apps in batches of 10,000 (installApps, POST /api/apps/batch)`,
    `${(ms(b) / 1000).toFixed(2)} s (filling that Map)`,
    `${(ms(batch) / 1000).toFixed(2)} s`,
    `${(ms(batch) / ms(b)).toFixed(1)}×`,
    '≤ 3 s',
    ms(batch) <= 3000,
  );
}

if (wanted('startup')) {
  // Process start → the first 200 from /api/health; the baseline is a bare node:http server started the same way.
  const BARE = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('control http://127.0.0.1:' + this.address().port); });`;
  const stateDir = join(tmp, 'state');
  const timeToHealth = (argv) =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let asked = false;
      child.stdout.on('data', async (d) => {
        out += d;
        const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        if (!url || asked) return;
        asked = true;
        const response = await fetch(`${url}/api/health`);
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGKILL');
        if (response.ok) resolve(ms);
        else reject(new Error(`/api/health answered ${response.status}`));
      });
      child.on('exit', (code) => {
        if (!asked) reject(new Error(`exited ${code} before listening: ${out}`));
      });
    });
  const serve = [here('../bin/pushsim.js'), 'serve', '--port', '0', '--state-dir', stateDir];
  await timeToHealth(serve); // the first run generates the state directory's CA
  const b = [];
  const p = [];
  for (let i = 0; i < Math.max(PAIRS, 5); i++) {
    b.push(await timeToHealth(['-e', BARE]));
    p.push(await timeToHealth(serve));
  }
  row(
    'startup',
    'start-up, process start → /api/health',
    `${median(b).toFixed(0)} ms (bare node:http)`,
    `${median(p).toFixed(0)} ms`,
    `${(median(p) / median(b)).toFixed(1)}×`,
    '≤ 200 ms',
    median(p) <= 200,
  );
}

if (wanted('dashboard')) {
  // In the real browser: a push accepted → its row shown in the Pushes view, at 100 pushes/s; the page's JavaScript.
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const figure = 'dashboard: accepted → row shown at 100 pushes/s (p50 / p95)';
  if (!existsSync(chromium)) skip('dashboard', figure, `needs chromium at ${chromium} (apt-get install chromium)`);
  else if (!existsSync(here('../dist/dashboard/index.html')) || !existsSync(here('../dist/simulator/index.js')))
    skip('dashboard', figure, 'needs a build (npm run build)');
  else {
    const out = spawnSync(process.execPath, [here('./dashboard.bench.mjs'), '--json'], {
      encoding: 'utf8',
      env: { ...process.env, RATE: '100' },
    });
    if (out.status !== 0) throw new Error(out.stderr);
    const r = JSON.parse(out.stdout.trim().split('\n').at(-1));
    row(
      'dashboard',
      `${figure}, ${r.total} pushes`,
      '',
      `${r.p50} ms / ${r.p95} ms`,
      `max ${r.max} ms`,
      '< 100 ms (p95)',
      r.p95 < 100,
    );
    row(
      'dashboard',
      "dashboard: the page's JavaScript, gzipped",
      '',
      `${(r.jsGzip / 1024).toFixed(1)} KB`,
      `${(r.jsBytes / 1024).toFixed(1)} KB raw`,
      '< 200 KB',
      r.jsGzip < 200 * 1024,
    );
  }
}

const columns = ['figure', 'baseline', 'pushsim', 'ratio', 'goal', 'met'];
console.log(`| ${columns.join(' | ')} |`);
console.log(`|${columns.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${columns.map((c) => r[c]).join(' | ')} |`);
