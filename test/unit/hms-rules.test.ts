// The hms rows of the decide stage (simulator/delivery/vendor-rules.ts) for an app on the HMS Push SDK, table-driven:
// each row's case and its source; the ZPNs rows stay in charge of zpns-rn apps on the same channel.
import { describe, expect, test } from 'vitest';
import { decideDelivery, ruleRows } from '../../simulator/delivery/index.js';
import { defaultConditions, type PushKind, type PushPriority } from '../../simulator/core/index.js';

const conditions = { ...defaultConditions('android'), hasGoogleServices: false };
const decide = (
  kind: PushKind,
  state: string,
  priority: PushPriority = 'normal',
  sdkProfile: 'native-android' | 'zpns-rn' = 'native-android',
) =>
  decideDelivery({
    platform: 'android',
    channel: 'hms',
    kind,
    state,
    priority,
    conditions,
    sdkProfile,
    sdkVersion: '2.8.3',
  });
const sourceOf = (id: string): string =>
  ruleRows()
    .find((r) => r.id === id)!
    .source.join('; ');

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
    const blocked = decideDelivery({
      platform: 'android',
      channel: 'hms',
      kind: 'notification',
      state: 'background',
      priority: 'normal',
      conditions: { ...conditions, notificationPermission: 'denied' },
      sdkProfile: 'native-android',
      sdkVersion: '1',
    });
    expect(blocked).toMatchObject({
      fate: 'dropped',
      ruleIds: ['hms.notification.tray', 'decide.notifications-blocked'],
    });
  });
});
