// FCM throughput: h2load against pushsim's messages:send over HTTP/2 (OAuth bearer, validation, delivery on) and, in
// the same run, against a bare node:http2 TLS server answering a JSON name. 4 connections × 100 streams. Run by hand:
// `npm run bench:fcm` (after `npm run build`; needs Debian's nghttp2-client).
import http2 from 'node:http2';
import https from 'node:https';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createPrivateKey, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../dist/simulator/index.js';
import { loadCertificateAuthority } from '../dist/simulator/providers/tls/certificate-authority.js';

const REQUESTS = Number(process.env.REQUESTS ?? 40_000);
const sim = await startSimulator({ controlPort: 0, fcm: { perDevicePerMinute: 1e9 }, ledgerLimit: 10_000 });
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
const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })}.${part({ iss: account.client_email, aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600 })}`;
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

const payloadFile = join(tmpdir(), 'pushsim-bench-fcm.json');
writeFileSync(
  payloadFile,
  JSON.stringify({
    message: { token: app.tokens.fcm, data: { orderId: '42', status: 'shipped' }, android: { priority: 'high' } },
  }),
);

const ca = loadCertificateAuthority();
const bare = http2.createSecureServer({ key: ca.server.key, cert: ca.server.cert });
bare.on('stream', (stream) => {
  stream.on('data', () => {});
  stream.on('end', () => {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.end('{"name":"projects/p/messages/0:1"}');
  });
});
await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));

async function h2load(url) {
  const args = [
    '-n',
    String(REQUESTS),
    '-c',
    '4',
    '-m',
    '100',
    '-d',
    payloadFile,
    '-H',
    `authorization: Bearer ${token}`,
    '-H',
    'content-type: application/json',
    url,
  ];
  const { stdout } = await promisify(execFile)('h2load', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const rate = Number(/finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout)?.[1]);
  const ok = Number(/status codes: (\d+) 2xx/.exec(stdout)?.[1]);
  if (ok !== REQUESTS) throw new Error(`only ${ok} of ${REQUESTS} answered 2xx:\n${stdout}`);
  return rate;
}

const path = '/v1/projects/pushsim-project/messages:send';
const baseline = await h2load(`https://127.0.0.1:${bare.address().port}${path}`);
const pushsim = await h2load(`${sim.urls.fcm}${path}`);
console.log(`h2load, ${REQUESTS} messages:send requests, 4 connections × 100 streams, HTTP/2 over TLS`);
console.log(`  baseline bare node:http2 JSON responder: ${baseline.toFixed(0)} req/s`);
console.log(`  pushsim FCM (OAuth, validation, delivery): ${pushsim.toFixed(0)} req/s`);
console.log(`  ratio pushsim / baseline: ${((pushsim / baseline) * 100).toFixed(0)}%  (target: at least 70%)`);
bare.close();
await sim.close();
