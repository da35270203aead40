// Every kind × state row of the rules table, tried over everything it claims and just outside it. Each row's test
// passes conditions that satisfy its `when` to decideDelivery and expects the row's id, or, where an earlier row of the
// same table claims the same case first, that earlier row, named. Then the nearest cases it must not match: each `when`
// condition flipped, and every kind, state and channel just outside the row.
// The rows are read by their common fields (id, platform, channels, kinds, states, when, outcome, source), so the test
// follows the table as rows are added; a `when` condition this file cannot set fails with a message saying so.
import { describe, expect, test } from 'vitest';
import {
  decideDelivery,
  rulesTable,
  DELIVERY_CONDITIONS,
  type DeliveryInput,
  type DeliverySituation,
} from '../../simulator/delivery/index.js';
import {
  defaultConditions,
  IOS_PUSH_KINDS,
  ANDROID_PUSH_KINDS,
  CHANNELS,
  type Channel,
  type DeviceConditions,
  type PushKind,
  type PushPriority,
} from '../../simulator/core/index.js';
import { lifecycleStates } from '../../simulator/lifecycle/index.js';
import { SERVICES, rulesTableOf } from '../../simulator/providers/index.js';

/** The built-in services' table: the core's rows and each module's, as startSimulator() composes it. */
const TABLE = rulesTableOf(SERVICES);

type Platform = 'ios' | 'android';
/** The columns a kind × state row shares, whichever table it sits in. */
interface Row {
  id: string;
  platform?: Platform;
  channels?: readonly Channel[];
  channel?: Channel;
  kinds: readonly PushKind[];
  states: readonly string[];
  when?: Partial<Record<string, boolean>>;
  outcome: { fate: string; display?: boolean; wake?: string };
  source: readonly string[];
}
interface Case {
  kind: PushKind;
  state: string;
  channel: Channel | undefined;
}
interface Setting {
  conditions: DeviceConditions;
  priority: PushPriority;
}

const KINDS: Record<Platform, readonly PushKind[]> = { ios: IOS_PUSH_KINDS, android: ANDROID_PUSH_KINDS };
const STATES: Record<Platform, string[]> = {
  ios: lifecycleStates('ios').filter((s) => !s.includes('.')),
  android: lifecycleStates('android').filter((s) => !s.includes('.')),
};
const PROFILE = { ios: 'native-ios', android: 'native-android' } as const;
const VERSION = { ios: '18.0', android: '24.1.0' } as const;

/** The tables of kind × state rows in rulesTable(), each in its first-match order. */
const isRow = (value: unknown): value is Row =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as Row).kinds) &&
  Array.isArray((value as Row).states);
const TABLES: [string, Row[]][] = Object.entries(rulesTable(TABLE) as Record<string, unknown>).filter(
  (entry): entry is [string, Row[]] => Array.isArray(entry[1]) && entry[1].length > 0 && entry[1].every(isRow),
);

/** A row without a platform column (a vendor channel's) belongs to the platform whose push kinds it speaks of. */
const platformOf = (row: Row): Platform =>
  row.platform ?? (row.kinds.every((k) => IOS_PUSH_KINDS.includes(k)) ? 'ios' : 'android');
const channelsOf = (row: Row): (Channel | undefined)[] =>
  row.channels ? [...row.channels] : row.channel ? [row.channel] : [undefined];

// Every combination of the device knobs the conditions read, fewest changes from the defaults first.
function settings(platform: Platform): Setting[] {
  const knobs: ((s: Setting) => void)[] = [
    (s) => {
      s.conditions.notificationPermission = 'denied';
    },
    (s) => {
      s.conditions.backgroundAppRefresh = false;
    },
    (s) => {
      s.conditions.lowPowerMode = true;
    },
    (s) => {
      s.conditions.doze = true;
    },
    (s) => {
      s.conditions.hasGoogleServices = !s.conditions.hasGoogleServices;
    },
    (s) => {
      s.priority = s.priority === 'high' ? 'normal' : 'high';
    },
  ];
  const all: Setting[] = [];
  for (let mask = 0; mask < 1 << knobs.length; mask++) {
    const setting: Setting = { conditions: defaultConditions(platform), priority: 'high' };
    knobs.forEach((knob, i) => {
      if (mask & (1 << i)) knob(setting);
    });
    all.push(setting);
  }
  const changes = (mask: number): number => mask.toString(2).split('1').length - 1;
  return all
    .map((s, mask) => ({ s, n: changes(mask) }))
    .sort((a, b) => a.n - b.n)
    .map(({ s }) => s);
}

function conditionHolds(name: string, platform: Platform, c: Case, setting: Setting): boolean {
  const condition = (DELIVERY_CONDITIONS as Record<string, (s: DeliverySituation) => boolean>)[name];
  if (!condition)
    throw new Error(
      `"${name}" is not a delivery condition this test knows how to set; add a knob for it in settings()`,
    );
  return condition({
    platform,
    kind: c.kind,
    priority: setting.priority,
    state: c.state,
    conditions: setting.conditions,
  });
}
const whenHolds = (when: Row['when'], platform: Platform, c: Case, setting: Setting): boolean =>
  Object.entries(when ?? {}).every(([name, expected]) => conditionHolds(name, platform, c, setting) === expected);

const claims = (row: Row, platform: Platform, c: Case): boolean =>
  platformOf(row) === platform &&
  row.kinds.includes(c.kind) &&
  row.states.includes(c.state) &&
  channelsOf(row).includes(c.channel);

