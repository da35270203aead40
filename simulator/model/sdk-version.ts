// Compares dotted SDK versions ("2.8.3" vs "2.3.3"); pre-release tags and missing parts count as zero.

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

export function isVersionBelow(version: string, minimum: string): boolean {
  return compareVersions(version, minimum) < 0;
}
