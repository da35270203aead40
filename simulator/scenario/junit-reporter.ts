// JUnit XML for CI: one <testsuite> per scenario file, one <testcase> per run, <failure> with expected vs actual and
// the ledger of the run's pushes.
import { hostname } from 'node:os';
import type { CaseResult } from './scenario-executor.js';
import { ledgerLines } from './ledger-lines.js';

const escapeXml = (text: string): string =>
  text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

export function renderJunit(results: CaseResult[], startedAt: Date): string {
  const byFile = new Map<string, CaseResult[]>();
  for (const result of results) byFile.set(result.file, [...(byFile.get(result.file) ?? []), result]);
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pushsim" tests="${results.length}" failures="${results.filter((r) => r.status === 'failed').length}" errors="${results.filter((r) => r.status === 'error').length}" time="${seconds(total)}">`,
  ];
  let id = 0;
  for (const [file, cases] of byFile) {
    const time = cases.reduce((sum, r) => sum + r.durationMs, 0);
    lines.push(
      `  <testsuite name="${escapeXml(file)}" id="${id++}" package="pushsim" hostname="${escapeXml(hostname())}" timestamp="${startedAt.toISOString().slice(0, 19)}" tests="${cases.length}" failures="${cases.filter((r) => r.status === 'failed').length}" errors="${cases.filter((r) => r.status === 'error').length}" time="${seconds(time)}">`,
    );
    lines.push('    <properties/>');
    for (const result of cases) {
      lines.push(
        `    <testcase name="${escapeXml(result.name)}" classname="${escapeXml(file)}" time="${seconds(result.durationMs)}">`,
      );
      if (result.status !== 'passed') {
        const tag = result.status === 'error' ? 'error' : 'failure';
        const first = result.failures[0];
        const message = first ? `step ${first.step} (${first.kind}, line ${first.line}): ${first.message}` : 'failed';
        const details = [
          ...result.failures.map((f) => `step ${f.step} (${f.kind}, line ${f.line}): ${f.message}`),
          '',
          'ledger:',
          ...ledgerLines(result.ledger),
          ...(result.output.length ? ['', 'app output:', ...result.output] : []),
        ].join('\n');
        lines.push(
          `      <${tag} message="${escapeXml(message)}" type="${tag === 'error' ? 'ScenarioError' : 'ExpectationFailed'}">${escapeXml(details)}</${tag}>`,
        );
      }
      lines.push('    </testcase>');
    }
    lines.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
