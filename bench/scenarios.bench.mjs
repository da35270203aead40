// Scenario-library benchmark: the built-in library in scenarios/ through `pushsim run` as a process (cold: the
// process, its imports, keys and the first simulators included) and in-process again (warm), against a baseline in the
// same run — starting and closing one bare simulator per scenario run, the floor of a runner that isolates runs.
// Run by hand: `npm run bench:scenarios` (after `npm run build`). Target: the whole library in under 3 s.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runScenarios, startSimulator } from '../dist/simulator/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const cold = [];
let runs = 0;
for (let i = 0; i < ROUNDS; i++) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['bin/pushsim.js', 'run', 'scenarios/', '--no-progress'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  cold.push(performance.now() - started);
  if (child.status !== 0) throw new Error(`pushsim run scenarios/ failed:\n${child.stdout}\n${child.stderr}`);
  runs = Number(/(\d+) runs from/.exec(child.stdout)[1]);
}

const warm = [];
for (let i = 0; i < ROUNDS; i++) {
  const summary = await runScenarios(['scenarios/'], { cwd: ROOT, stateDir: '.pushsim' });
  if (summary.results.some((r) => r.status !== 'passed')) throw new Error('a library scenario failed');
  warm.push(summary.durationMs);
}

const floor = [];
for (let i = 0; i < ROUNDS; i++) {
  const started = performance.now();
  for (let done = 0; done < runs; done += 4) {
    await Promise.all(
      Array.from({ length: Math.min(4, runs - done) }, async () => {
        const sim = await startSimulator({ controlPort: 0, clock: 'virtual', stateDir: `${ROOT}.pushsim` });
        await sim.close();
      }),
    );
  }
  floor.push(performance.now() - started);
}

const c = median(cold);
const w = median(warm);
const f = median(floor);
console.log(`scenario library: ${runs} runs, median of ${ROUNDS} rounds`);
console.log(
  `  pushsim run scenarios/ (process, cold) : ${(c / 1000).toFixed(2)} s  = ${(runs / (c / 1000)).toFixed(0)} runs/s  (target: under 3 s)`,
);
console.log(
  `  runScenarios in-process (warm)         : ${(w / 1000).toFixed(2)} s  = ${(runs / (w / 1000)).toFixed(0)} runs/s`,
);
console.log(`  baseline: start + close ${runs} simulators : ${(f / 1000).toFixed(2)} s`);
console.log(
  `  ratio warm library / baseline          : ${(w / f).toFixed(2)}×  (what the steps themselves cost on top of isolation)`,
);
