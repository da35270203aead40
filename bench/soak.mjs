// Soak: N minutes of mixed traffic at a set rate against a pushsim in its own process — APNs over HTTP/2 (TLS, a JWT
// from a key minted on the control API), FCM messages:send over HTTP/2 (an OAuth token from a minted service account)
// and POST /api/pushes — with resets, killed connections and uninstalls under way (issue 13). Before every reset and
// at the end it checks the ledger invariant: every push answered 2xx has exactly one current fate and a history that
// starts with `accepted` (GET /api/pushes/:id; the newest are all read, older ones sampled, since the ledger evicts
// past its limit). Prints the server's memory (rss, heapTotal, heapUsed, external, arrayBuffers) at start, at the peak,
// when the traffic stops, at the end — once the ledger window (--ledger-max-age, 30 s by default) has emptied by itself
// and the server has idled (--idle, 90 s) with nothing asked of it — and after a final reset (bench/README.md "Soak").
// `npm run bench:soak` (after `npm run build`); `-- --minutes 1 --rate 2000`. Exit code 1 when the invariant broke.
// Other flags: --ledger-limit N, --ledger-max-age 30s|none, --reset-every S (0: never), --apps N; SOAK_DETAIL=1 adds
// V8's heap spaces and RSS by mapping (smaps), SOAK_NO_HEAP_RELEASE=1 keeps the server from its own GC, to compare.
import http2 from 'node:http2';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const textOption = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
};

if (args[0] === '--serve') await serve();
else await soak();

/** The server process: a pushsim on free ports; answers `stats` on stdin with its memory. */
async function serve() {
  const { startSimulator } = await import('../dist/simulator/index.js');
  // The server's own GC once its ledger empties (simulator/engine/heap-release.ts) uses `gc` when the process has it;
  // SOAK_NO_HEAP_RELEASE=1 hides it from the server (the stats below still collect first), to compare.
  // SOAK_NO_HEAP_RELEASE=1 keeps it from the server, to compare; the stats below collect first either way, with the
  // same `gc` taken the way bin/pushsim.js takes it (the flag set in-process, the function from a fresh context).
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  if (!process.env.SOAK_NO_HEAP_RELEASE) globalThis.gc = gc;
  const sim = await startSimulator({
    controlPort: 0,
    // The load spreads over a few hundred apps; Apple's and Google's per-device limits would refuse most of it.
    silentPushThrottle: { perWindow: 0 },
    apns: { tooManyRequests: { perToken: 0, windowMs: 1000 } },
    fcm: { perDevicePerMinute: 1e9, perProjectPerMinute: 1e9 },
    // --ledger-limit: a smaller window shows RSS falling back once entries leave it.
    ...(process.env.SOAK_LEDGER_LIMIT ? { ledgerLimit: Number(process.env.SOAK_LEDGER_LIMIT) } : {}),
    ...(process.env.SOAK_LEDGER_MAX_AGE ? { ledgerMaxAge: process.env.SOAK_LEDGER_MAX_AGE } : {}),
  });
  console.log(JSON.stringify({ urls: sim.urls, caPem: sim.caPem }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'snapshot') {
      // `SOAK_SNAPSHOTS=1`: a heap snapshot at start, peak and after the reset, to diff in DevTools (Memory tab).
      gc?.();
      console.log(JSON.stringify({ file: v8.writeHeapSnapshot() }));
      continue;
    }
    if (line !== 'stats' && line !== 'detail' && line !== 'raw') continue;
    // `raw`: as the server is, without the full GC the others take first (a pushsim in use gets none).
    if (line !== 'raw') gc?.();
    const memory = process.memoryUsage();
    const heap = v8.getHeapStatistics();
    const out = {
      rss: memory.rss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      mallocedMemory: heap.malloced_memory,
      physical: heap.total_physical_size,
      // RSS in anonymous memory (heaps, malloc) and in files (node's own code): the kernel drops file pages under
      // memory pressure from other processes, so compare the anonymous part.
      ...rssParts(),
    };
    if (line === 'detail') {
      out.spaces = Object.fromEntries(
        v8
          .getHeapSpaceStatistics()
          .map((s) => [s.space_name, [s.space_size, s.space_used_size, s.physical_space_size]]),
      );
      out.smaps = smapsByKind();
      out.threads = /Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    }
    console.log(JSON.stringify(out));
  }
  await sim.close();
  process.exit(0);
}

