// close() ends every connection clients left open, so a test's afterAll never hangs on a client that is still
// connected.
import http2 from 'node:http2';
import https from 'node:https';
import { connect } from 'node:tls';
import { expect, test, vi } from 'vitest';
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

test('stops a recording before its reset, so the session does not end with the uninstalls of the close', async () => {
  const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const recording = sim.recordings.start();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  sim.simulation.installApp({ deviceId: device.id, bundleId: 'com.example.close', sdkProfile: 'native-ios' });
  await sim.close();
  expect(sim.recordings.get(recording.id).status).toBe('stopped');
  const yaml = sim.recordings.scenarioYaml(recording.id);
  expect(yaml).not.toMatch(/uninstall/);
  expect(yaml).not.toMatch(/reset: the simulator forgot/);
});

test('waits for the scenario runs the control plane started: none is still running once close() resolves', async () => {
  const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const finished: string[] = [];
  sim.simulation.bus.on('scenario.finished', ({ runId }) => finished.push(runId));
  const answer = await fetch(`${sim.urls.api}/scenarios/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file: 'apns/alert-push-tap-opens-app.yaml' }),
  });
  expect(answer.status).toBe(202);
  const { id } = (await answer.json()) as { id: string };
  await sim.close();
  expect(finished).toEqual([id]);
});

test("ends the simulation's heap-release watch, so no GC is left to fire after the close", async () => {
  const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
  const close = vi.spyOn(sim.simulation, 'close');
  await sim.close();
  expect(close).toHaveBeenCalledTimes(1);
});
