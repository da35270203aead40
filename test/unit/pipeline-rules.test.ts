// Each row of the delivery core's pipeline stages (simulator/delivery/pipeline-rules.ts, DECIDE_RULES) against a
// Simulation on a virtual clock with the built-in services' table: the case the row matches, and the nearest case it
// must not match. Every test names the row's source. A service's own rows are tested with the service
// (test/unit/hms-rules.test.ts).
import { describe, expect, test } from 'vitest';
import { Simulation, type AppConnection } from '../../simulator/engine/index.js';
import {
  DECIDE_RULES,
  PIPELINE_RULES,
  ZPNS_CHANNEL_RULES,
  decideDelivery,
  firstRule,
  CORE_RULES,
  composeRulesTable,
  fateRuleIdProblem,
  stageRule,
  type ZpnsChannelFacts,
} from '../../simulator/delivery/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';
import {
  defaultConditions,
  type Channel,
  type DeviceConditions,
  type Push,
  type PushKind,
} from '../../simulator/core/index.js';

/** The built-in services' table, as startSimulator() composes it. */
const TABLE = rulesTableOf(SERVICES);
const sim = (): Simulation => new Simulation({ clock: 'virtual', startAt: 1_000_000, rules: TABLE });

function setup(
  platform: 'ios' | 'android',
  conditions: Partial<DeviceConditions> = {},
  state?: string,
  manufacturer?: 'huawei',
) {
  const s = sim();
  const device = s.createDevice({ platform, conditions, ...(manufacturer ? { manufacturer } : {}) });
  const app = s.installApp({
    deviceId: device.id,
    bundleId: 'com.example.app',
    sdkProfile: platform === 'ios' ? 'native-ios' : 'native-android',
    state: state ?? (platform === 'ios' ? 'suspended' : 'foreground'),
  });
  const token = platform === 'ios' ? app.tokens!.apns! : app.tokens!.fcm!;
  const send = (kind: PushKind, extra: Record<string, unknown> = {}) => s.send({ token, kind, ...extra }).entry;
  return { s, device, app, send };
}

/** Every id any fate of the push named. */
const idsOf = (s: Simulation, pushId: string): string[] =>
  s.ledger.get(pushId)!.history.flatMap((f) => f.ruleIds ?? []);
const fakeShim = (): AppConnection & { delivered: string[] } => {
  const delivered: string[] = [];
  return {
    delivered,
    deliver: (d) => {
      delivered.push(d.pushId);
    },
  };
};
const sourceOf = (id: string): string => TABLE.rows.find((r) => r.id === id)!.source.join('; ');

function vendorPush(s: Simulation, token: string, id: string, channel: Channel): Push {
  return {
    id,
    provider: 'zpns',
    channel,
    token,
    kind: 'notification',
    priority: 'high',
    payload: { title: 't', content: 'c' },
    acceptedAt: s.clock.now(),
  };
}

interface Case {
  matches: () => Promise<{ s: Simulation; pushId: string }> | { s: Simulation; pushId: string };
  near: () => Promise<{ s: Simulation; pushId: string }> | { s: Simulation; pushId: string };
}

