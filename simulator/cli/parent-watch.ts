// Notices when the process that started pushsim is gone, for wrappers that die without passing a signal on. `npm start`
// and `npx pushsim …` run pushsim as `npm → sh -c → node`. On SIGTERM npm signals the shell, and dash (sh on
// Debian/Ubuntu) exits without signalling node, which is reparented and keeps its ports (seen with npm 11). npm sets
// npm_command in its children's environment, so only then does pushsim follow its parent; a plain `nohup pushsim serve
// &` keeps running as asked.

/** True when npm (a run-script or npx) started this process. */
export function isRunByNpm(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.npm_command);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Read when the CLI loads rather than when the watch starts: npm may die while the simulator is still starting (seen
// under load), and a parent read after the reparenting would be init, which never goes away.
const launchingParent = process.ppid;

/**
 * Calls onExit once the parent is gone (reparented on POSIX, no such pid on Windows); returns a function that stops
 * watching.
 */
export function whenParentExits(onExit: () => void, { parent = launchingParent, intervalMs = 500 } = {}): () => void {
  const timer = setInterval(() => {
    if (process.ppid === parent && isAlive(parent)) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  // The watch alone must not keep pushsim running.
  timer.unref();
  return () => clearInterval(timer);
}
