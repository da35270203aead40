// Writes a recorded scenario as a YAML scenario file, in the library's style (scenarios/): one flow mapping per
// device, app and step; what could not be a step as a comment where it happened.
import { createRequire } from 'node:module';
import type { Node } from 'yaml';
import type { RecordedScenario } from './recorded-step.js';

/** yaml, loaded when a scenario is first written rather than when `serve` starts (issue 14: start-up). */
let yaml: typeof import('yaml') | undefined;

/** The YAML text of a recorded scenario; `pushsim run` takes it as it is. */
export function writeScenario(recorded: RecordedScenario): string {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const { Document, isMap, isSeq } = yaml;
  const steps: Record<string, unknown>[] = [];
  const commentsBefore: string[][] = [];
  let pending: string[] = [];
  for (const item of recorded.items) {
    if ('comment' in item) {
      pending.push(item.comment);
      continue;
    }
    steps.push(item.step);
    commentsBefore.push(pending);
    pending = [];
  }
  // A scenario needs a step; a recording in which nothing was done gets one that changes nothing.
  if (steps.length === 0) {
    steps.push({ advance: 0 });
    commentsBefore.push([...pending, 'nothing was done while recording']);
    pending = [];
  }
  const body: Record<string, unknown> = {
    name: recorded.name,
    description: recorded.description,
    ...(recorded.settings ? { settings: recorded.settings } : {}),
    devices: recorded.devices,
    apps: recorded.apps,
  };
  if (recorded.strategies.length) body.strategies = recorded.strategies;
  body.steps = steps;
  const doc = new Document(body);
  doc.commentBefore = recorded.header.map((line) => ` ${line}`).join('\n');
  for (const key of ['devices', 'apps', 'strategies']) {
    const list = doc.get(key, true);
    if (isSeq(list)) for (const entry of list.items) if (isMap(entry)) entry.flow = true;
  }
  const list = doc.get('steps', true);
  if (isSeq(list))
    list.items.forEach((entry, index) => {
      if (!isMap(entry)) return;
      const value = entry.items[0]?.value as Node | undefined;
      if (isMap(value) || isSeq(value)) value.flow = true;
      const before = commentsBefore[index] ?? [];
      if (before.length) (entry as Node).commentBefore = before.map((line) => ` ${line}`).join('\n');
    });
  if (pending.length && isSeq(list)) list.comment = pending.map((line) => ` ${line}`).join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
