// Renders the delivery rules table as Markdown for docs/delivery-rules.md (regenerate with `npm run docs:rules`).
import { PLATFORM_RULES } from './platform-rules.js';
import { SDK_RULES } from './sdk-rules.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const conditions = (when: Record<string, boolean | undefined> | undefined): string =>
  when ? Object.entries(when).map(([name, value]) => (value ? name : `not ${name}`)).join(', ') : '';

export function renderRulesMarkdown(): string {
  const lines: string[] = [
    '# Delivery rules',
    '',
    '<!-- Generated from simulator/delivery/platform-rules.ts and sdk-rules.ts by `npm run docs:rules`; a test fails when this file is stale. -->',
    '',
    'pushsim decides what happens to a push in two steps. The **platform rules** say what iOS or Android does with it',
    '(which system callback runs, whether a banner or tray notification shows, whether the app is woken, or why nothing',
    'happens). The **SDK rules** then say which of the app\'s own callbacks that becomes for its SDK profile. In each',
    'table the first matching row wins. The same table is served at `GET /api/rules`.',
    '',
    '## Platform rules',
    '',
    '| id | platform | push kinds | app states | when | outcome | summary | source |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const rule of PLATFORM_RULES) {
    const o = rule.outcome;
    const outcome = [o.fate, o.callbacks?.join(' + '), o.display ? 'shown' : undefined, o.wake ? `wake: ${o.wake}` : undefined, o.reason ? `reason: ${o.reason}` : undefined]
      .filter(Boolean).join('; ');
    lines.push(`| \`${rule.id}\` | ${rule.platform} | ${rule.kinds.join(', ')} | ${rule.states.join(', ')} | ${conditions(rule.when)} | ${cell(outcome)} | ${cell(rule.summary)}${rule.unconfirmed ? ' *(unconfirmed)*' : ''} | ${cell(rule.source.join('; '))} |`);
  }
  lines.push('', '## SDK rules', '', 'With no matching row the platform callback itself runs (the `native-ios` and `native-android` profiles).', '',
    '| id | profile | platform | on | push kinds | app states | when | result | summary | source |',
    '|---|---|---|---|---|---|---|---|---|---|');
  for (const rule of SDK_RULES) {
    const r = rule.result;
    const result = [r.callback ?? 'no callback', r.fate, r.wake ? `wake: ${r.wake}` : undefined, r.reason ? `reason: ${r.reason}` : undefined].filter(Boolean).join('; ');
    lines.push(`| \`${rule.id}\` | ${rule.profile} | ${rule.platform} | ${cell(rule.on)} | ${rule.kinds?.join(', ') ?? 'any'} | ${rule.states?.join(', ') ?? 'any'} | ${conditions(rule.when)} | ${cell(result)} | ${cell(rule.summary)}${rule.variant ? ' *(documented variant, off by default)*' : ''} | ${cell(rule.source.join('; '))} |`);
  }
  lines.push('');
  return lines.join('\n');
}