async function soak() {
  const minutes = option('--minutes', 10);
  const rate = option('--rate', 5000);
  const appsPerPlatform = option('--apps', 150);
  const durationMs = minutes * 60_000;

  const ledgerLimit = option('--ledger-limit', 0);
  const ledgerMaxAge = textOption('--ledger-max-age', '30s');
  const maxAgeMs = ledgerMaxAge === 'none' ? 0 : parseSeconds(ledgerMaxAge) * 1000;
  const nodeFlags = (process.env.SOAK_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), '--serve'], {
    env: {
      ...process.env,
      ...(ledgerLimit ? { SOAK_LEDGER_LIMIT: String(ledgerLimit) } : {}),
      ...(ledgerMaxAge !== 'none' ? { SOAK_LEDGER_MAX_AGE: ledgerMaxAge } : {}),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(JSON.parse(line)));
  const nextLine = () => new Promise((resolve) => waiting.push(resolve));
  const { urls, caPem } = await nextLine();
  const stats = (kind = 'stats') => {
    child.stdin.write(`${kind}\n`);
    return nextLine();
  };

  const api = urls.api;
  const call = async (method, path, body) => {
    const response = await fetch(`${api}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const must = async (method, path, body) => {
    const answer = await call(method, path, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    return answer.json;
  };

  // Credentials, minted the way a user would, and an FCM access token from the service account.
  const { signProviderToken } = await import('../dist/simulator/senders/apns-sender.js');
  const { fcmAccessToken } = await import('../dist/simulator/senders/fcm-sender.js');
  let jwt;
  let fcmToken;
  let fcmProject;
  const mintCredentials = async () => {
    const key = await must('POST', '/apns/keys', {});
    jwt = signProviderToken(key);
    const account = await must('POST', '/fcm/service-accounts', {});
    fcmProject = account.project_id;
    fcmToken = await fcmAccessToken(urls.fcm, caPem, account);
  };

  /** The installed apps: [{ id, deviceId, platform, token }]. */
  let apps = [];
  let serial = 0;
  const installOne = async (platform) => {
    const device = await must('POST', '/devices', { platform });
    const app = await must('POST', `/devices/${device.id}/apps`, {
      bundleId: 'com.example.soak',
      sdkProfile: platform === 'ios' ? 'native-ios' : 'native-android',
      state: platform === 'ios' ? 'active' : 'foreground',
      id: `soak-${++serial}`,
    });
    return { id: app.id, deviceId: device.id, platform, token: platform === 'ios' ? app.tokens.apns : app.tokens.fcm };
  };
  const setUp = async () => {
    await mintCredentials();
    apps = await Promise.all([...Array(appsPerPlatform)].flatMap(() => [installOne('ios'), installOne('android')]));
  };

  let apnsSession;
  let fcmSession;
  const connect = (url) => {
    const session = http2.connect(url, { ca: caPem });
    session.on('error', () => {});
    return session;
  };
  const reconnect = () => {
    apnsSession?.destroy();
    fcmSession?.destroy();
    apnsSession = connect(urls.apns);
    fcmSession = connect(urls.fcm);
  };

  const h2 = (session, headers, body) =>
    new Promise((resolve) => {
      let stream;
      try {
        stream = session.request({ ':method': 'POST', ...headers });
      } catch {
        resolve({ status: 0 });
        return;
      }
      let status = 0;
      let responseHeaders = {};
      const chunks = [];
      stream.on('response', (h) => {
        status = Number(h[':status']);
        responseHeaders = h;
      });
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => resolve({ status, headers: responseHeaders, text: Buffer.concat(chunks).toString() }));
      stream.on('error', () => resolve({ status: 0 }));
      // A killed connection closes its streams, with or without an error; an answer already read has resolved.
      stream.on('close', () => resolve({ status: 0 }));
      stream.end(body);
    });

  const counts = { sent: 0, ok: 0, apns: 0, fcm: 0, native: 0, killed: 0, goneToken: 0, otherStatus: {} };
  /** Ids of pushes answered 2xx since the last reset, oldest first. */
  let accepted = [];
  /** When each was answered: past --ledger-max-age the ledger may rightly have forgotten it. */
  let acceptedAt = new Map();
  const sendOne = async () => {
    const app = apps[Math.floor(Math.random() * apps.length)];
    if (!app) return;
    const route = Math.random();
    counts.sent++;
    let status;
    let id;
    if (route < 0.25) {
      counts.native++;
      const answer = await call('POST', '/pushes', {
        token: app.token,
        kind: app.platform === 'ios' ? 'alert' : 'data',
        payload: app.platform === 'ios' ? { aps: { alert: 'soak' } } : { data: { n: String(counts.sent) } },
      }).catch(() => ({ status: 0 }));
      status = answer.status;
      id = answer.json?.id;
    } else if (app.platform === 'ios') {
      counts.apns++;
      const answer = await h2(
        apnsSession,
        {
          ':path': `/3/device/${app.token}`,
          authorization: `bearer ${jwt}`,
          'apns-topic': 'com.example.soak',
          'apns-push-type': 'alert',
        },
        JSON.stringify({ aps: { alert: { title: 'soak', body: String(counts.sent) } } }),
      );
      status = answer.status;
      id = answer.headers?.['apns-id'];
    } else {
      counts.fcm++;
      const answer = await h2(
        fcmSession,
        {
          ':path': `/v1/projects/${fcmProject}/messages:send`,
          authorization: `Bearer ${fcmToken}`,
          'content-type': 'application/json',
        },
        JSON.stringify({
          message: { token: app.token, data: { n: String(counts.sent) }, android: { priority: 'high' } },
        }),
      );
      status = answer.status;
      if (status === 200) id = JSON.parse(answer.text).name.split('/messages/')[1];
    }
    if (status >= 200 && status < 300 && id) {
      counts.ok++;
      accepted.push(id);
      acceptedAt.set(id, Date.now());
    } else if (status === 0) counts.killed++;
    else if (status === 410 || status === 404) counts.goneToken++;
    else counts.otherStatus[status] = (counts.otherStatus[status] ?? 0) + 1;
  };

  const invariant = { checked: 0, broken: 0, evicted: 0, examples: [] };
  /** Reads the newest `newest` accepted ids all, and a sample of the older ones (which the ledger may have evicted). */
  const checkInvariant = async () => {
    const newest = accepted.slice(-5000);
    const older = accepted.slice(0, -5000);
    const sample = [...newest];
    for (let i = 0; i < Math.min(1000, older.length); i++) sample.push(older[Math.floor(Math.random() * older.length)]);
    for (let i = 0; i < sample.length; i += 50) {
      await Promise.all(
        sample.slice(i, i + 50).map(async (id, j) => {
          const answer = await call('GET', `/pushes/${encodeURIComponent(id)}`);
          const isNewest = i + j < newest.length;
          // On a slow machine the check itself can outlast the age limit: a push answered longer ago than that may
          // be gone (with a second's margin for the sweep).
          const mayBeAged = maxAgeMs > 0 && Date.now() - acceptedAt.get(id) > maxAgeMs - 1000;
          if (answer.status === 404 && (!isNewest || mayBeAged)) {
            invariant.evicted++;
            return;
          }
          invariant.checked++;
          const entry = answer.json;
          const history = entry?.history ?? [];
          const good =
            answer.status === 200 &&
            entry.fate &&
            !Array.isArray(entry.fate) &&
            typeof entry.fate.name === 'string' &&
            history[0]?.name === 'accepted' &&
            history.at(-1)?.name === entry.fate.name;
          if (!good) {
            invariant.broken++;
            if (invariant.examples.length < 5)
              invariant.examples.push({
                id,
                status: answer.status,
                fate: entry?.fate,
                history: history.map((h) => h.name),
              });
          }
        }),
      );
    }
  };

  await setUp();
  reconnect();
  const snapshot = async () => {
    if (!process.env.SOAK_SNAPSHOTS) return;
    child.stdin.write('snapshot\n');
    console.log(`  heap snapshot: ${(await nextLine()).file}`);
  };
  const start = await stats('detail');
  let peak = start;
  let peakHeap = start.heapUsed;
  await snapshot();
  console.log(`soak: ${minutes} min at ${rate} pushes/s, ${apps.length} apps; server RSS at start ${mb(start.rss)}`);

  const startedAt = Date.now();
  let inFlight = 0;
  const maxInFlight = 2000;
  let paused = false;
  let sentSoFar = 0;
  let nextChaos = startedAt + 1000;
  // --reset-every 0: no resets, so the ledger holds its whole window when the traffic stops.
  const resetEveryMs = option('--reset-every', 30) * 1000;
  let nextReset = resetEveryMs > 0 ? startedAt + resetEveryMs : Number.POSITIVE_INFINITY;
  let lastReport = startedAt;
  let sentAtLastReport = 0;
  let resets = 0;
  let uninstalls = 0;
  let kills = 0;

  while (Date.now() - startedAt < durationMs) {
    const now = Date.now();
    if (!paused) {
      // Send what the rate allows by now, within the in-flight bound.
      const due = Math.floor(((now - startedAt) / 1000) * rate) - sentSoFar;
      for (let i = 0; i < due && inFlight < maxInFlight; i++) {
        sentSoFar++;
        inFlight++;
        sendOne().finally(() => inFlight--);
      }
      if (sentSoFar < Math.floor(((now - startedAt) / 1000) * rate) - rate)
        sentSoFar = Math.floor(((now - startedAt) / 1000) * rate) - rate; // do not build an unbounded backlog
    }
    if (now >= nextChaos) {
      nextChaos = now + 1000;
      // Every second: one app uninstalled and another installed in its place; every 5 s the connections killed.
      const index = Math.floor(Math.random() * apps.length);
      const gone = apps[index];
      // An empty slot is still being installed in place of an app picked before (a slow machine): skip it.
      if (gone) {
        apps[index] = undefined;
        call('DELETE', `/apps/${gone.id}`)
          .then(() => installOne(gone.platform))
          .then((fresh) => {
            apps[index] = fresh;
          })
          .catch(() => {});
      }
      uninstalls++;
      if (uninstalls % 5 === 0) {
        reconnect();
        kills++;
      }
    }
    if (now >= nextReset) {
      // A reset forgets every push: drain, check this epoch's pushes, then reset and set the apps up again.
      paused = true;
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await checkInvariant();
      await must('POST', '/reset');
      accepted = [];
      acceptedAt = new Map();
      await setUp();
      reconnect();
      resets++;
      paused = false;
      nextReset = Date.now() + resetEveryMs;
    }
    if (now - lastReport >= 10_000) {
      const sample = await stats(process.env.SOAK_DETAIL ? 'detail' : 'stats');
      const { rss, heapUsed } = sample;
      if (rss > peak.rss) peak = sample;
      peakHeap = Math.max(peakHeap, heapUsed);
      const done = counts.sent - sentAtLastReport;
      console.log(
        `  ${((now - startedAt) / 1000).toFixed(0)} s: ${counts.sent} sent, ${(done / ((now - lastReport) / 1000)).toFixed(0)}/s, RSS ${mb(rss)}, heap used ${mb(heapUsed)}`,
      );
      lastReport = now;
      sentAtLastReport = counts.sent;
    }
    await new Promise((resolve) => setImmediate(resolve));
    if (inFlight >= maxInFlight || paused) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = (Date.now() - startedAt) / 1000;
  await checkInvariant();
  apnsSession.destroy();
  fcmSession.destroy();
  const stopped = await stats();
  if (stopped.rss > peak.rss) peak = stopped;
  peakHeap = Math.max(peakHeap, stopped.heapUsed);
  // "end" is read once the ledger window has emptied by itself: every push is older than --ledger-max-age, and the
  // server has idled a few seconds more. Nothing is asked of it over HTTP meanwhile (a read would evict aged entries
  // on its own; the server must do that unasked).
  // V8 gives back its young generation and free pages in its memory reducer's GCs, which it runs once the allocation
  // rate has stayed low for a while: 45–110 s after the traffic stopped in our runs (its watchdog is 100 s).
  const idleMs = option('--idle', 90) * 1000;
  if (maxAgeMs > 0) {
    console.log(
      `  waiting ${((maxAgeMs + idleMs) / 1000).toFixed(0)} s for the ledger window (${ledgerMaxAge}) to empty, then idle`,
    );
    const until = Date.now() + maxAgeMs + idleMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, until - Date.now())));
      const m = await stats('raw');
      console.log(
        `  idle ${((Date.now() - until + maxAgeMs + idleMs) / 1000).toFixed(0)} s: RSS ${mb(m.rss)} (anon ${mb(m.rssAnon)}), heap total ${mb(m.heapTotal)}, heap used ${mb(m.heapUsed)} (no forced GC)`,
      );
    }
  } else await new Promise((resolve) => setTimeout(resolve, idleMs));
  const endRaw = await stats('raw');
  const end = await stats('detail');
  const endPushes = (await must('GET', '/health')).pushes;
  await snapshot();
  // A reset forgets every push and app: what is left then is what the server holds with nothing in it.
  await must('POST', '/reset');
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const emptied = await stats('detail');
  await snapshot();

  console.log(
    `pushes: ${counts.sent} sent in ${elapsed.toFixed(0)} s (${(counts.sent / elapsed).toFixed(0)}/s; target ${rate}/s): ${counts.ok} answered 2xx (APNs ${counts.apns}, FCM ${counts.fcm}, POST /api/pushes ${counts.native} sent), ${counts.goneToken} to uninstalled tokens (410/404), ${counts.killed} cut by killed connections, other ${JSON.stringify(counts.otherStatus)}`,
  );
  console.log(`chaos: ${resets} resets, ${kills} killed connection pairs, ${uninstalls} uninstalls`);
  console.log(
    `invariant: ${invariant.checked} pushes read, ${invariant.broken} broken, ${invariant.evicted} evicted (older than the ledger window) — ${invariant.broken === 0 ? 'holds' : 'BROKEN'}`,
  );
  for (const example of invariant.examples) console.log(`  ${JSON.stringify(example)}`);
  console.log(`ledger: ${endPushes} entries held at end (max age ${ledgerMaxAge}, limit ${ledgerLimit || 'default'})`);
  console.log(
    `server memory (after a full GC; peak = the sample with the highest RSS, VmHWM ${mb(Math.max(peak.rss, end.maxRss))}):`,
  );
  console.log('  when                   rss  (anon)  heapTotal  heapUsed  external  arrayBuffers');
  for (const [when, m] of [
    ['start', start],
    ['peak', peak],
    ['traffic stopped', stopped],
    ['end, no forced GC', endRaw],
    ['end (window empty)', end],
    ['after reset', emptied],
  ])
    console.log(
      `  ${when.padEnd(19)}${mb(m.rss).padStart(8)}${`(${mb(m.rssAnon)})`.padStart(9)}${[m.heapTotal, m.heapUsed, m.external, m.arrayBuffers].map((v) => mb(v).padStart(11)).join('')}`,
    );
  console.log(
    `  heap used peak (any sample) ${mb(peakHeap)}; end RSS ${(endRaw.rss / start.rss).toFixed(2)} × start (anon ${(endRaw.rssAnon / start.rssAnon).toFixed(2)} ×)`,
  );
  if (process.env.SOAK_DETAIL)
    for (const [when, m] of [
      ['start', start],
      ['peak', peak],
      ['end', end],
      ['after reset', emptied],
    ])
      console.log(
        `  ${when} detail: ${JSON.stringify({ spaces: m.spaces, smaps: m.smaps, threads: m.threads, physical: m.physical })}`,
      );
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  process.exitCode = invariant.broken === 0 ? 0 : 1;
}

/** Seconds in a duration such as 30s, 2m or 1h (or plain ms, as the server's flag takes). */
function parseSeconds(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match) throw new Error(`--ledger-max-age ${text}: use a duration such as 30s, 2m or 1h, or none`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? 'ms'];
  return Number(match[1]) * unit;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** RssAnon and RssFile of /proc/self/status, in bytes (0 where there is no /proc). */
function rssParts() {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {}
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
}

/** RSS by mapping kind from /proc/self/smaps: [heap] (glibc's main arena), anonymous (V8 pages, malloc's other arenas, big mallocs), files. */
function smapsByKind() {
  const kinds = {};
  let kind = '';
  let size = 0;
  for (const row of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(row);
    if (head) {
      const [from, to] = row
        .split(' ')[0]
        .split('-')
        .map((h) => Number.parseInt(h, 16));
      size = to - from;
      const name = head[1];
      kind =
        name === ''
          ? size >= 60 * 1024 * 1024
            ? 'anon>=60M'
            : size === 256 * 1024
              ? 'anon256K'
              : 'anon-other'
          : name.startsWith('/')
            ? 'file'
            : name;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(row);
    if (rss) {
      kinds[kind] ??= [0, 0];
      kinds[kind][0] += Number(rss[1]) * 1024;
      kinds[kind][1]++;
    }
  }
  return kinds;
}
