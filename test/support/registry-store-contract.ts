// The Registry contract as tests: any registry store runs them with its own factory (test/unit/registry-store.test.ts
// runs the in-memory one). Written against the interface only: records are read again after each change, never held.
import { describe, expect, test } from 'vitest';
import {
  EventBus,
  SimulatorError,
  defaultConditions,
  type InstallAppInput,
  type Registry,
  type RegistryFactory,
  type SimulatorEvents,
  type TokenKind,
} from '../../simulator/core/index.js';

let issued = 0;
const kind = (name: string, wanted: TokenKind['isWantedBy'], unavailable?: TokenKind['unavailable']): TokenKind => ({
  name,
  isWantedBy: wanted,
  ...(unavailable ? { unavailable } : {}),
  issue: () => `${name}-token-${++issued}`,
});
/** Kinds of the contract's own, so it does not depend on the services' token shapes. */
const KINDS: readonly TokenKind[] = [
  kind('apple', (_app, device) => device.platform === 'ios'),
  kind(
    'google',
    (_app, device) => device.platform === 'android',
    (_app, device) => (device.conditions.hasGoogleServices ? undefined : 'SERVICE_NOT_AVAILABLE'),
  ),
  kind('zego', (app) => app.sdkProfile === 'zpns-rn'),
];

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof SimulatorError ? error.code : `not a SimulatorError: ${String(error)}`;
  }
  return undefined;
}

