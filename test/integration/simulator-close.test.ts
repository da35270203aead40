// close() ends every connection clients left open, so a test's afterAll never hangs on a client that is still
// connected.
import http2 from 'node:http2';
import https from 'node:https';
import { connect } from 'node:tls';
import { expect, test } from 'vitest';
import { startSimulator } from '../../simulator/index.js';

test('closes with an idle APNs HTTP/2 session, an FCM keep-alive connection and a half-open TLS socket still connected', async () => {
  const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const apns = http2.connect(sim.urls.apns, { ca: sim.caPem, servername: 'localhost' });
  apns.on('error', () => {});
  await new Promise((resolve) => apns.once('connect', resolve));
  const agent = new https.Agent({ keepAlive: true });
  const status = await new Promise<number>((resolve, reject) => {
    https
      .request(
        `${sim.urls.fcm}/v1/projects/p/messages:send`,
        { method: 'POST', ca: sim.caPem, agent, servername: 'localhost' },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      )
      .on('error', reject)
      .end('{}');
  });
  expect(status).toBe(401);
  // A client that opened TCP and TLS to the APNs port and then says nothing.
  const url = new URL(sim.urls.apns);
  const silent = connect({
    host: url.hostname,
    port: Number(url.port),
    ca: sim.caPem,
    servername: 'localhost',
    ALPNProtocols: ['h2'],
  });
  silent.on('error', () => {});
  await new Promise((resolve) => silent.once('secureConnect', resolve));

  const apnsClosed = new Promise((resolve) => apns.once('close', resolve));
  await sim.close();
  await apnsClosed; // the client sees its connection end
  agent.destroy();
});
