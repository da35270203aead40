// Table-driven tests of decideDelivery: every rules-table row is reached by at least one test that names its source,
// and the outcomes the seed guide states hold.
import { describe, expect, test } from 'vitest';
import { decideDelivery, PLATFORM_RULES, SDK_RULES, type DeliveryInput } from '../../simulator/delivery/index.js';
import {
  defaultConditions,
  IOS_PUSH_KINDS,
  ANDROID_PUSH_KINDS,
  type DeviceConditions,
  type PushKind,
  type SdkProfile,
} from '../../simulator/core/index.js';

const IOS_STATES = ['active', 'inactive', 'background', 'suspended', 'notRunning', 'forceQuit'];
const ANDROID_STATES = ['foreground', 'background', 'killed', 'forceStopped'];

function conditionsFor(
  platform: 'ios' | 'android',
  when: Record<string, boolean | undefined> = {},
): { conditions: DeviceConditions; priority?: 'high' | 'normal' } {
  const conditions = defaultConditions(platform);
  let priority: 'high' | 'normal' | undefined;
  if (when.notificationsBlocked) conditions.notificationPermission = 'denied';
  if (when.backgroundRefreshOff) conditions.backgroundAppRefresh = false;
  if (when.dozeHoldsNormalPriority) {
    conditions.doze = true;
    priority = 'normal';
  }
  if (when.noGoogleServices) conditions.hasGoogleServices = false;
  if (when.highPriority === true) priority = 'high';
  if (when.highPriority === false) priority = 'normal';
  return priority ? { conditions, priority } : { conditions };
}

function input(
  platform: 'ios' | 'android',
  kind: PushKind,
  state: string,
  extra: Partial<DeliveryInput> = {},
): DeliveryInput {
  return {
    platform,
    kind,
    state,
    priority: 'high',
    conditions: defaultConditions(platform),
    sdkProfile: platform === 'ios' ? 'native-ios' : 'native-android',
    sdkVersion: platform === 'ios' ? '18.0' : '24.1.0',
    ...extra,
  };
}

describe('every platform rule is reachable', () => {
  test.each(PLATFORM_RULES.map((rule) => [rule.id, rule.source.join('; '), rule] as const))(
    '%s (source: %s)',
    (_id, _source, rule) => {
      const { conditions, priority } = conditionsFor(rule.platform, rule.when);
      const outcome = decideDelivery(
        input(rule.platform, rule.kinds[0]!, rule.states[0]!, { conditions, ...(priority ? { priority } : {}) }),
      );
      expect(outcome.ruleIds[0]).toBe(rule.id);
      expect(outcome.fate).toBe(rule.outcome.fate);
    },
  );
});

describe('every SDK rule is reachable', () => {
  test.each(SDK_RULES.map((rule) => [rule.id, rule.source.join('; '), rule] as const))(
    '%s (source: %s)',
    (_id, _source, rule) => {
      const kinds = rule.kinds ?? (rule.platform === 'ios' ? IOS_PUSH_KINDS : ANDROID_PUSH_KINDS);
      const states = rule.states ?? (rule.platform === 'ios' ? IOS_STATES : ANDROID_STATES);
      const sdkVersion = rule.when?.silentPushUnsupported ? '2.2.0' : rule.profile === 'zpns-rn' ? '2.8.3' : '26.4.0';
      const fidelity = rule.when?.documentedVariant ? { zpnsDocumentedAndroidBackground: true } : {};
      const found = kinds.some((kind) =>
        states.some((state) =>
          ['high', 'normal'].some((priority) =>
            decideDelivery(
              input(rule.platform, kind, state, {
                sdkProfile: rule.profile,
                sdkVersion,
                fidelity,
                priority: priority as 'high' | 'normal',
              }),
            ).ruleIds.includes(rule.id),
          ),
        ),
      );
      expect(found).toBe(true);
    },
  );
});

