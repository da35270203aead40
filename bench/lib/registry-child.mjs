// One measurement of installing COUNT apps, for `npm run bench`: the baseline (a Map of COUNT token strings, filled the
// same way) or pushsim's registry (a device and a registered native-ios/native-android app each, one call each or in
// batches of installApps). Prints one JSON line {ms, bytesPerApp}. Run with --expose-gc:
// node --expose-gc bench/lib/registry-child.mjs <baseline|pushsim|pushsim-batch> [COUNT]
import { Simulation } from '../../dist/simulator/engine/index.js';

const [which, countArg] = process.argv.slice(2);
const COUNT = Number(countArg ?? 1_000_000);
const gc = globalThis.gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

let kept;
const before = heap();
const started = process.hrtime.bigint();
if (which === 'baseline') {
  // What a registry of tokens costs at the least: one map entry per token, the token a fresh string.
  kept = new Map();
  for (let i = 0; i < COUNT; i++) kept.set(i.toString(16).padStart(64, '0'), i);
} else if (which === 'pushsim-batch') {
  // The bulk path (Simulation.installApps, POST /api/apps/batch): the same apps, each on a device of its own.
  kept = new Simulation({ clock: 'virtual' });
  const ios = { device: { platform: 'ios' }, bundleId: 'com.example.load', sdkProfile: 'native-ios' };
  const android = { device: { platform: 'android' }, bundleId: 'com.example.load', sdkProfile: 'native-android' };
  const BATCH = 10_000;
  for (let i = 0; i < COUNT; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(COUNT, i + BATCH); j++) batch.push(j % 2 ? android : ios);
    kept.installApps(batch);
  }
  if (kept.registry.appCount !== COUNT) throw new Error('not every app was installed');
} else {
  kept = new Simulation({ clock: 'virtual' });
  for (let i = 0; i < COUNT; i++) {
    const device = kept.createDevice({ platform: i % 2 ? 'android' : 'ios' });
    kept.installApp({
      deviceId: device.id,
      bundleId: 'com.example.load',
      sdkProfile: i % 2 ? 'native-android' : 'native-ios',
    });
  }
  if (kept.registry.appCount !== COUNT) throw new Error('not every app was installed');
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const bytes = heap() - before;
console.log(JSON.stringify({ ms, bytesPerApp: bytes / COUNT, kept: kept.size ?? kept.registry.appCount }));