const CASES: Record<string, Case> = {
  'pipeline.token.unknown': {
    matches: () => {
      const s = sim();
      return { s, pushId: s.send({ token: 'nobody', kind: 'alert' }).entry.id };
    },
    near: () => {
      const { s, send } = setup('ios');
      return { s, pushId: send('alert').id };
    },
  },
  'pipeline.token.resolved': {
    matches: () => {
      const { s, send } = setup('ios');
      return { s, pushId: send('alert').id };
    },
    near: () => {
      const s = sim();
      return { s, pushId: s.send({ token: 'nobody', kind: 'alert' }).entry.id };
    },
  },
  'pipeline.expiry.passed': {
    matches: () => {
      const { s, send } = setup('ios');
      return { s, pushId: send('alert', { expiresAt: s.clock.now() - 1 }).id };
    },
    near: () => {
      const { s, send } = setup('ios');
      return { s, pushId: send('alert', { expiresAt: s.clock.now() + 60_000 }).id };
    },
  },
  'pipeline.expiry.zero-offline': {
    matches: () => {
      const { s, send } = setup('android', { online: false });
      return { s, pushId: send('data', { ttl: 0 }).id };
    },
    near: () => {
      const { s, send } = setup('android');
      return { s, pushId: send('data', { ttl: 0 }).id };
    },
  },
  'pipeline.expiry.while-held': {
    matches: async () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data', { ttl: '10s' }).id;
      await s.advance('11s');
      return { s, pushId };
    },
    near: async () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data', { ttl: '10s' }).id;
      await s.advance('5s');
      return { s, pushId };
    },
  },
  'store.offline.held': {
    matches: () => {
      const { s, send } = setup('ios', { online: false });
      return { s, pushId: send('alert').id };
    },
    near: () => {
      const { s, send } = setup('ios');
      return { s, pushId: send('alert').id };
    },
  },
  'store.apns.newest-only': {
    matches: () => {
      const { s, send } = setup('ios', { online: false });
      const pushId = send('alert').id;
      send('alert');
      return { s, pushId };
    },
    near: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data').id;
      send('data');
      return { s, pushId };
    },
  },
  'store.vendor.newest-only': {
    matches: () => {
      const { s, app } = setup('android', { online: false, hasGoogleServices: false }, 'background', 'huawei');
      const first = vendorPush(s, app.tokens!.zpns ?? 'zpns', 'v1', 'xiaomi');
      const address = { app, device: s.registry.requireDevice(app.deviceId), kind: 'zpns' as const };
      s.router.route(first, address);
      s.router.route(vendorPush(s, first.token, 'v2', 'xiaomi'), address);
      return { s, pushId: 'v1' };
    },
    near: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data').id;
      send('data');
      return { s, pushId };
    },
  },
  'store.fcm.collapse-key': {
    matches: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data', { collapseId: 'score' }).id;
      send('data', { collapseId: 'score' });
      return { s, pushId };
    },
    near: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data', { collapseId: 'score' }).id;
      send('data', { collapseId: 'news' });
      return { s, pushId };
    },
  },
  'store.fcm.collapse-key-limit': {
    matches: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data', { collapseId: 'k0' }).id;
      for (let i = 1; i < 5; i++) send('data', { collapseId: `k${i}` });
      return { s, pushId };
    },
    near: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data', { collapseId: 'k0' }).id;
      for (let i = 1; i < 4; i++) send('data', { collapseId: `k${i}` });
      return { s, pushId };
    },
  },
  'store.fcm.non-collapsible-limit': {
    matches: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data').id;
      for (let i = 1; i <= 100; i++) send('data');
      return { s, pushId };
    },
    near: () => {
      const { s, send } = setup('android', { online: false });
      const pushId = send('data').id;
      for (let i = 1; i < 100; i++) send('data');
      return { s, pushId };
    },
  },
  'apns.throttle.background-budget': {
    matches: () => {
      const { s, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      return { s, pushId: send('background').id };
    },
    near: () => {
      const { s, send } = setup('ios', { debuggerAttached: true });
      for (let i = 0; i < 3; i++) send('background');
      return { s, pushId: send('background').id };
    },
  },
  'apns.throttle.held-replaced': {
    matches: () => {
      const { s, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      const pushId = send('background').id;
      send('background');
      return { s, pushId };
    },
    near: () => {
      const { s, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      return { s, pushId: send('background').id };
    },
  },
  'apns.throttle.held-discarded': {
    matches: () => {
      const { s, app, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      const pushId = send('background').id;
      s.lifecycle.send(app.id, 'forceQuit');
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      const pushId = send('background').id;
      s.lifecycle.send(app.id, 'launch');
      return { s, pushId };
    },
  },
  'apns.throttle.held-launch': {
    matches: () => {
      const { s, app, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      const pushId = send('background').id;
      s.lifecycle.send(app.id, 'launch');
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('ios');
      for (let i = 0; i < 3; i++) send('background');
      const pushId = send('background').id;
      s.lifecycle.send(app.id, 'forceQuit');
      return { s, pushId };
    },
  },
  'android.standby.high-priority-cap': {
    matches: () => {
      const { s, send } = setup('android', { standbyBucket: 'rare' });
      for (let i = 0; i < 5; i++) send('data', { priority: 'high' });
      return { s, pushId: send('data', { priority: 'high' }).id };
    },
    near: () => {
      const { s, send } = setup('android', { standbyBucket: 'active' });
      for (let i = 0; i < 5; i++) send('data', { priority: 'high' });
      return { s, pushId: send('data', { priority: 'high' }).id };
    },
  },
  'apns.chaos.background-drop': {
    matches: () => {
      const { s, send } = setup('ios');
      s.router.configureChaos({ backgroundDropProbability: 1 });
      return { s, pushId: send('background').id };
    },
    near: () => {
      const { s, send } = setup('ios');
      s.router.configureChaos({ backgroundDropProbability: 1 });
      return { s, pushId: send('alert').id };
    },
  },
  'fcm.ttl-zero-in-doze': {
    matches: () => {
      const { s, send } = setup('android', { doze: true });
      return { s, pushId: send('data', { priority: 'normal', ttl: 0 }).id };
    },
    near: () => {
      const { s, send } = setup('android', { doze: true });
      return { s, pushId: send('data', { priority: 'normal', ttl: '60s' }).id };
    },
  },
  'shim.disconnected': {
    matches: () => {
      const { s, app, send } = setup('android');
      const shim = fakeShim();
      s.router.attach(app.id, shim);
      s.router.detach(app.id, shim);
      return { s, pushId: send('data').id };
    },
    near: () => {
      const { s, send } = setup('android');
      return { s, pushId: send('data').id };
    },
  },
  'display.collapse-id.replaced': {
    matches: () => {
      const { s, send } = setup('ios');
      const pushId = send('alert', { collapseId: 'c' }).id;
      send('alert', { collapseId: 'c' });
      return { s, pushId };
    },
    near: () => {
      const { s, send } = setup('ios');
      const pushId = send('alert', { collapseId: 'c' }).id;
      send('alert', { collapseId: 'd' });
      return { s, pushId };
    },
  },
  'shim.ack.ran': {
    matches: () => {
      const { s, app, send } = setup('android');
      s.router.attach(app.id, fakeShim());
      const pushId = send('data').id;
      s.router.acknowledge(app.id, { pushId, ran: true, callback: 'onMessage' });
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('android');
      s.router.attach(app.id, fakeShim());
      const pushId = send('data').id;
      s.router.acknowledge(app.id, { pushId, ran: false, reason: 'no listener' });
      return { s, pushId };
    },
  },
  'shim.ack.queued': {
    matches: () => {
      const { s, app, send } = setup('android');
      s.router.attach(app.id, fakeShim());
      const pushId = send('data').id;
      s.router.acknowledge(app.id, { pushId, ran: false, queued: true });
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('android');
      s.router.attach(app.id, fakeShim());
      const pushId = send('data').id;
      s.router.acknowledge(app.id, { pushId, ran: false });
      return { s, pushId };
    },
  },
  'shim.ack.not-run.displayed': {
    matches: () => {
      const { s, app, send } = setup('ios');
      s.router.attach(app.id, fakeShim());
      const pushId = send('alert+background').id;
      s.router.acknowledge(app.id, { pushId, ran: false });
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('ios');
      s.router.attach(app.id, fakeShim());
      const pushId = send('background').id;
      s.router.acknowledge(app.id, { pushId, ran: false });
      return { s, pushId };
    },
  },
  'shim.ack.not-run': {
    matches: () => {
      const { s, app, send } = setup('ios');
      s.router.attach(app.id, fakeShim());
      const pushId = send('background').id;
      s.router.acknowledge(app.id, { pushId, ran: false });
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('ios');
      s.router.attach(app.id, fakeShim());
      const pushId = send('alert+background').id;
      s.router.acknowledge(app.id, { pushId, ran: false });
      return { s, pushId };
    },
  },
  'shim.detached-in-flight': {
    matches: () => {
      const { s, app, send } = setup('android');
      const shim = fakeShim();
      s.router.attach(app.id, shim);
      const pushId = send('data').id;
      s.router.detach(app.id, shim);
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('android');
      const shim = fakeShim();
      s.router.attach(app.id, shim);
      const pushId = send('data').id;
      s.router.acknowledge(app.id, { pushId, ran: true, callback: 'onMessage' });
      s.router.detach(app.id, shim);
      return { s, pushId };
    },
  },
  'pipeline.uninstalled-while-waiting': {
    matches: () => {
      const { s, app, send } = setup('ios', { online: false });
      const pushId = send('alert').id;
      s.uninstallApp(app.id);
      return { s, pushId };
    },
    near: () => {
      const { s, app, send } = setup('ios');
      const pushId = send('alert').id;
      s.uninstallApp(app.id);
      return { s, pushId };
    },
  },
  'apns.wire.rejected': {
    matches: () => {
      const s = sim();
      const push: Push = {
        id: 'r',
        provider: 'apns',
        token: 't',
        kind: 'alert',
        priority: 'high',
        payload: {},
        acceptedAt: 0,
      };
      s.record(push, { name: 'rejected', reason: 'BadDeviceToken' });
      return { s, pushId: 'r' };
    },
    near: () => {
      const s = sim();
      const push: Push = {
        id: 'r',
        provider: 'fcm',
        token: 't',
        kind: 'data',
        priority: 'high',
        payload: {},
        acceptedAt: 0,
      };
      s.record(push, { name: 'rejected', reason: 'UNREGISTERED' });
      return { s, pushId: 'r' };
    },
  },
  'fcm.wire.rejected': {
    matches: () => {
      const s = sim();
      const push: Push = {
        id: 'r',
        provider: 'fcm',
        token: 't',
        kind: 'data',
        priority: 'high',
        payload: {},
        acceptedAt: 0,
      };
      s.record(push, { name: 'rejected', reason: 'UNREGISTERED' });
      return { s, pushId: 'r' };
    },
    near: () => {
      const s = sim();
      const push: Push = {
        id: 'r',
        provider: 'apns',
        token: 't',
        kind: 'alert',
        priority: 'high',
        payload: {},
        acceptedAt: 0,
      };
      s.record(push, { name: 'rejected', reason: 'BadDeviceToken' });
      return { s, pushId: 'r' };
    },
  },
  'apns.push-type.not-modelled': {
    matches: () => {
      const s = sim();
      const push: Push = {
        id: 'r',
        provider: 'apns',
        token: 't',
        kind: 'alert',
        priority: 'high',
        payload: {},
        acceptedAt: 0,
      };
      s.record(push, { name: 'dropped', reason: 'liveactivity' });
      return { s, pushId: 'r' };
    },
    near: () => {
      const s = sim();
      const push: Push = {
        id: 'r',
        provider: 'apns',
        token: 't',
        kind: 'alert',
        priority: 'high',
        payload: {},
        acceptedAt: 0,
      };
      s.record(push, { name: 'rejected', reason: 'BadTopic' });
      return { s, pushId: 'r' };
    },
  },
};

describe('each pipeline row matches its case and not the nearest other', () => {
  test.each(Object.keys(CASES).map((id) => [id, sourceOf(id)] as const))('%s (source: %s)', async (id) => {
    const matched = await CASES[id]!.matches();
    expect(idsOf(matched.s, matched.pushId)).toContain(id);
    const near = await CASES[id]!.near();
    expect(idsOf(near.s, near.pushId)).not.toContain(id);
  });
});

describe('rows decided by predicate alone', () => {
  const zpnsRow = (id: string) => firstRule(ZPNS_CHANNEL_RULES, CASES_ZPNS[id]!.matches)?.id;
  const CASES_ZPNS: Record<
    string,
    {
      matches: Parameters<typeof firstRule<ZpnsChannelFacts>>[1];
      near: Parameters<typeof firstRule<ZpnsChannelFacts>>[1];
    }
  > = {
    'zim.in-app.delivered': {
      matches: { zimConnected: true, platform: 'android', hasGoogleServices: true },
      near: { zimConnected: false, platform: 'android', hasGoogleServices: true },
    },
    'zpns.no-channel': {
      matches: { zimConnected: false, platform: 'android', hasGoogleServices: false },
      near: { zimConnected: false, platform: 'android', hasGoogleServices: false, vendor: 'huawei' },
    },
    'zpns.no-channel.no-hms-core': {
      matches: {
        zimConnected: false,
        platform: 'android',
        hasGoogleServices: false,
        vendor: 'huawei',
        hasHmsCore: false,
      },
      near: { zimConnected: false, platform: 'android', hasGoogleServices: true, vendor: 'huawei', hasHmsCore: false },
    },
  };
  test.each(Object.keys(CASES_ZPNS).map((id) => [id, sourceOf(id)] as const))('%s (source: %s)', (id) => {
    expect(zpnsRow(id)).toBe(id);
    expect(firstRule(ZPNS_CHANNEL_RULES, CASES_ZPNS[id]!.near)?.id).not.toBe(id);
  });

  const input = (extra: Record<string, unknown>) => ({
    platform: 'android' as const,
    kind: 'data' as PushKind,
    state: 'foreground',
    priority: 'high' as const,
    conditions: defaultConditions('android'),
    sdkProfile: 'native-android' as const,
    sdkVersion: '24.1.0',
    ...extra,
  });
  const DECIDE: Record<string, { matches: ReturnType<typeof input>; near: ReturnType<typeof input> }> = {
    'decide.push-kind-mismatch': { matches: input({ kind: 'background' }), near: input({ kind: 'data' }) },
    'decide.no-matching-row': { matches: input({ state: 'hibernating' }), near: input({ state: 'background' }) },
    'decide.notifications-blocked': {
      matches: input({
        platform: 'ios',
        kind: 'alert+background',
        state: 'suspended',
        conditions: { ...defaultConditions('ios'), notificationPermission: 'denied' },
        sdkProfile: 'native-ios',
        sdkVersion: '18.0',
      }),
      near: input({
        platform: 'ios',
        kind: 'alert+background',
        state: 'suspended',
        conditions: defaultConditions('ios'),
        sdkProfile: 'native-ios',
        sdkVersion: '18.0',
      }),
    },
  };
  test.each(Object.keys(DECIDE).map((id) => [id, sourceOf(id)] as const))('%s (source: %s)', (id) => {
    expect(decideDelivery(DECIDE[id]!.matches).ruleIds).toContain(id);
    expect(decideDelivery(DECIDE[id]!.near).ruleIds).not.toContain(id);
  });
});

describe('a channel in every decision', () => {
  const noGms = { ...defaultConditions('android'), hasGoogleServices: false };
  const base = {
    platform: 'android' as const,
    kind: 'notification' as PushKind,
    state: 'background',
    priority: 'high' as const,
    conditions: noGms,
    sdkProfile: 'zpns-rn' as const,
    sdkVersion: '2.8.3',
  };

  test('android.no-google-services matches only the FCM channel (source: docs/reference/zpns.md#callback-support-by-vendor)', () => {
    expect(decideDelivery({ ...base, channel: 'fcm' }).ruleIds).toEqual(['android.no-google-services']);
    expect(decideDelivery({ ...base, channel: 'hms' }).ruleIds).toEqual(['vendor.notification.tray']);
  });

  test('an HMS through message to a killed app runs the background handler headless, as an FCM data message does', () => {
    expect(decideDelivery({ ...base, kind: 'data', state: 'killed', channel: 'hms' })).toMatchObject({
      fate: 'delivered',
      callbacks: ['setBackgroundMessageHandler'],
      wake: 'headless',
    });
  });

  test('a vendor push goes through the pipeline: stored while the phone is offline, decided by the vendor row when it is back', () => {
    const { s, app, device } = setup('android', { online: false, hasGoogleServices: false }, 'background', 'huawei');
    s.router.route(vendorPush(s, 'zpns', 'v', 'hms'), { app, device, kind: 'zpns' });
    expect(s.ledger.get('v')!.fate.name).toBe('stored');
    s.registry.setConditions(device.id, { online: true });
    // A native Android app on a Huawei phone: Push Kit's own notification row (the ZPNs rows are for zpns-rn apps).
    expect(s.ledger.get('v')!.fate).toMatchObject({ name: 'displayed', ruleIds: ['hms.notification.tray'] });
  });
});

describe('the invariant: every fate names rows that GET /api/rules lists', () => {
  test('a fate without row ids, or with an id the table does not list, is reported', () => {
    expect(fateRuleIdProblem({ name: 'dropped' }, TABLE.knownIds)).toMatch(/names no rules-table row/);
    expect(fateRuleIdProblem({ name: 'dropped', ruleIds: ['no-rule'] }, TABLE.knownIds)).toMatch(
      /"no-rule", which GET \/api\/rules does not list/,
    );
    expect(fateRuleIdProblem({ name: 'dropped', ruleIds: ['pipeline.token.unknown'] }, TABLE.knownIds)).toBeUndefined();
    // A service's row is known to the table of a simulation that serves it, not to the core's alone.
    const own = composeRulesTable([
      {
        accept: [
          stageRule({
            id: 'toy.wire.rejected',
            stage: 'accept',
            condition: 'the toy service refused the request',
            when: (f: { provider: string; fate: string }) => f.provider === 'toy' && f.fate === 'rejected',
            outcome: { fate: 'rejected' },
            source: ['this test'],
          }),
        ],
      },
    ]);
    expect(fateRuleIdProblem({ name: 'rejected', ruleIds: ['toy.wire.rejected'] }, own.knownIds)).toBeUndefined();
    expect(fateRuleIdProblem({ name: 'rejected', ruleIds: ['toy.wire.rejected'] }, CORE_RULES.knownIds)).toMatch(
      /does not list/,
    );
    expect(() => composeRulesTable([{ accept: [{ ...own.accept[0]!, id: 'apns.wire.rejected' }] }])).toThrow(
      /two rules-table rows have the id "apns.wire.rejected"/,
    );
  });

  test('row ids are unique, and every row of a stage but decide is a pipeline row with a code predicate', () => {
    const rows = TABLE.rows;
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    expect(TABLE.knownIds.size).toBe(rows.length);
    for (const rule of [...PIPELINE_RULES, ...DECIDE_RULES]) expect(typeof rule.when).toBe('function');
  });

  test('each pipeline row has a test above', () => {
    const tested = new Set([
      ...Object.keys(CASES),
      'zim.in-app.delivered',
      'zpns.no-channel',
      'zpns.no-channel.no-hms-core',
      ...DECIDE_RULES.map((r) => r.id),
    ]);
    expect([...PIPELINE_RULES, ...DECIDE_RULES].map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});
