// APNs throughput: h2load (Debian nghttp2-client) against pushsim's APNs endpoint — valid JWT, a registered token,
// validation, auth and delivery on — and, in the same run, against a bare node:http2 TLS server that answers 200.
// 4 connections × 100 concurrent streams. Run by hand: `npm run bench:apns` (after `npm run build`).
import http2 from 'node:http2';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../dist/simulator/index.js';
import { signProviderToken } from '../dist/simulator/senders/apns-sender.js';

const REQUESTS = Number(process.env.REQUESTS ?? 40_000);
const payloadFile = join(tmpdir(), 'pushsim-bench-payload.json');
writeFileSync(payloadFile, JSON.stringify({ aps: { alert: { title: 'bench', body: 'a push' } } }));

// Asynchronous on purpose: the servers under test run in this process and must keep answering while h2load runs.
async function h2load(url, headers) {
  const args = [
    '-n',
    String(REQUESTS),
    '-c',
    '4',
    '-m',
    '100',
    '-d',
    payloadFile,
    ...headers.flatMap((h) => ['-H', h]),
    url,
  ];
  const { stdout: out } = await promisify(execFile)('h2load', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const rate = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(out)?.[1]);
  const ok = Number(/status codes: (\d+) 2xx/.exec(out)?.[1]);
  if (ok !== REQUESTS) throw new Error(`only ${ok} of ${REQUESTS} answered 2xx:\n${out}`);
  return rate;
}

const sim = await startSimulator({
  controlPort: 0,
  silentPushThrottle: { perWindow: 0 },
  apns: { tooManyRequests: { perToken: 0, windowMs: 1000 } },
  ledgerLimit: 10_000,
});
const key = sim.apns.keyring.mint();
const device = sim.simulation.createDevice({ platform: 'ios' });
const app = sim.simulation.installApp({
  deviceId: device.id,
  bundleId: 'com.example.bench',
  sdkProfile: 'native-ios',
  state: 'active',
});
const jwt = signProviderToken(key);

// Baseline: the same TLS certificate, a handler that only answers 200.
const bare = http2.createSecureServer({
  key: sim.apns.sandbox.ca.server.key,
  cert: sim.apns.sandbox.ca.server.cert,
});
bare.on('stream', (stream) => {
  stream.on('data', () => {});
  stream.on('end', () =>
    stream.respond({ ':status': 200, 'apns-id': '00000000-0000-0000-0000-000000000000' }, { endStream: true }),
  );
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));

const headers = [`authorization: bearer ${jwt}`, 'apns-topic: com.example.bench', 'apns-push-type: alert'];
const baseline = await h2load(`https://127.0.0.1:${bare.address().port}/3/device/${app.tokens.apns}`, headers);
const pushsim = await h2load(`${sim.urls.apns}/3/device/${app.tokens.apns}`, headers);
const delivered = sim.ledger.countByFate().delivered + sim.ledger.countByFate().displayed;

console.log(`h2load, ${REQUESTS} requests, 4 connections × 100 streams, TLS`);
console.log(`  baseline bare node:http2 200 : ${baseline.toFixed(0)} req/s`);
console.log(
  `  pushsim APNs (auth, validation, delivery): ${pushsim.toFixed(0)} req/s  (${delivered} pushes in the kept ledger window)`,
);
console.log(`  ratio pushsim / baseline: ${((pushsim / baseline) * 100).toFixed(0)}%  (target: at least 70%)`);
bare.close();
await sim.close();