const decide = (platform: Platform, c: Case, setting: Setting) =>
  decideDelivery(
    {
      platform,
      kind: c.kind,
      state: c.state,
      priority: setting.priority,
      conditions: setting.conditions,
      sdkProfile: PROFILE[platform],
      sdkVersion: VERSION[platform],
      ...(c.channel ? { channel: c.channel } : {}),
    } as DeliveryInput,
    TABLE,
  );

const article = (word: string): string => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);
const label = (c: Case): string => `${c.kind} × ${c.state}${c.channel ? ` on ${c.channel}` : ''}`;

for (const [table, rows] of TABLES) {
  describe(`rules table: ${table}`, () => {
    rows.forEach((row, index) => {
      const platform = platformOf(row);
      const earlier = rows.slice(0, index);
      const all = settings(platform);
      // A setting that satisfies the row's `when` and, where one exists, lets no earlier row claim the case.
      const settingFor = (c: Case): { setting: Setting; shadow?: Row } => {
        const fitting = all.filter((s) => whenHolds(row.when, platform, c, s));
        if (!fitting.length)
          throw new Error(`no device setting satisfies ${row.id}'s when ${JSON.stringify(row.when)}`);
        const shadowOf = (s: Setting) =>
          earlier.find((r) => claims(r, platform, c) && whenHolds(r.when, platform, c, s));
        const clear = fitting.find((s) => !shadowOf(s));
        return clear ? { setting: clear } : { setting: fitting[0]!, shadow: shadowOf(fitting[0]!)! };
      };
      const cases: Case[] = row.kinds.flatMap((kind) =>
        row.states.flatMap((state) => channelsOf(row).map((channel) => ({ kind, state, channel }))),
      );
      const shadowed = cases.map((c) => ({ c, shadow: settingFor(c).shadow })).filter((s) => s.shadow);
      const source = row.source.join('; ');
      const shadowNote = shadowed.length
        ? `; shadowed by earlier ${shadowed.map((s) => `${s.shadow!.id} for ${label(s.c)}`).join(', ')}`
        : '';

      test(`${row.id} (source: ${source}) decides every kind × state it claims${shadowNote}`, () => {
        for (const c of cases) {
          const { setting, shadow } = settingFor(c);
          const outcome = decide(platform, c, setting);
          if (shadow) {
            expect(
              rows.indexOf(shadow),
              `${shadow.id} shadows ${row.id} for ${label(c)}, so it must come first`,
            ).toBeLessThan(index);
            expect(outcome.ruleIds[0], label(c)).toBe(shadow.id);
            continue;
          }
          expect(outcome.ruleIds[0], label(c)).toBe(row.id);
          // Where no later row (SDK, permission) adjusted it, the outcome is the row's.
          if (outcome.ruleIds.length === 1) {
            expect(outcome.fate, label(c)).toBe(row.outcome.fate);
            expect(outcome.display, label(c)).toBe(Boolean(row.outcome.display));
            expect(outcome.wake, label(c)).toBe(row.outcome.wake);
          }
        }
      });

      // The nearest cases outside the row: one `when` condition flipped, one kind, state or channel changed.
      const first: Case = cases[0]!;
      const misses: { what: string; c: Case; setting: () => Setting }[] = [];
      for (const [name, expected] of Object.entries(row.when ?? {})) {
        misses.push({
          what: `${name} ${expected ? 'not holding' : 'holding'}`,
          c: first,
          setting: () => {
            const flipped = all.find(
              (s) =>
                conditionHolds(name, platform, first, s) !== expected &&
                Object.entries(row.when!).every(
                  ([other, value]) => other === name || conditionHolds(other, platform, first, s) === value,
                ),
            );
            if (!flipped) throw new Error(`no device setting flips ${name} alone for ${row.id}`);
            return flipped;
          },
        });
      }
      const matching = () => settingFor(first).setting;
      for (const kind of KINDS[platform].filter((k) => !row.kinds.includes(k)))
        misses.push({ what: `${article(kind)} push`, c: { ...first, kind }, setting: matching });
      for (const state of STATES[platform].filter((s) => !row.states.includes(s)))
        misses.push({ what: `an app in ${state}`, c: { ...first, state }, setting: matching });
      if (first.channel) {
        for (const channel of CHANNELS.filter((ch) => !channelsOf(row).includes(ch)))
          misses.push({ what: `a push on ${channel}`, c: { ...first, channel }, setting: matching });
      }

      if (misses.length === 0) {
        test(`${row.id} (source: ${source}) claims every ${platform} case unconditionally, so no later ${platform} row follows it`, () => {
          expect(
            rows
              .slice(index + 1)
              .filter((r) => platformOf(r) === platform)
              .map((r) => r.id),
          ).toEqual([]);
        });
        return;
      }
      test(`${row.id} (source: ${source}) does not match ${misses.map((m) => m.what).join(', ')}`, () => {
        for (const miss of misses) {
          const outcome = decide(platform, miss.c, miss.setting());
          expect(outcome.ruleIds, `${miss.what} (${label(miss.c)})`).not.toContain(row.id);
        }
      });
    });
  });
}

test('the table has kind × state rows for both platforms', () => {
  const platforms = new Set(TABLES.flatMap(([, rows]) => rows.map(platformOf)));
  expect([...platforms].sort()).toEqual(['android', 'ios']);
});
