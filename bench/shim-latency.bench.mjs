// Latency benchmark: push accepted by the simulator → the app's listener invoked, over loopback ws, 1,000 pushes one at
// a time; baseline in the same run: a bare ws echo (send → received) over loopback. Run by hand: `npm run bench:shim`.
import { performance } from 'node:perf_hooks';
import { WebSocketServer, WebSocket } from 'ws';
import { startSimulator } from '../dist/simulator/index.js';
import { AppProcess } from '../dist/client-shim/index.js';

const COUNT = Number(process.env.COUNT ?? 1000);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

// Baseline: a bare ws server pushing a small JSON message to a client.
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((resolve) => wss.once('listening', resolve));
const serverSide = new Promise((resolve) => wss.once('connection', resolve));
const client = new WebSocket(`ws://127.0.0.1:${wss.address().port}`);
await new Promise((resolve) => client.once('open', resolve));
const server = await serverSide;
const baseline = [];
for (let i = 0; i < COUNT; i++) {
  const got = new Promise((resolve) => client.once('message', resolve));
  const t0 = performance.now();
  server.send(JSON.stringify({ type: 'deliver', pushId: String(i), payload: { data: { n: String(i) } } }));
  await got;
  baseline.push(performance.now() - t0);
}
client.close();
wss.close();

// pushsim: simulator-native send → rules → ledger → shim transport → AppProcess → the app's onMessage listener.
const sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
const app = await AppProcess.start({
  simulator: sim.urls.control,
  device: { platform: 'android' },
  app: { bundleId: 'com.example.bench', sdkProfile: 'rn-firebase' },
  entry: () => import('./fixtures/rnfb-bench-app.mjs'),
});
const tokens = sim.registry.register(app.appId);
await app.launch();
const latencies = [];
for (let i = 0; i < COUNT; i++) {
  const got = new Promise((resolve) => {
    globalThis.__benchListener = resolve;
  });
  const t0 = performance.now();
  sim.simulation.send({ token: tokens.fcm, kind: 'data', priority: 'high', payload: { data: { n: String(i) } } });
  await got;
  latencies.push(performance.now() - t0);
}
const delivered = sim.ledger.list({ fate: 'delivered' }).length;
await app.close();
await sim.close();
if (delivered !== COUNT) throw new Error(`only ${delivered} of ${COUNT} pushes were delivered`);

console.log(`${COUNT} pushes, one at a time, over loopback ws`);
console.log(
  `  baseline bare ws message : p50 ${pct(baseline, 50).toFixed(3)} ms  p99 ${pct(baseline, 99).toFixed(3)} ms`,
);
console.log(
  `  pushsim accepted→listener: p50 ${pct(latencies, 50).toFixed(3)} ms  p99 ${pct(latencies, 99).toFixed(3)} ms`,
);
console.log(
  `  ratio (p99)              : ${(pct(latencies, 99) / pct(baseline, 99)).toFixed(2)}×  (target: p99 under 5 ms)`,
);
