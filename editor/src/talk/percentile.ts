/** Nearest-rank percentile of the defined values; undefined when there are none. */
export function percentile(
  values: ReadonlyArray<number | undefined>,
  p: number,
): number | undefined {
  const sorted = values
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
