// One server under test, in its own process so `npm run bench` can pin it to a core of its own: a bare node:http2
// responder (the baseline) or pushsim's APNs or FCM endpoint. Prints one JSON line {url, headers, payload}, then
// answers `stats` lines on stdin with a JSON line of its memory (after a GC when run with --expose-gc); exits when
// stdin closes. Usage: node bench/lib/bench-server.mjs <bare-apns|bare-fcm|apns|fcm> [--h2c] [--apps N] [--ledger N]
import http2 from 'node:http2';
import https from 'node:https';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { createPrivateKey, sign } from 'node:crypto';
import { startSimulator } from '../../dist/simulator/index.js';
import { signProviderToken } from '../../dist/simulator/senders/apns-sender.js';
import { loadCertificateAuthority } from '../../dist/simulator/providers/tls/certificate-authority.js';

const [kind, ...rest] = process.argv.slice(2);
const flag = (name) => rest.includes(name);
const value = (name, fallback) => {
  const i = rest.indexOf(name);
  return i < 0 ? fallback : Number(rest[i + 1]);
};
const isH2c = flag('--h2c');
const apps = value('--apps', 1000);
const ledgerLimit = value('--ledger', 10_000);
const APNS_PAYLOAD = JSON.stringify({ aps: { alert: { title: 'bench', body: 'a push' } } });

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** A bare node:http2 server answering every stream the way the service's success answer looks. */
async function bare(respond) {
  const ca = loadCertificateAuthority();
  const server = isH2c ? http2.createServer() : http2.createSecureServer({ key: ca.server.key, cert: ca.server.cert });
  server.on('stream', (stream) => {
    stream.on('data', () => {});
    stream.on('end', () => respond(stream));
  });
  return { port: await listen(server), close: () => server.close() };
}

async function apnsServer() {
  const sim = await startSimulator({
    controlPort: 0,
    silentPushThrottle: { perWindow: 0 },
    apns: { tooManyRequests: { perToken: 0, windowMs: 1000 }, h2c: isH2c, maxConcurrentStreams: 1000 },
    ledgerLimit,
  });
  const key = sim.apns.keyring.mint();
  const started = process.hrtime.bigint();
  const tokens = [];
  for (let i = 0; i < apps; i++) {
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.bench',
      sdkProfile: 'native-ios',
      state: 'active',
    });
    if (tokens.length < 1000) tokens.push(app.tokens.apns);
  }
  const installMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    sim,
    installMs,
    // h2load takes one URL per host; the pushes go to the first token (the others only fill the registry).
    url: `${sim.urls.apns}/3/device/${tokens[0]}`,
    headers: [
      `authorization: bearer ${signProviderToken(key)}`,
      'apns-topic: com.example.bench',
      'apns-push-type: alert',
    ],
    payload: APNS_PAYLOAD,
  };
}

async function fcmServer() {
  const sim = await startSimulator({ controlPort: 0, fcm: { perDevicePerMinute: 1e9 }, ledgerLimit });
  const device = sim.simulation.createDevice({ platform: 'android' });
  const app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.bench',
    sdkProfile: 'native-android',
    state: 'foreground',
  });
  const account = sim.fcm.auth.createServiceAccount('pushsim-project');
  // An access token, obtained the way google-auth-library does it.
  const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: account.client_email, aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600 };
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })}.${part(claims)}`;
  const assertion = `${unsigned}.${sign('sha256', Buffer.from(unsigned), createPrivateKey(account.private_key)).toString('base64url')}`;
  const token = await new Promise((resolve, reject) => {
    const req = https.request(
      `${sim.urls.fcm}/token`,
      { method: 'POST', ca: sim.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve(JSON.parse(body).access_token));
      },
    );
    req.on('error', reject);
    req.end(new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString());
  });
  return {
    sim,
    url: `${sim.urls.fcm}/v1/projects/pushsim-project/messages:send`,
    headers: [`authorization: Bearer ${token}`, 'content-type: application/json'],
    payload: JSON.stringify({
      message: { token: app.tokens.fcm, data: { orderId: '42', status: 'shipped' }, android: { priority: 'high' } },
    }),
  };
}

let server;
if (kind === 'bare-apns') {
  const b = await bare((stream) =>
    stream.respond({ ':status': 200, 'apns-id': '00000000-0000-0000-0000-000000000000' }, { endStream: true }),
  );
  server = {
    url: `${isH2c ? 'http' : 'https'}://127.0.0.1:${b.port}/3/device/${'0'.repeat(64)}`,
    headers: ['apns-topic: com.example.bench', 'apns-push-type: alert'],
    payload: APNS_PAYLOAD,
  };
} else if (kind === 'bare-fcm') {
  const b = await bare((stream) => {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end('{"name":"projects/p/messages/0:1"}');
  });
  server = {
    url: `https://127.0.0.1:${b.port}/v1/projects/p/messages:send`,
    headers: ['content-type: application/json'],
    payload: '{"message":{"token":"t","data":{"orderId":"42"}}}',
  };
} else if (kind === 'apns') server = await apnsServer();
else if (kind === 'fcm') server = await fcmServer();
else throw new Error(`unknown server kind "${kind}"; use bare-apns, bare-fcm, apns or fcm`);

function stats() {
  globalThis.gc?.();
  globalThis.gc?.();
  const memory = process.memoryUsage();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    // Typed arrays past 64 bytes live outside the JS heap: the ledger's columns count here, so figures add it.
    arrayBuffers: memory.arrayBuffers,
    peakRss: hwm ? Number(hwm) * 1024 : undefined,
    ledgerSize: server.sim?.ledger.size,
    installMs: server.installMs,
  };
}

const { sim: _sim, ...shown } = server;
console.log(JSON.stringify({ ...shown, pid: process.pid }));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'stats') console.log(JSON.stringify(stats()));
});
lines.on('close', async () => {
  await server.sim?.close();
  process.exit(0);
});
