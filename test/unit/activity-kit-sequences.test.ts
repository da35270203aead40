// The ActivityKit shim's own parts without a simulator (client-shim/activity-kit.ts): what its sequences keep, and a
// shim connection whose first question fails.
import { afterEach, expect, test } from 'vitest';
import { ActivityKit, ActivityUpdates } from '../../client-shim/activity-kit.js';
import type { ShimConnection } from '../../client-shim/shim-connection.js';

test('a sequence nobody reads keeps no backlog; a new iteration starts at the latest value', async () => {
  const updates = new ActivityUpdates<number>();
  for (let i = 1; i <= 1000; i++) updates.push(i);
  expect(updates.unread()).toBe(0);
  const iterator = updates[Symbol.asyncIterator]();
  expect(updates.unread()).toBe(1);
  updates.push(1001);
  updates.push(1002);
  expect(await iterator.next()).toEqual({ value: 1000, done: false });
  expect(await iterator.next()).toEqual({ value: 1001, done: false });
  expect(updates.unread()).toBe(1);
  expect(await iterator.next()).toEqual({ value: 1002, done: false });
  const waiting = [iterator.next(), iterator.next()];
  updates.push(1003);
  updates.push(1004);
  expect(await Promise.all(waiting)).toEqual([
    { value: 1003, done: false },
    { value: 1004, done: false },
  ]);
  expect(updates.unread()).toBe(0);
});

test('each iteration reads every later value once; one that returns is let go; finish ends the waiting ones', async () => {
  const updates = new ActivityUpdates<string>();
  const a = updates[Symbol.asyncIterator]();
  const b = updates[Symbol.asyncIterator]();
  const next = a.next();
  updates.push('x');
  updates.push('y');
  expect(await next).toEqual({ value: 'x', done: false });
  expect(await b.next()).toEqual({ value: 'x', done: false });
  await b.return!();
  updates.push('z');
  expect(updates.unread()).toBe(2);
  expect([await a.next(), await a.next()].map((r) => r.value)).toEqual(['y', 'z']);
  const last = a.next();
  updates.finish();
  expect(await last).toEqual({ value: undefined, done: true });
  expect(updates.unread()).toBe(0);
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

test("a connection whose activities() fails is no unhandled rejection; the app's own calls still hear it", async () => {
  process.on('unhandledRejection', onUnhandled);
  const failure = new Error('the shim connection closed');
  const connection = { on: () => connection, activities: () => Promise.reject(failure) };
  const kit = new ActivityKit(connection as unknown as ShimConnection);
  // Unhandled rejections are reported once the microtasks have run: one turn of the event loop, no timer.
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
  await expect(kit.activities()).rejects.toBe(failure);
});
