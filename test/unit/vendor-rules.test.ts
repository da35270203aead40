// The vendor-channel rows of the decide stage and the vendors' daily quotas, table-driven: each case names the row
// and the source it rests on (docs/reference/vendors.md, docs/reference/zpns.md#callback-support-by-vendor).
import { describe, expect, test } from 'vitest';
import { VENDOR_RULES, isQuotaExempt, matchVendorRule, vendorQuotaRule } from '../../simulator/delivery/index.js';

const row = (id: string) => VENDOR_RULES.find((r) => r.id === id)!;

describe('which row decides a ZPNs push on a vendor channel', () => {
  test.each([
    [
      'xiaomi',
      'notification',
      'foreground',
      'vendor.notification.xiaomi-arrived',
      'docs/reference/zpns.md#callback-support-by-vendor',
    ],
    [
      'xiaomi',
      'notification',
      'background',
      'vendor.notification.xiaomi-arrived',
      'docs/reference/zpns.md#callback-support-by-vendor',
    ],
    ['xiaomi', 'notification', 'killed', 'vendor.notification.tray', 'docs/reference/vendors.md#system-level-channels'],
    [
      'oppo',
      'notification',
      'foreground',
      'vendor.notification.tray',
      'docs/reference/vendors.md#system-level-channels',
    ],
    ['vivo', 'notification', 'killed', 'vendor.notification.tray', 'docs/reference/vendors.md#system-level-channels'],
    [
      'hms',
      'notification',
      'background',
      'vendor.notification.tray',
      'docs/reference/vendors.md#system-level-channels',
    ],
    [
      'oppo',
      'notification',
      'forceStopped',
      'vendor.notification.force-stopped',
      'docs/reference/vendors.md#system-level-channels',
    ],
    [
      'hms',
      'data',
      'foreground',
      'vendor.through.huawei.foreground',
      'docs/reference/zpns.md#callback-support-by-vendor',
    ],
    ['hms', 'data', 'killed', 'vendor.through.huawei.background', 'docs/reference/zpns.md#android-vendor-channels'],
    ['xiaomi', 'data', 'foreground', 'vendor.through.unsupported', 'docs/reference/vendors.md#pass-through-messages'],
    ['oppo', 'data', 'background', 'vendor.through.unsupported', 'docs/reference/vendors.md#pass-through-messages'],
    ['vivo', 'data', 'killed', 'vendor.through.unsupported', 'docs/reference/vendors.md#pass-through-messages'],
  ] as const)('%s %s push, app %s → %s (%s)', (channel, kind, state, id, source) => {
    const rule = matchVendorRule(channel, kind, state, 'zpns-rn', 'high');
    expect(rule?.id).toBe(id);
    expect(rule!.source.join(' ')).toContain(source);
  });

  test('the quota rows never decide a push on their own', () => {
    for (const channel of ['hms', 'xiaomi', 'oppo', 'vivo'] as const)
      expect(matchVendorRule(channel, 'notification', 'killed', 'zpns-rn', 'high')?.quota).toBeUndefined();
  });
});

describe("the vendors' daily limits for messages outside the IM class (docs/reference/vendors.md#daily-limits-for-non-im-messages)", () => {
  test.each([
    ['xiaomi', 'vendor.quota.xiaomi-default-channel', 1],
    ['oppo', 'vendor.quota.oppo-public', 2],
    ['vivo', 'vendor.quota.vivo-operation', 2],
    ['hms', 'vendor.quota.huawei-marketing', 2],
  ] as const)('%s: %s, %i a day per app and device', (channel, id, perDay) => {
    const rule = vendorQuotaRule(channel)!;
    expect(rule.id).toBe(id);
    expect(rule.quota.perDevicePerDay).toBe(perDay);
    expect(rule.source).toContain('docs/reference/vendors.md#daily-limits-for-non-im-messages');
  });

  test.each([
    ['oppo', { category: 'IM' }, true],
    ['oppo', { category: 'im' }, true],
    ['oppo', { category: 'MARKETING' }, false],
    ['oppo', undefined, false],
    ['vivo', { category: 'IM' }, true],
    ['hms', { category: 'VOIP' }, true],
    ['hms', {}, false],
    ['xiaomi', { channelId: 'chat-private' }, true],
    ['xiaomi', {}, false],
  ] as const)('%s with %j is exempt: %s', (channel, strategy, exempt) => {
    expect(isQuotaExempt(vendorQuotaRule(channel)!.quota, strategy)).toBe(exempt);
  });

  test('every vendor row names a source', () => {
    for (const rule of VENDOR_RULES) expect(rule.source.length, rule.id).toBeGreaterThan(0);
    expect(row('vendor.notification.force-stopped').unconfirmed).toBe(true);
  });
});
