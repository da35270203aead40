// The dashboard's re-reads (dashboard/src/read-coalescer.ts): one read in flight and one trailing read, however many
// feed events ask meanwhile, and every caller answered by a read that started after it asked.
import { expect, test } from 'vitest';
import { coalesceReads } from '../../dashboard/src/read-coalescer.js';

/** A read the test ends by hand: `started` counts the reads begun, `finish()` ends the oldest one running. */
function manualRead() {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const log = { started: 0 };
  const read = () =>
    new Promise<void>((resolve, reject) => {
      log.started++;
      pending.push({ resolve, reject });
    });
  const settle = async (error?: Error): Promise<void> => {
    const next = pending.shift();
    expect(next, 'a read to end').toBeDefined();
    if (error) next!.reject(error);
    else next!.resolve();
    // Let the trailing read start (its start waits on the settled one's promise chain).
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { read, log, finish: () => settle(), fail: (error: Error) => settle(error), running: () => pending.length };
}

test('a burst of 1,000 requests while a read runs costs 2 reads, never two at once', async () => {
  const reads = manualRead();
  const request = coalesceReads(reads.read);
  const answers = Array.from({ length: 1_000 }, () => request());
  expect(reads.log.started).toBe(1);
  await reads.finish();
  expect(reads.log.started).toBe(2);
  expect(reads.running()).toBe(1);
  await reads.finish();
  await Promise.all(answers);
  expect(reads.log.started).toBe(2);
});

test('each caller is answered by a read that started after it asked, not by the one already running', async () => {
  const reads = manualRead();
  const request = coalesceReads(reads.read);
  let firstDone = false;
  let secondDone = false;
  void request().then(() => (firstDone = true));
  void request().then(() => (secondDone = true));
  await reads.finish();
  expect(firstDone).toBe(true);
  expect(secondDone).toBe(false);
  // Asked while the trailing read runs: a third read, after it.
  let thirdDone = false;
  void request().then(() => (thirdDone = true));
  await reads.finish();
  expect(secondDone).toBe(true);
  expect(thirdDone).toBe(false);
  expect(reads.log.started).toBe(3);
  await reads.finish();
  expect(thirdDone).toBe(true);
});

test('a failed read rejects its callers and still lets the trailing read run; an idle coalescer reads at once', async () => {
  const reads = manualRead();
  const request = coalesceReads(reads.read);
  const failed = request();
  const trailing = request();
  await reads.fail(new Error('502 from the server'));
  await expect(failed).rejects.toThrow('502 from the server');
  expect(reads.log.started).toBe(2);
  await reads.finish();
  await trailing;
  void request();
  expect(reads.log.started).toBe(3);
  await reads.finish();
});
