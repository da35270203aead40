// Memory benchmark: heap per installed app with 100,000 devices each holding one registered app (tokens issued),
// against a baseline of the same count of plain objects holding just the three token strings, in the same run.
// Run by hand: `npm run bench:memory` (after `npm run build`; needs --expose-gc, which the npm script passes).
import { Simulation } from '../dist/simulator/engine/index.js';

const COUNT = Number(process.env.COUNT ?? 100_000);
const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const beforeBaseline = heap();
const baseline = [];
for (let i = 0; i < COUNT; i++)
  baseline.push({
    apns: i.toString(16).padStart(64, '0'),
    fcm: i.toString(36).padStart(163, 'x'),
    zpns: i.toString(16).padStart(32, '0'),
  });
const baselineBytes = heap() - beforeBaseline;
baseline.length = 0;

const before = heap();
const sim = new Simulation({ clock: 'virtual', ledgerLimit: 0 });
for (let i = 0; i < COUNT; i++) {
  const platform = i % 2 ? 'android' : 'ios';
  const device = sim.createDevice({ platform });
  sim.installApp({ deviceId: device.id, bundleId: 'com.example.load', sdkProfile: 'zpns-rn' });
}
const used = heap() - before;
console.log(
  `${COUNT.toLocaleString()} devices × 1 installed, registered zpns-rn app (APNs or FCM token + ZPNs pushID)`,
);
console.log(`  baseline (three token strings per app): ${(baselineBytes / COUNT).toFixed(0)} B per app`);
console.log(
  `  pushsim registry (device + app + tokens + indexes): ${(used / COUNT).toFixed(0)} B per app (${(used / 1024 / 1024).toFixed(1)} MiB)`,
);
console.log(`  ratio pushsim / baseline: ${(used / baselineBytes).toFixed(2)}×  (target: under 1 KB per app)`);
if (sim.registry.appCount !== COUNT) throw new Error('not every app was installed');
