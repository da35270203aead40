import { describe, expect, test } from 'vitest';
import { VirtualClock, RealClock, parseDuration } from '../../simulator/core/index.js';

describe('parseDuration', () => {
  test.each([
    ['30s', 30_000],
    ['250ms', 250],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [1500, 1500],
  ] as const)('reads %s as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  test('rejects an unknown unit with a message naming the accepted forms', () => {
    expect(() => parseDuration('30 sec')).toThrow(/ms, s, m, h or d/);
  });
});

describe('VirtualClock', () => {
  test('fires due timers in time order, then creation order, with now() at each due time', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimer(() => fired.push(`c@${clock.now()}`), 20);
    clock.setTimer(() => fired.push('late'), 31);
    await clock.advance(30);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimers()).toBe(1);
  });

  test('fires a timer created by another timer when it falls inside the window', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    clock.setTimer(() => {
      fired.push(clock.now());
      clock.setTimer(() => fired.push(clock.now()), 5);
    }, 10);
    await clock.advance('20ms');
    expect(fired).toEqual([10, 15]);
  });

  test('does not fire a cleared timer', async () => {
    const clock = new VirtualClock(0);
    let fired = false;
    const handle = clock.setTimer(() => {
      fired = true;
    }, 10);
    clock.clearTimer(handle);
    await clock.advance('1s');
    expect(fired).toBe(false);
  });

  test('advances 30 s without sleeping', async () => {
    const clock = new VirtualClock(1_000);
    await clock.advance('30s');
    expect(clock.now()).toBe(31_000);
  });
});

test('a real clock refuses to advance and says how to get a virtual one', async () => {
  await expect(new RealClock().advance('1s')).rejects.toThrow(/virtual/);
});

describe('listTimers', () => {
  test('lists pending timers with their descriptors, earliest first; fired and cleared ones leave the list', async () => {
    const clock = new VirtualClock(0);
    clock.setTimer(() => {}, 30, { kind: 'budget', label: 'budget of chat', appId: 'chat', deviceId: 'iphone' });
    const ttl = clock.setTimer(() => {}, 10, { kind: 'ttl', label: 'push p1 expires', pushId: 'p1' });
    clock.setTimer(() => {}, 20);
    expect(clock.listTimers()).toEqual([
      { id: 2, dueAt: 10, kind: 'ttl', label: 'push p1 expires', pushId: 'p1' },
      { id: 3, dueAt: 20, kind: 'other', label: 'a timer' },
      { id: 1, dueAt: 30, kind: 'budget', label: 'budget of chat', appId: 'chat', deviceId: 'iphone' },
    ]);
    clock.clearTimer(ttl);
    await clock.advance(20);
    expect(clock.listTimers().map((t) => t.kind)).toEqual(['budget']);
  });

  test('a real clock lists its timers with their due times and forgets them when they fire or are cleared', async () => {
    let now = 1_000;
    const armed = new Map<number, () => void>();
    let next = 0;
    const clock = new RealClock({
      set: (callback) => {
        armed.set(++next, callback);
        return next;
      },
      clear: (timer) => armed.delete(timer as number),
      now: () => now,
    });
    const suspend = clock.setTimer(() => {}, 10_000, { kind: 'suspend', label: 'chat is suspended', appId: 'chat' });
    clock.setTimer(() => {}, 5_000, { kind: 'expiry', label: 'deferred push expires', pushId: 'p' });
    expect(clock.listTimers().map((t) => [t.kind, t.dueAt])).toEqual([
      ['expiry', 6_000],
      ['suspend', 11_000],
    ]);
    now = 6_000;
    armed.get(2)!();
    expect(clock.listTimers().map((t) => t.kind)).toEqual(['suspend']);
    clock.clearTimer(suspend);
    expect(clock.listTimers()).toEqual([]);
  });
});
