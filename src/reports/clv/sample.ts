/**
 * A systematic sample of `size` customers out of groups of customers (group i holds n[i]), in
 * the groups' order: customer positions (j + ½)·N/size, j = 0..size−1, of the N customers laid
 * end to end. Groups sorted by their values make it a stratified sample. Returns each group's
 * sampled count (0 for most groups when there are many).
 */
export function systematicCounts(n: Float64Array, size: number): Float64Array {
  let total = 0;
  for (let i = 0; i < n.length; i++) total += n[i]!;
  const counts = new Float64Array(n.length);
  if (total === 0 || size <= 0) return counts;
  const step = total / size;
  let next = step / 2;
  let end = 0;
  for (let i = 0; i < n.length; i++) {
    end += n[i]!;
    while (next < end) {
      counts[i]!++;
      next += step;
    }
  }
  return counts;
}

/** The rows of columnar data whose sampled count is positive, with those counts as `n`. */
export function sampleRows<T extends { readonly n: Float64Array }>(data: T, size: number): T {
  const counts = systematicCounts(data.n, size);
  const keep: number[] = [];
  counts.forEach((c, i) => {
    if (c > 0) keep.push(i);
  });
  const out: Record<string, Float64Array> = {};
  for (const [key, column] of Object.entries(data)) {
    out[key] =
      key === 'n'
        ? Float64Array.from(keep, (i) => counts[i]!)
        : Float64Array.from(keep, (i) => (column as Float64Array)[i]!);
  }
  return out as unknown as T;
}
