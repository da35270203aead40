// The in-memory registry's indexes (simulator/core/registry-indexes.ts) against Maps doing the same, through thousands
// of seeded random adds and removes: generated and made-up ids, compaction, table growth and backward-shift deletion.
import { expect, test } from 'vitest';
import { EventBus, createInMemoryRegistry, seededRandom, type SimulatorEvents } from '../../simulator/core/index.js';
import { SlotIndex, TokenIndex } from '../../simulator/core/registry-indexes.js';

test('SlotIndex finds every record by id and lists them in insertion order, as a Map does, across compactions', () => {
  const random = seededRandom(7);
  const index = new SlotIndex<{ id: string }>('app-');
  const reference = new Map<string, { id: string }>();
  let next = 1;
  // Generated ids, made-up ones, ones that look generated but are not (leading zero, too long), and one far past the rest.
  const made = ['phone', 'app-', 'app-007', 'app-x1', 'app-1234567890', 'app-99999999', 'APP-3', 'app-2a'];
  for (let step = 0; step < 20_000; step++) {
    const roll = random();
    if (roll < 0.55) {
      const id = random() < 0.9 ? `app-${next++}` : made[Math.floor(random() * made.length)]!;
      if (reference.has(id)) {
        expect(index.has(id)).toBe(true);
        continue;
      }
      const record = { id };
      index.add(record);
      reference.set(id, record);
    } else if (reference.size > 0) {
      const ids = [...reference.keys()];
      const id = ids[Math.floor(random() * ids.length)]!;
      index.remove(id);
      reference.delete(id);
      expect(index.get(id)).toBeUndefined();
    }
    if (step % 997 === 0) {
      expect(index.values()).toEqual([...reference.values()]);
      for (const [id, record] of reference) expect(index.get(id)).toBe(record);
    }
  }
  expect(index.size).toBe(reference.size);
  expect(index.values()).toEqual([...reference.values()]);
  expect(index.get('app-0')).toBeUndefined();
  expect(index.get(`app-${next}`)).toBeUndefined();
});

test('TokenIndex finds the slot of every token held, through growth, removal and renumbering', () => {
  const random = seededRandom(11);
  // Slot → the tokens its app holds; several tokens per slot, as apps with an APNs and an FCM token.
  const held = new Map<number, Set<string>>();
  const index = new TokenIndex((slot, token) => held.get(slot)?.has(token) ?? false);
  const reference = new Map<string, number>();
  let n = 0;
  for (let step = 0; step < 30_000; step++) {
    if (random() < 0.6 || reference.size === 0) {
      const token = `${(n++ * 2654435761).toString(16)}-${Math.floor(random() * 1e9)}`;
      const slot = Math.floor(random() * 5000);
      (held.get(slot) ?? held.set(slot, new Set()).get(slot)!).add(token);
      index.add(token, slot);
      reference.set(token, slot);
    } else {
      const tokens = [...reference.keys()];
      const token = tokens[Math.floor(random() * tokens.length)]!;
      index.remove(token);
      held.get(reference.get(token)!)!.delete(token);
      reference.delete(token);
      expect(index.find(token)).toBe(-1);
    }
    if (step % 1999 === 0) for (const [token, slot] of reference) expect(index.find(token)).toBe(slot);
  }
  expect(index.size).toBe(reference.size);
  // Slots renumbered as a compaction does: every even slot dropped, odd ones halved.
  const moved = (slot: number): number => (slot % 2 ? (slot - 1) / 2 : -1);
  const renumbered = new Map<number, Set<string>>();
  for (const [slot, tokens] of held) if (moved(slot) >= 0) renumbered.set(moved(slot), tokens);
  held.clear();
  for (const [slot, tokens] of renumbered) held.set(slot, tokens);
  index.renumber(moved);
  for (const [token, slot] of reference) expect(index.find(token)).toBe(moved(slot));
  expect(index.find('never-added')).toBe(-1);
});

test('the in-memory registry resolves every token still installed after uninstalls compact its slots', () => {
  let issued = 0;
  const registry = createInMemoryRegistry({
    bus: new EventBus<SimulatorEvents>(),
    now: () => 0,
    tokenKinds: [
      { name: 'apple', isWantedBy: () => true, issue: () => `apple-${++issued}` },
      { name: 'google', isWantedBy: (app) => app.bundleId.endsWith('2'), issue: () => `google-${++issued}` },
    ],
  });
  const apps: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const device = registry.createDevice({ platform: 'ios' });
    const app = registry.install({
      deviceId: device.id,
      bundleId: `b${i % 3}`,
      sdkProfile: 'native-ios',
      initialLifecycle: 'x',
    });
    registry.register(app.id);
    apps.push(app.id);
  }
  // Two of every three uninstalled: more than half the slots empty, so the app slots are compacted on the way.
  for (let i = 0; i < 3000; i++) if (i % 3) registry.uninstall(apps[i]!);
  expect(registry.appCount).toBe(1000);
  expect(registry.listApps().map((a) => a.id)).toEqual(apps.filter((_, i) => i % 3 === 0));
  for (const app of registry.listApps()) {
    for (const [kind, token] of Object.entries(app.tokens!)) {
      expect(registry.resolveToken(token!)).toMatchObject({ app: { id: app.id }, kind });
    }
  }
  expect(registry.resolveToken('apple-2')).toBeUndefined();
  expect(registry.uninstalledToken('apple-2')).toMatchObject({ appId: apps[1] });
});
