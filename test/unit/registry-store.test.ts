// The in-memory registry store against the Registry contract (test/support/registry-store-contract.ts); a later store
// adds one line like this one.
import { expect, test } from 'vitest';
import { EventBus, createInMemoryRegistry, type SimulatorEvents } from '../../simulator/core/index.js';
import { describeRegistryStore } from '../support/registry-store-contract.js';

describeRegistryStore('in-memory registry', createInMemoryRegistry);

test('the in-memory store keeps rarely set app fields off the record and reads them back as set', () => {
  const registry = createInMemoryRegistry({ bus: new EventBus<SimulatorEvents>(), now: () => 5 });
  const device = registry.createDevice({ platform: 'android' });
  const plain = registry.install({
    deviceId: device.id,
    bundleId: 'a',
    sdkProfile: 'native-android',
    initialLifecycle: 'x',
  });
  const rich = registry.install({
    deviceId: device.id,
    bundleId: 'b',
    sdkProfile: 'native-android',
    initialLifecycle: 'x',
    fcmProject: 'p',
    suspendAfterMs: 10,
    handlerTimeMs: -1,
    fidelity: { zpnsPayloadInAps: true },
  });
  expect(registry.requireApp(plain.id)).toMatchObject({ fcmProject: undefined, suspendAfterMs: undefined });
  expect(registry.requireApp(rich.id)).toMatchObject({
    fcmProject: 'p',
    suspendAfterMs: 10,
    handlerTimeMs: -1,
    fidelity: { zpnsPayloadInAps: true },
  });
  registry.setLifecycle(plain.id, 'y', 'forceQuit');
  expect(registry.requireApp(plain.id).stoppedBecause).toBe('forceQuit');
  registry.setLifecycle(plain.id, 'z');
  expect(registry.requireApp(plain.id).stoppedBecause).toBeUndefined();
  expect('fcmProject' in registry.requireApp(plain.id)).toBe(true);
});
