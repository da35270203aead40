// Push Kit's rows of the rules table (simulator/providers/hms/hms-rules.ts, contributed by the HMS module), table-driven:
// each row's case, its nearest other case and its source, decided by the table startSimulator() composes; the ZPNs rows
// stay in charge of zpns-rn apps on the same channel.
import { describe, expect, test } from 'vitest';
import { CORE_RULES, decideDelivery } from '../../simulator/delivery/index.js';
import { Simulation } from '../../simulator/engine/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';
import { hmsService } from '../../simulator/providers/hms/index.js';
import { defaultConditions, type Push, type PushKind, type PushPriority } from '../../simulator/core/index.js';

const TABLE = rulesTableOf(SERVICES);
const conditions = { ...defaultConditions('android'), hasGoogleServices: false };
const decide = (
  kind: PushKind,
  state: string,
  priority: PushPriority = 'normal',
  sdkProfile: 'native-android' | 'zpns-rn' = 'native-android',
) =>
  decideDelivery(
    { platform: 'android', channel: 'hms', kind, state, priority, conditions, sdkProfile, sdkVersion: '2.8.3' },
    TABLE,
  );
const sourceOf = (id: string): string => TABLE.rows.find((r) => r.id === id)!.source.join('; ');
const sim = (): Simulation => new Simulation({ clock: 'virtual', startAt: 1_000_000, rules: TABLE });
/** Every id any fate of the push named. */
const idsOf = (s: Simulation, pushId: string): string[] =>
  s.ledger.get(pushId)!.history.flatMap((f) => f.ruleIds ?? []);

/** Push Kit messages with these collapse keys (undefined = -1) to an offline Huawei phone; the id of the first. */
function hmsHeld(keys: (string | undefined)[]): { s: Simulation; pushId: string } {
  const s = sim();
  const device = s.createDevice({
    platform: 'android',
    conditions: { online: false, hasGoogleServices: false },
    manufacturer: 'huawei',
  });
  const app = s.installApp({
    deviceId: device.id,
    bundleId: 'com.example.app',
    sdkProfile: 'native-android',
    state: 'background',
  });
  const address = { app, device: s.registry.requireDevice(app.deviceId), kind: 'hms' as const };
  keys.forEach((key, i) => {
    s.router.route(
      {
        id: `h${i}`,
        provider: 'hms',
        channel: 'hms',
        token: 'hms',
        kind: 'data',
        priority: 'normal',
        payload: { data: 'x' },
        acceptedAt: s.clock.now(),
        ...(key !== undefined ? { collapseId: key } : {}),
      },
      address,
    );
  });
  return { s, pushId: 'h0' };
}

function rejected(provider: string, reason: string): { s: Simulation; pushId: string } {
  const s = sim();
  const push: Push = { id: 'r', provider, token: 't', kind: 'data', priority: 'normal', payload: {}, acceptedAt: 0 };
  s.record(push, { name: 'rejected', reason });
  return { s, pushId: 'r' };
}

describe("the HMS module's rows are in the composed table, and only there", () => {
  test('every row of hmsService.rules is listed, with its id unchanged, and the core alone lists none of them', () => {
    const ids = [
      ...(hmsService.rules.accept ?? []),
      ...(hmsService.rules.store ?? []),
      ...(hmsService.rules.channel ?? []),
    ].map((r) => r.id);
    expect(ids.sort()).toEqual([
      'hms.data.killed-high-urgency',
      'hms.data.killed-normal-urgency',
      'hms.data.running',
      'hms.notification.force-stopped',
      'hms.notification.tray',
      'hms.wire.rejected',
      'store.hms.collapse-key',
      'store.hms.collapse-key-newest',
    ]);
    for (const id of ids) {
      expect(TABLE.knownIds.has(id), id).toBe(true);
      expect(CORE_RULES.knownIds.has(id), id).toBe(false);
    }
  });
});

