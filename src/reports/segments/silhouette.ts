/** Points as one row-major array: point i is `data[i·dims .. (i+1)·dims)`. */
export interface Points {
  readonly data: Float64Array;
  readonly n: number;
  readonly dims: number;
}

/** A clustering of the points: a label 0..k−1 per point. */
export interface Labelling {
  readonly k: number;
  readonly labels: ArrayLike<number>;
}

/** The points of each cluster in index order, one run per label: `order[start[l] .. start[l+1])`. */
interface Runs {
  readonly k: number;
  readonly labels: Int32Array;
  readonly order: Int32Array;
  readonly start: Int32Array;
}

function runsOf({ k, labels }: Labelling, n: number): Runs {
  if (labels.length !== n) throw new Error(`a labelling has ${labels.length} labels for ${n} points`);
  const own = new Int32Array(n);
  const start = new Int32Array(k + 1);
  for (let j = 0; j < n; j++) {
    const l = labels[j]!;
    if (!(Number.isInteger(l) && l >= 0 && l < k)) throw new Error(`label ${l} outside 0..${k - 1}`);
    own[j] = l;
    start[l + 1]!++;
  }
  for (let l = 0; l < k; l++) start[l + 1]! += start[l]!;
  const next = start.slice(0, k);
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[next[own[j]!]!++] = j;
  return { k, labels: own, order, start };
}

/**
 * Exact mean silhouette (Rousseeuw 1987; Euclidean distance, as scikit-learn's
 * `silhouette_score`) of several clusterings of the same points at once: each distance from a
 * point is computed once and summed per cluster of every clustering. For a point, a = mean
 * distance to the rest of its cluster, b = the lowest mean distance to another (non-empty)
 * cluster, s = (b − a) / max(a, b); a point alone in its cluster has s = 0, as has a = b = 0.
 * The mean is over all n points. O(n² · (dims + clusterings)) time, O(n · clusterings) memory.
 */
export function meanSilhouettes(points: Points, labellings: readonly Labelling[]): number[] {
  const { data, n, dims } = points;
  if (data.length !== n * dims) throw new Error(`${data.length} values are not ${n} points of ${dims}`);
  const runs = labellings.map((l) => runsOf(l, n));
  const totals = new Float64Array(runs.length);
  // Column-major copy: the distance loop then runs down contiguous columns.
  const columns = Array.from({ length: dims }, (_, f) => {
    const c = new Float64Array(n);
    for (let j = 0; j < n; j++) c[j] = data[j * dims + f]!;
    return c;
  });
  while (columns.length % 3 !== 0) columns.push(new Float64Array(n));
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    distancesFrom(columns, n, i, row);
    for (let c = 0; c < runs.length; c++) totals[c]! += silhouetteOf(row, runs[c]!, i);
  }
  return Array.from(totals, (s) => (n === 0 ? 0 : s / n));
}

/** The mean silhouette of one clustering. */
export function meanSilhouette(points: Points, labelling: Labelling): number {
  return meanSilhouettes(points, [labelling])[0]!;
}

/**
 * Euclidean distances from point i to every point, three coordinates per pass (the columns are
 * padded with zeros to a multiple of three): fused passes are twice as fast as one per column.
 */
function distancesFrom(columns: readonly Float64Array[], n: number, i: number, out: Float64Array): void {
  for (let f = 0; f < columns.length; f += 3) {
    const c0 = columns[f]!;
    const c1 = columns[f + 1]!;
    const c2 = columns[f + 2]!;
    const x = c0[i]!;
    const y = c1[i]!;
    const z = c2[i]!;
    const first = f === 0;
    const last = f + 3 >= columns.length;
    for (let j = 0; j < n; j++) {
      const dx = c0[j]! - x;
      const dy = c1[j]! - y;
      const dz = c2[j]! - z;
      const s = (first ? 0 : out[j]!) + dx * dx + dy * dy + dz * dz;
      out[j] = last ? Math.sqrt(s) : s;
    }
  }
}

/** s(i) from the distances of point i (`row`) to every point. */
function silhouetteOf(row: Float64Array, { k, labels, order, start }: Runs, i: number): number {
  const own = labels[i]!;
  let a = 0;
  let b = Number.POSITIVE_INFINITY;
  for (let l = 0; l < k; l++) {
    const from = start[l]!;
    const to = start[l + 1]!;
    const size = to - from;
    if (size === 0) continue;
    if (l === own && size === 1) return 0;
    // Four running sums keep the additions independent of each other.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = from;
    for (; j + 3 < to; j += 4) {
      s0 += row[order[j]!]!;
      s1 += row[order[j + 1]!]!;
      s2 += row[order[j + 2]!]!;
      s3 += row[order[j + 3]!]!;
    }
    for (; j < to; j++) s0 += row[order[j]!]!;
    const sum = s0 + s1 + (s2 + s3);
    if (l === own) a = sum / (size - 1);
    else if (sum / size < b) b = sum / size;
  }
  if (b === Number.POSITIVE_INFINITY) return 0;
  const m = Math.max(a, b);
  return m > 0 ? (b - a) / m : 0;
}