// The seed guide's statements and docs/reference/ios.md#callbacks-by-app-state / docs/reference/zpns.md#ios-callbacks,
// as the foundation issue lists them.
describe('a silent push to a zpns-rn app', () => {
  const zpns = (platform: 'ios' | 'android', state: string, extra: Partial<DeliveryInput> = {}) =>
    decideDelivery(
      input(platform, platform === 'ios' ? 'background' : 'data', state, {
        sdkProfile: 'zpns-rn' as SdkProfile,
        sdkVersion: '2.8.3',
        priority: 'normal',
        ...extra,
      }),
    );

  test.each(['active', 'background', 'suspended'])(
    'fires throughMessageReceived on iOS when the app is %s',
    (state) => {
      const outcome = zpns('ios', state);
      expect(outcome.fate).toBe('delivered');
      expect(outcome.callbacks).toEqual(['throughMessageReceived']);
      expect(outcome.display).toBe(false);
    },
  );

  test('wakes a suspended iOS app in the background', () => {
    expect(zpns('ios', 'suspended').wake).toBe('background');
  });

  test.each([
    ['notRunning', /not running/],
    ['forceQuit', /force-quit/],
  ])('fires no callback on iOS when the app is %s and says why', (state, reason) => {
    const outcome = zpns('ios', state);
    expect(outcome.fate).toBe('dropped');
    expect(outcome.callbacks).toEqual([]);
    expect(outcome.reason).toMatch(reason);
  });

  test('fires throughMessageReceived on Android in the foreground', () => {
    expect(zpns('android', 'foreground').callbacks).toEqual(['throughMessageReceived']);
  });

  test.each(['background', 'killed'])(
    'runs the background handler on Android when the app is %s (SDK 2.8.3 code)',
    (state) => {
      expect(zpns('android', state).callbacks).toEqual(['setBackgroundMessageHandler']);
    },
  );

  test('fires throughMessageReceived for a backgrounded Android app with the documented-behaviour switch', () => {
    expect(zpns('android', 'background', { fidelity: { zpnsDocumentedAndroidBackground: true } }).callbacks).toEqual([
      'throughMessageReceived',
    ]);
  });

  test('counts a locked screen as background on Android', () => {
    const conditions = { ...defaultConditions('android'), screenLocked: true };
    expect(zpns('android', 'foreground', { conditions }).callbacks).toEqual(['setBackgroundMessageHandler']);
  });

  test('is dropped for a force-stopped Android app', () => {
    const outcome = zpns('android', 'forceStopped');
    expect(outcome.fate).toBe('dropped');
    expect(outcome.reason).toMatch(/force-stopped/);
  });

  test('gets nothing on an Android phone without Google services', () => {
    const conditions = { ...defaultConditions('android'), hasGoogleServices: false };
    expect(zpns('android', 'foreground', { conditions }).reason).toMatch(/Google Play services/);
  });

  test('needs ZPNs 2.3.3 or later', () => {
    const outcome = zpns('ios', 'active', { sdkVersion: '2.2.0' });
    expect(outcome.fate).toBe('dropped');
    expect(outcome.reason).toMatch(/2\.3\.3/);
  });
});

describe('iOS alerts', () => {
  test('show a banner for a suspended app with no app callback', () => {
    const outcome = decideDelivery(input('ios', 'alert', 'suspended'));
    expect(outcome).toMatchObject({ fate: 'displayed', display: true, callbacks: [] });
  });

  test('go to willPresent in the foreground', () => {
    expect(decideDelivery(input('ios', 'alert', 'active')).callbacks).toEqual([
      'userNotificationCenter:willPresentNotification:withCompletionHandler:',
    ]);
  });

  test('with content-available, show and wake a suspended app', () => {
    const outcome = decideDelivery(input('ios', 'alert+background', 'suspended'));
    expect(outcome).toMatchObject({ fate: 'delivered', display: true, wake: 'background' });
  });

  test('with content-available and notifications denied, wake the app without showing anything', () => {
    const conditions = { ...defaultConditions('ios'), notificationPermission: 'denied' as const };
    const outcome = decideDelivery(input('ios', 'alert+background', 'suspended', { conditions }));
    expect(outcome).toMatchObject({ fate: 'delivered', display: false, wake: 'background' });
  });
});

describe('RN Firebase on Android', () => {
  const rnfb = (kind: PushKind, state: string, priority: 'high' | 'normal' = 'high') =>
    decideDelivery(input('android', kind, state, { sdkProfile: 'rn-firebase', sdkVersion: '26.4.0', priority }));

  test('calls onMessage in the foreground', () => {
    expect(rnfb('data', 'foreground').callbacks).toEqual(['onMessage']);
  });
  test('runs the background handler for a high-priority data message to a killed app', () => {
    expect(rnfb('data', 'killed')).toMatchObject({ callbacks: ['setBackgroundMessageHandler'], wake: 'headless' });
  });
  test('drops a normal-priority data message in the background', () => {
    expect(rnfb('data', 'background', 'normal').fate).toBe('dropped');
  });
  test('shows a notification message in the tray and runs the background handler', () => {
    expect(rnfb('notification', 'background')).toMatchObject({
      fate: 'delivered',
      display: true,
      callbacks: ['setBackgroundMessageHandler'],
    });
  });
});

test('a push kind of the other platform is dropped with the kinds that exist', () => {
  expect(decideDelivery(input('android', 'background', 'foreground')).reason).toMatch(/notification, data/);
});
