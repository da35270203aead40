// Start-up benchmark: process start → control plane listening, for `pushsim serve`, against a bare node:http server
// started the same way in the same run (the baseline). Run by hand: `npm run bench:startup` (after `npm run build`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 10);
const BIN = fileURLToPath(new URL('../bin/pushsim.js', import.meta.url));
const BARE = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('listening http://127.0.0.1:' + this.address().port); });`;

function timeToListening(args, pattern) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (pattern.test(out)) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
    child.on('exit', (code) => {
      if (!pattern.test(out)) reject(new Error(`exited ${code}: ${out}`));
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const baseline = [];
const pushsim = [];
for (let i = 0; i < RUNS; i++) {
  baseline.push(await timeToListening(['-e', BARE], /listening/));
  pushsim.push(await timeToListening([BIN, 'serve', '--port', '0'], /Press Ctrl\+C/));
}
const b = median(baseline);
const p = median(pushsim);
console.log(`start-up, median of ${RUNS} runs (process start → listening)`);
console.log(`  baseline node:http server : ${b.toFixed(1)} ms`);
console.log(`  pushsim serve             : ${p.toFixed(1)} ms`);
console.log(`  ratio pushsim / baseline  : ${(p / b).toFixed(2)}×  (target: pushsim under 500 ms)`);
