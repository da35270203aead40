// Handing the heap back once the ledger has emptied (issue 13, "RSS returns once entries leave the window"). V8 gives
// pages back to the OS only in a GC, and on an idle server nothing starts one: its memory reducer runs a few GCs
// soon after the traffic stops (45–70 s in the soak), then waits until the heap grows again. A window that ages out
// after that (`--ledger-max-age` longer than a minute), or a reset of an idle server, stayed in the heap as garbage,
// and in RSS, until the next load. One full GC once the ledger is empty frees it and the pages it filled.
import type { Ledger, TimerHost } from '../core/index.js';

export interface HeapReleaseOptions {
  /** A full GC: `gc` of `node --expose-gc` (bin/pushsim.js provides it); none = nothing is ever done. */
  collect?: () => void;
  /** Fewer forgotten entries than this are not worth a GC pause (a scenario's reset, a test's few pushes). */
  minForgotten?: number;
  /** How long after the ledger empties: pushes still settling and the request that reset it finish first. */
  delayMs?: number;
  /** Real time, not the simulation's: the GC is about this process's memory (a virtual clock may never advance). */
  timers?: TimerHost;
}

export const HEAP_RELEASE_MIN_FORGOTTEN = 10_000;
export const HEAP_RELEASE_DELAY_MS = 2000;

const REAL_TIMERS: TimerHost<NodeJS.Timeout> = {
  set: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  clear: (timer) => clearTimeout(timer),
  now: () => Date.now(),
};

/** The `gc` function when the process exposes one (`node --expose-gc`, or bin/pushsim.js). */
export function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

/**
 * Runs `collect` once the ledger has forgotten at least `minForgotten` entries (by age or reset) and holds none, and
 * still holds none `delayMs` later. Returns the function that stops watching.
 */
export function releaseHeapWhenLedgerEmpties(ledger: Ledger, options: HeapReleaseOptions = {}): () => void {
  const { collect } = options;
  if (!collect) return () => {};
  const timers = (options.timers ?? REAL_TIMERS) as TimerHost<unknown>;
  const minForgotten = options.minForgotten ?? HEAP_RELEASE_MIN_FORGOTTEN;
  const delayMs = options.delayMs ?? HEAP_RELEASE_DELAY_MS;
  let forgotten = 0;
  let timer: unknown;
  const unsubscribe = ledger.subscribe({
    forgot: (count, left) => {
      forgotten += count;
      if (left > 0 || forgotten < minForgotten || timer !== undefined) return;
      timer = timers.set(() => {
        timer = undefined;
        // Traffic came back meanwhile: its own GCs will do, and this waits for the ledger to empty again.
        if (ledger.size > 0) return;
        forgotten = 0;
        collect();
      }, delayMs);
    },
    isListening: () => false,
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
  };
}
