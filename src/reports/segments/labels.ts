/** A cluster's mean recency (days), frequency (orders) and spend. */
export interface ClusterMeans {
  readonly customers: number;
  readonly mean_recency_days: number | null;
  readonly mean_frequency: number | null;
  readonly mean_monetary: number | null;
}

/** `value` against the population's `overall`: below, about, above (a quarter either side). */
function level(value: number | null, overall: number): 'low' | 'mid' | 'high' {
  if (value === null || !(overall > 0)) return 'mid';
  const ratio = value / overall;
  return ratio < 0.75 ? 'low' : ratio > 1.33 ? 'high' : 'mid';
}

const RECENCY = { low: 'Recent', mid: 'Cooling', high: 'Lapsed' } as const;
const FREQUENCY = { low: 'rare', mid: 'regular', high: 'frequent' } as const;
const SPEND = { low: 'low spend', mid: 'mid spend', high: 'high spend' } as const;

/**
 * Names for people of each cluster, by how its mean recency, frequency and spend compare with
 * the whole population's (a quarter below or a third above counts): "Recent, frequent, high
 * spend". Clusters whose words coincide keep their number to stay apart.
 */
export function clusterLabels(clusters: readonly ClusterMeans[]): string[] {
  const total = clusters.reduce((n, c) => n + c.customers, 0);
  const mean = (pick: (c: ClusterMeans) => number | null) =>
    total === 0 ? 0 : clusters.reduce((s, c) => s + (pick(c) ?? 0) * c.customers, 0) / total;
  const r = mean((c) => c.mean_recency_days);
  const f = mean((c) => c.mean_frequency);
  const m = mean((c) => c.mean_monetary);
  const words = clusters.map(
    (c) =>
      `${RECENCY[level(c.mean_recency_days, r)]}, ${FREQUENCY[level(c.mean_frequency, f)]}, ${SPEND[level(c.mean_monetary, m)]}`,
  );
  return words.map((w, i) => (words.indexOf(w) === words.lastIndexOf(w) ? w : `${w} (${i})`));
}
