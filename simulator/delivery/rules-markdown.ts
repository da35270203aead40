// Renders a composed rules table as Markdown: docs/delivery-rules.md is the built-in services' (regenerate with
// `npm run docs:rules`).
import { PLATFORM_RULES } from './platform-rules.js';
import { SDK_RULES } from './sdk-rules.js';
import type { RulesTable } from './rules-table.js';
import { STAGES } from './stages.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const conditions = (when: Record<string, boolean | undefined> | undefined): string =>
  when
    ? Object.entries(when)
        .map(([name, value]) => (value ? name : `not ${name}`))
        .join(', ')
    : '';
const flags = (row: { unconfirmed?: boolean; origin?: string }): string =>
  `${row.unconfirmed ? ' *(unconfirmed)*' : ''}${row.origin === 'simulator' ? " *(pushsim's own machinery)*" : ''}`;

export function renderRulesMarkdown(table: RulesTable): string {
  const { rows } = table;
  const lines: string[] = [
    '# Delivery rules',
    '',
    "<!-- Generated from the rules table of the built-in services (simulator/delivery: pipeline-rules.ts, decide-delivery.ts, platform-rules.ts, vendor-rules.ts, sdk-rules.ts; each service module's `rules`) by `npm run docs:rules`; a test fails when this file is stale. -->",
    '',
    'Every push goes through the same pipeline of stages, and every stage that decides a fate does it by a row of this',
    'table. Each fate in the ledger carries the ids of the rows that decided it (`fate.ruleIds`), in the order the',
    "stages applied them. Rows match on the **channel** the push arrives on (APNs, FCM, a phone maker's channel, ZIM",
    'in-app). In the `decide` stage the **platform rules** (or, on a vendor channel, the **vendor rules**) say what iOS',
    "or Android does with the push, and the **SDK rules** say which of the app's own callbacks that becomes for its SDK",
    'profile; in each table the first matching row wins. The same table is served at `GET /api/rules`.',
    '',
    `${rows.length} rows in ${STAGES.length} stages.`,
    '',
  ];
  for (const stage of STAGES) {
    const own = rows.filter((row) => row.stage === stage.name && row.kind === 'pipeline');
    lines.push(`## Stage \`${stage.name}\``, '', stage.job, '');
    if (own.length) {
      lines.push('| id | channels | condition | outcome | source |', '|---|---|---|---|---|');
      for (const row of own)
        lines.push(
          `| \`${row.id}\` | ${row.channels?.join(', ') ?? 'any'} | ${cell(row.condition)}${flags(row)} | ${cell(row.outcome)} | ${cell(row.source.join('; '))} |`,
        );
      lines.push('');
    } else if (stage.name !== 'decide') {
      lines.push("No row of its own: it changes the app's state, not the push's fate.", '');
    }
    if (stage.name !== 'decide') continue;
    lines.push(
      '### Platform rules',
      '',
      'On APNs (iOS) and FCM (Android).',
      '',
      '| id | platform | channels | push kinds | app states | when | outcome | summary | source |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const rule of PLATFORM_RULES) {
      const o = rule.outcome;
      const outcome = [
        o.fate,
        o.callbacks?.join(' + '),
        o.display ? 'shown' : undefined,
        o.wake ? `wake: ${o.wake}` : undefined,
        o.reason ? `reason: ${o.reason}` : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(
        `| \`${rule.id}\` | ${rule.platform} | ${rule.channels.join(', ')} | ${rule.kinds.join(', ')} | ${rule.states.join(', ')} | ${conditions(rule.when)} | ${cell(outcome)} | ${cell(rule.summary)}${rule.unconfirmed ? ' *(unconfirmed)*' : ''} | ${cell(rule.source.join('; '))} |`,
      );
    }
    lines.push(
      '',
      '### Vendor rules',
      '',
      "A channel other than APNs and FCM: ZPNs on an Android phone without Google services, through the maker's channel (the outcome names the ZPNs event), and a service's own rows for apps on its SDK, matched first.",
      '',
      '| id | channels | SDK profiles | priorities | push kinds | app states | outcome | summary | source |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const rule of table.vendor) {
      const o = rule.outcome;
      const outcome = [
        o.fate,
        o.callbacks.join(' + ') || undefined,
        o.display ? 'shown' : undefined,
        o.wake ? `wake: ${o.wake}` : undefined,
        o.reason ? `reason: ${o.reason}` : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(
        `| \`${rule.id}\` | ${rule.channels.join(', ')} | ${rule.profiles?.join(', ') ?? 'any'} | ${rule.priorities?.join(', ') ?? 'any'} | ${rule.kinds.join(', ')} | ${rule.states.join(', ')} | ${cell(outcome)} | ${cell(rule.summary)}${rule.unconfirmed ? ' *(unconfirmed)*' : ''} | ${cell(rule.source.join('; '))} |`,
      );
    }
    lines.push(
      '',
      '### SDK rules',
      '',
      'With no matching row the platform callback itself runs (the `native-ios` and `native-android` profiles).',
      '',
      '| id | profile | platform | channels | on | push kinds | app states | when | result | summary | source |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const rule of SDK_RULES) {
      const r = rule.result;
      const result = [
        r.callback ?? 'no callback',
        r.fate,
        r.wake ? `wake: ${r.wake}` : undefined,
        r.reason ? `reason: ${r.reason}` : undefined,
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(
        `| \`${rule.id}\` | ${rule.profile} | ${rule.platform} | ${rule.channels.join(', ')} | ${cell(rule.on)} | ${rule.kinds?.join(', ') ?? 'any'} | ${rule.states?.join(', ') ?? 'any'} | ${conditions(rule.when)} | ${cell(result)} | ${cell(rule.summary)}${rule.variant ? ' *(documented variant, off by default)*' : ''} | ${cell(rule.source.join('; '))} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
