// What the apps' JavaScript prints (an SDK's own console logging, the app's) while a scenario runs: kept with the run
// it belongs to, through AsyncLocalStorage, and shown only with that run's failure — not interleaved on the terminal.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

const current = new AsyncLocalStorage<string[]>();
let installed = false;

/**
 * Routes console output made inside a run into that run's lines (once per process; outside runs it prints as usual).
 */
export function captureAppOutput(): void {
  if (installed) return;
  installed = true;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const lines = current.getStore();
      if (lines) lines.push(format(...args));
      else original(...args);
    };
  }
}

/** Runs `fn` with console output made inside it (and in what it starts) collected into `lines`. */
export function withAppOutput<T>(lines: string[], fn: () => Promise<T>): Promise<T> {
  return current.run(lines, fn);
}
