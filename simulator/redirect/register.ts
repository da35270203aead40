// `node --import pushsim/redirect app.js`: redirects this process's push traffic to a running pushsim
// (PUSHSIM_URL, http://127.0.0.1:4800 by default). `pushsim exec -- <command>` sets this up for you.
import { installRedirect, targetsFromEndpoints } from './host-redirect.js';

const base = (process.env.PUSHSIM_URL ?? 'http://127.0.0.1:4800').replace(/\/+$/, '');
try {
  const [endpoints, ca] = await Promise.all([
    fetch(`${base}/api/endpoints`).then((r) => r.json() as Promise<{ name: string; url: string }[]>),
    fetch(`${base}/api/ca.pem`).then((r) => r.text()),
  ]);
  installRedirect({ targets: targetsFromEndpoints(endpoints), ca });
} catch (error) {
  process.stderr.write(
    `[pushsim] redirect: cannot reach pushsim at ${base} (${(error as Error).message}); start it with \`pushsim serve\` or set PUSHSIM_URL\n`,
  );
  // A preload hook, not library code: without the redirect the app would send real pushes, so stop here.
  process.exit(1);
}
