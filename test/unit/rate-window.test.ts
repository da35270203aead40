// The providers' sliding-window rate counters (APNs TooManyRequests, FCM per-device and per-project quotas, HMS per
// app): counts as before, and memory that does not outlive the window (issue 13, "RSS returns once entries leave the
// window").
import { expect, test } from 'vitest';
import { KeyedRateWindows, RateWindow } from '../../simulator/providers/rate-window.js';

test('counts the events inside the window and refuses past the limit', () => {
  const window = new RateWindow(1000);
  expect(window.tryTake(0, 2)).toBe(true);
  expect(window.tryTake(500, 2)).toBe(true);
  expect(window.tryTake(900, 2)).toBe(false);
  expect(window.count(1000)).toBe(1);
  expect(window.tryTake(1000, 2)).toBe(true);
  expect(window.count(2500)).toBe(0);
});

test('drops the windows of keys no longer used once they are empty, keeping those still counting', () => {
  const windows = new KeyedRateWindows(60_000);
  // 5,000 tokens once (apps since uninstalled), then traffic to 10 others only.
  for (let n = 0; n < 5000; n++) windows.tryTake(`gone-${n}`, 0, 100);
  expect(windows.size).toBe(5000);
  for (let n = 0; n < 6000; n++) windows.tryTake(`live-${n % 10}`, 61_000 + n, 1e9);
  expect(windows.size).toBe(10);
  // A kept key's count is unchanged by the pruning.
  expect(windows.tryTake('live-0', 61_000 + 6000, 600)).toBe(false);
});