export function describeRegistryStore(name: string, create: RegistryFactory): void {
  function registry() {
    const bus = new EventBus<SimulatorEvents>();
    const events: string[] = [];
    bus.onAny((type) => {
      events.push(String(type));
    });
    const clock = { now: 1_000 };
    const store: Registry = create({ bus, now: () => clock.now, tokenKinds: KINDS });
    return { store, events, clock, bus };
  }
  const app = (deviceId: string, extra: Partial<InstallAppInput> = {}): InstallAppInput => ({
    deviceId,
    bundleId: 'com.example.app',
    sdkProfile: 'native-ios',
    initialLifecycle: 'notRunning',
    ...extra,
  });

  describe(`${name}: the Registry contract`, () => {
    test("creates devices with generated ids, the platform's defaults and the clock's time", () => {
      const { store, events } = registry();
      const first = store.createDevice({ platform: 'ios' });
      const second = store.createDevice({ platform: 'android', manufacturer: 'huawei', osVersion: '12', name: 'Mate' });
      expect(first).toMatchObject({
        id: 'dev-1',
        platform: 'ios',
        osVersion: '18.0',
        name: 'iPhone',
        createdAt: 1_000,
        conditions: defaultConditions('ios'),
      });
      expect(first.manufacturer).toBeUndefined();
      expect(second).toMatchObject({
        id: 'dev-2',
        platform: 'android',
        manufacturer: 'huawei',
        osVersion: '12',
        name: 'Mate',
      });
      expect(store.device('dev-2')).toEqual(second);
      expect(store.requireDevice('dev-1')).toEqual(first);
      expect(store.listDevices().map((d) => d.id)).toEqual(['dev-1', 'dev-2']);
      expect(events).toEqual(['device.created', 'device.created']);
    });

    test('refuses a device id in use, and names a missing device', () => {
      const { store } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      expect(codeOf(() => store.createDevice({ platform: 'android', id: 'phone' }))).toBe('DEVICE_EXISTS');
      expect(store.device('nowhere')).toBeUndefined();
      expect(codeOf(() => store.requireDevice('nowhere'))).toBe('DEVICE_NOT_FOUND');
    });

    test('merges changed conditions into one device only, and publishes what changed', () => {
      const { store, bus } = registry();
      const changes: unknown[] = [];
      bus.on('device.conditions-changed', (e) => {
        changes.push(e);
      });
      store.createDevice({ platform: 'android', id: 'a', conditions: { doze: true } });
      store.createDevice({ platform: 'android', id: 'b' });
      store.createDevice({ platform: 'android', id: 'c' });
      const changed = store.setConditions('b', { online: false });
      expect(changed.conditions).toMatchObject({ online: false, doze: false });
      expect(store.requireDevice('b').conditions).toEqual({ ...defaultConditions('android'), online: false });
      expect(store.requireDevice('a').conditions).toEqual({ ...defaultConditions('android'), doze: true });
      expect(store.requireDevice('c').conditions).toEqual(defaultConditions('android'));
      expect(changes).toEqual([
        { deviceId: 'b', conditions: { ...defaultConditions('android'), online: false }, changed: { online: false } },
      ]);
    });

    test('installs apps with their defaults, listed in install order, per device and in all', () => {
      const { store, clock } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.createDevice({ platform: 'ios', id: 'tablet' });
      clock.now = 2_000;
      const first = store.install(app('phone'));
      const second = store.install(
        app('tablet', {
          sdkProfile: 'zpns-rn',
          environment: 'production',
          handlerTimeMs: 5,
          suspendAfterMs: 9,
          fcmProject: 'p',
          id: 'mine',
        }),
      );
      const third = store.install(app('phone', { bundleId: 'com.example.other', sdkVersion: '17.1' }));
      expect(first).toMatchObject({
        id: 'app-1',
        deviceId: 'phone',
        bundleId: 'com.example.app',
        sdkProfile: 'native-ios',
        sdkVersion: '18.0',
        environment: 'sandbox',
        lifecycle: 'notRunning',
        installedAt: 2_000,
      });
      expect(first.tokens).toBeUndefined();
      expect(second).toMatchObject({
        id: 'mine',
        sdkVersion: '2.8.3',
        environment: 'production',
        handlerTimeMs: 5,
        suspendAfterMs: 9,
        fcmProject: 'p',
      });
      expect(third).toMatchObject({ id: 'app-2', sdkVersion: '17.1' });
      expect(store.listApps().map((a) => a.id)).toEqual(['app-1', 'mine', 'app-2']);
      expect(store.listApps('phone').map((a) => a.id)).toEqual(['app-1', 'app-2']);
      expect(store.listApps('tablet').map((a) => a.id)).toEqual(['mine']);
      expect(store.appCount).toBe(3);
      expect(store.app('mine')).toEqual(second);
      expect(store.requireApp('app-1')).toEqual(first);
    });

    test('refuses an app id in use, a bundle id the device already has, an app on a missing device, and names a missing app', () => {
      const { store } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.createDevice({ platform: 'ios', id: 'tablet' });
      store.install(app('phone', { id: 'shop' }));
      expect(codeOf(() => store.install(app('tablet', { id: 'shop' })))).toBe('APP_EXISTS');
      expect(codeOf(() => store.install(app('phone')))).toBe('APP_ALREADY_INSTALLED');
      expect(codeOf(() => store.install(app('tablet')))).toBeUndefined();
      expect(codeOf(() => store.install(app('nowhere')))).toBe('DEVICE_NOT_FOUND');
      expect(store.app('nowhere')).toBeUndefined();
      expect(codeOf(() => store.requireApp('nowhere'))).toBe('APP_NOT_FOUND');
    });

    test('issues one token per kind the app registers for, the same ones again, and each resolves to its app, device and kind', () => {
      const { store, events } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.install(app('phone', { id: 'zpns', sdkProfile: 'zpns-rn' }));
      const tokens = store.register('zpns');
      expect(Object.keys(tokens).sort()).toEqual(['apple', 'zego']);
      expect(store.register('zpns')).toEqual(tokens);
      expect(store.requireApp('zpns').tokens).toEqual(tokens);
      const address = store.resolveToken(tokens.zego!)!;
      expect(address.kind).toBe('zego');
      expect(address.app.id).toBe('zpns');
      expect(address.device.id).toBe('phone');
      expect(store.resolveToken(tokens.apple!)!.kind).toBe('apple');
      expect(store.resolveToken('nobody')).toBeUndefined();
      expect(events.filter((e) => e === 'token.issued').length).toBeGreaterThanOrEqual(1);
    });

    test("leaves out a kind that is unavailable now, with the SDK's error, and issues it once it is available", () => {
      const { store } = registry();
      store.createDevice({ platform: 'android', id: 'huawei', conditions: { hasGoogleServices: false } });
      store.install(app('huawei', { id: 'a', sdkProfile: 'native-android' }));
      expect(store.register('a')).toEqual({});
      expect(store.requireApp('a').registrationErrors).toEqual({ google: 'SERVICE_NOT_AVAILABLE' });
      store.setConditions('huawei', { hasGoogleServices: true });
      const tokens = store.register('a');
      expect(tokens.google).toMatch(/^google-token-/);
      expect(store.requireApp('a').registrationErrors).toBeUndefined();
      expect(store.resolveToken(tokens.google!)!.app.id).toBe('a');
    });

    test("assigns a known token in place of the kind's old one, and refuses a token another app holds", () => {
      const { store } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.install(app('phone', { id: 'one' }));
      store.install(app('phone', { id: 'two', bundleId: 'com.example.two' }));
      const old = store.register('one').apple!;
      store.assignToken('one', 'apple', 'known');
      expect(store.requireApp('one').tokens!.apple).toBe('known');
      expect(store.resolveToken('known')!.app.id).toBe('one');
      expect(store.resolveToken(old)).toBeUndefined();
      expect(codeOf(() => store.assignToken('two', 'apple', 'known'))).toBe('TOKEN_IN_USE');
      store.assignToken('one', 'apple', 'known');
      expect(store.resolveToken('known')!.app.id).toBe('one');
    });

    test('uninstalls an app: its tokens stop resolving and are remembered as uninstalled, with the time', () => {
      const { store, clock, events } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.install(app('phone', { id: 'shop', environment: 'production' }));
      const token = store.register('shop').apple!;
      clock.now = 5_000;
      expect(store.uninstall('shop').id).toBe('shop');
      expect(store.app('shop')).toBeUndefined();
      expect(store.listApps('phone')).toEqual([]);
      expect(store.appCount).toBe(0);
      expect(store.resolveToken(token)).toBeUndefined();
      expect(store.uninstalledToken(token)).toEqual({
        kind: 'apple',
        appId: 'shop',
        bundleId: 'com.example.app',
        environment: 'production',
        uninstalledAt: 5_000,
      });
      expect(store.uninstalledToken('never')).toBeUndefined();
      expect(codeOf(() => store.uninstall('shop'))).toBe('APP_NOT_FOUND');
      expect(events.at(-1)).toBe('app.uninstalled');
      expect(codeOf(() => store.install(app('phone')))).toBeUndefined();
    });

    test('removes a device with the apps on it', () => {
      const { store, events } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.createDevice({ platform: 'ios', id: 'other' });
      store.install(app('phone', { id: 'a' }));
      store.install(app('phone', { id: 'b', bundleId: 'com.example.b' }));
      store.install(app('other', { id: 'c' }));
      const token = store.register('a').apple!;
      store.removeDevice('phone');
      expect(store.device('phone')).toBeUndefined();
      expect(store.listApps().map((a) => a.id)).toEqual(['c']);
      expect(store.uninstalledToken(token)?.appId).toBe('a');
      expect(events.slice(-3)).toEqual(['app.uninstalled', 'app.uninstalled', 'device.removed']);
      expect(codeOf(() => store.removeDevice('phone'))).toBe('DEVICE_NOT_FOUND');
    });

    test("records an app's lifecycle state and why it stopped, and forgets the reason once it runs again", () => {
      const { store } = registry();
      store.createDevice({ platform: 'ios', id: 'phone' });
      store.install(app('phone', { id: 'a' }));
      store.setLifecycle('a', 'notRunning', 'force-quit by the user');
      expect(store.requireApp('a')).toMatchObject({
        lifecycle: 'notRunning',
        stoppedBecause: 'force-quit by the user',
      });
      store.setLifecycle('a', 'foreground.active');
      expect(store.requireApp('a').lifecycle).toBe('foreground.active');
      expect(store.requireApp('a').stoppedBecause).toBeUndefined();
      expect(codeOf(() => store.setLifecycle('nowhere', 'notRunning'))).toBe('APP_NOT_FOUND');
    });

    test('forgets everything on clear and starts its generated ids again', () => {
      const { store } = registry();
      store.createDevice({ platform: 'ios' });
      store.install(app('dev-1'));
      const token = store.register('app-1').apple!;
      store.uninstall('app-1');
      store.clear();
      expect(store.listDevices()).toEqual([]);
      expect(store.listApps()).toEqual([]);
      expect(store.appCount).toBe(0);
      expect(store.uninstalledToken(token)).toBeUndefined();
      expect(store.createDevice({ platform: 'android' }).id).toBe('dev-1');
      expect(store.install(app('dev-1', { sdkProfile: 'native-android' })).id).toBe('app-1');
    });
  });
}