describe('Push Kit rows of the accept and offline stages, against a Simulation', () => {
  type Run = () => { s: Simulation; pushId: string };
  const CASES: Record<string, { matches: Run; near: Run }> = {
    'hms.wire.rejected': {
      matches: () => rejected('hms', '80300007: All the tokens are invalid'),
      near: () => rejected('fcm', 'UNREGISTERED'),
    },
    'store.hms.collapse-key-newest': {
      matches: () => hmsHeld(['3', undefined, '0']),
      near: () => hmsHeld(['3', undefined, '4']),
    },
    'store.hms.collapse-key': {
      matches: () => hmsHeld(['5', '5']),
      near: () => hmsHeld([undefined, undefined, '5']),
    },
  };
  test.each(Object.keys(CASES).map((id) => [id, sourceOf(id)] as const))('%s (source: %s)', (id) => {
    const matched = CASES[id]!.matches();
    expect(idsOf(matched.s, matched.pushId)).toContain(id);
    const near = CASES[id]!.near();
    expect(idsOf(near.s, near.pushId)).not.toContain(id);
  });

  test("the accept stage of a simulation finds an hms rejection's row only when its table has the HMS module's rows", () => {
    const facts = { provider: 'hms', fate: 'rejected' };
    expect(sim().rules.accept.find((row) => row.when(facts))?.id).toBe('hms.wire.rejected');
    expect(new Simulation({ clock: 'virtual' }).rules.accept.find((row) => row.when(facts))).toBeUndefined();
  });
});

describe('Push Kit delivery to a native Android app on a Huawei phone', () => {
  test.each([
    [
      'hms.notification.tray',
      'notification',
      'foreground',
      'normal',
      { fate: 'displayed', display: true, callbacks: [] },
    ],
    ['hms.notification.tray', 'notification', 'killed', 'normal', { fate: 'displayed', display: true }],
    ['hms.notification.force-stopped', 'notification', 'forceStopped', 'normal', { fate: 'displayed', display: true }],
    [
      'hms.data.running',
      'data',
      'foreground',
      'normal',
      { fate: 'delivered', callbacks: ['HmsMessageService.onMessageReceived'] },
    ],
    [
      'hms.data.running',
      'data',
      'background',
      'high',
      { fate: 'delivered', callbacks: ['HmsMessageService.onMessageReceived'] },
    ],
    [
      'hms.data.killed-high-urgency',
      'data',
      'killed',
      'high',
      { fate: 'delivered', wake: 'headless', callbacks: ['HmsMessageService.onMessageReceived'] },
    ],
    ['hms.data.killed-normal-urgency', 'data', 'killed', 'normal', { fate: 'dropped', callbacks: [] }],
    ['vendor.through.force-stopped', 'data', 'forceStopped', 'high', { fate: 'dropped' }],
  ] as const)('%s: a %s message, app %s, urgency %s', (id, kind, state, priority, outcome) => {
    const decided = decide(kind, state, priority);
    expect(decided, `source: ${sourceOf(id)}`).toMatchObject({ ...outcome, ruleIds: [id] });
  });

  test('a zpns-rn app on the same channel still gets the ZPNs rows (docs/reference/zpns.md#callback-support-by-vendor)', () => {
    expect(decide('data', 'foreground', 'normal', 'zpns-rn').ruleIds).toEqual(['vendor.through.huawei.foreground']);
    expect(decide('notification', 'background', 'normal', 'zpns-rn').ruleIds).toEqual(['vendor.notification.tray']);
  });

  test('without notification permission a notification message shows nothing (docs/reference/android.md#notification-permission-android-13)', () => {
    const blocked = decideDelivery(
      {
        platform: 'android',
        channel: 'hms',
        kind: 'notification',
        state: 'background',
        priority: 'normal',
        conditions: { ...conditions, notificationPermission: 'denied' },
        sdkProfile: 'native-android',
        sdkVersion: '1',
      },
      TABLE,
    );
    expect(blocked).toMatchObject({
      fate: 'dropped',
      ruleIds: ['hms.notification.tray', 'decide.notifications-blocked'],
    });
  });
});
