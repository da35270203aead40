// A scenario step in one line, for the progress of a run the dashboard shows: its kind and its plain fields
// (`apns to: chat, kind: background, as: wake`).

const MAX_TITLE = 100;

export function stepTitle(kind: string, spec: unknown): string {
  if (spec === null || spec === undefined) return kind;
  if (typeof spec !== 'object') return `${kind} ${String(spec)}`;
  const fields = Object.entries(spec as Record<string, unknown>)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .map(([key, value]) => `${key}: ${String(value)}`);
  const title = fields.length ? `${kind} ${fields.join(', ')}` : kind;
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}
