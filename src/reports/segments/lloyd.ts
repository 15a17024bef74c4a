import type { Points } from './silhouette';

/** Half the distance from each centre to its nearest other centre (Infinity for a lone centre). */
function halfGaps(centres: Float64Array, k: number, dims: number, out: Float64Array): void {
  for (let a = 0; a < k; a++) {
    let m = Number.POSITIVE_INFINITY;
    for (let b = 0; b < k; b++) {
      if (b === a) continue;
      let d = 0;
      for (let f = 0; f < dims; f++) {
        const x = centres[a * dims + f]! - centres[b * dims + f]!;
        d += x * x;
      }
      if (d < m) m = d;
    }
    out[a] = Math.sqrt(m) / 2;
  }
}

/**
 * The full scan of point i: its nearest centre (squared distance summed in coordinate order; the
 * first of equally near ones), with the exact distance to it (upper) and to the runner-up (lower).
 */
function scanPoint(
  data: Float64Array,
  dims: number,
  centres: Float64Array,
  k: number,
  i: number,
  upper: Float64Array,
  lower: Float64Array,
): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  let second = Number.POSITIVE_INFINITY;
  const at = i * dims;
  for (let c = 0; c < k; c++) {
    let d = 0;
    for (let f = 0; f < dims; f++) {
      const x = data[at + f]! - centres[c * dims + f]!;
      d += x * x;
    }
    if (d < bestD) {
      second = bestD;
      bestD = d;
      best = c;
    } else if (d < second) second = d;
  }
  upper[i] = Math.sqrt(bestD);
  lower[i] = Math.sqrt(second);
  return best;
}

/**
 * u < l with room to spare: far more than the rounding the bounds gather over a fit (a few
 * hundred roundings of 2⁻⁵³ each), so a point skipped has its centre strictly nearest.
 */
function safelyBelow(u: number, l: number): boolean {
  return u + 1e-9 * (u + l) + 1e-12 < l;
}

/** Each centre as the mean of its points, summed in point order (a centre without points stays). */
function meansOf(points: Points, labels: Int32Array, centres: Float64Array, k: number): void {
  const { data, n, dims } = points;
  const sums = new Float64Array(k * dims);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let f = 0; f < dims; f++) sums[c * dims + f]! += data[i * dims + f]!;
  }
  for (let c = 0; c < k; c++) {
    if (counts[c]! === 0) continue;
    for (let f = 0; f < dims; f++) centres[c * dims + f] = sums[c * dims + f]! / counts[c]!;
  }
}

/**
 * Lloyd's algorithm from the given centres, with ml-kmeans' steps and stopping rule: each step
 * assigns every point to its nearest centre (the first of equally near ones) and moves each
 * centre to the mean of its points (a centre without points stays); it stops when no centre
 * moved by more than `tolerance` in squared distance, or after `maxIterations` steps. The
 * centroids returned are the means of the last step's points, summed in point order.
 *
 * Faster than the plain loop, same steps: Hamerly's bounds (2010) skip the points whose centre
 * cannot have changed — an upper bound on the distance to their centre and a lower bound on the
 * distance to every other one, moved by how far the centres moved; a point is skipped only with a
 * margin far wider than the bounds' rounding, every other one is assigned by a full scan — and the
 * centres' sums are updated by the points that changed cluster instead of being summed again
 * (so a centre between steps may differ from a fresh sum in its last bits).
 */
export function lloyd(
  points: Points,
  initial: readonly (readonly number[])[],
  maxIterations: number,
  tolerance = 1e-6,
): { centroids: number[][]; iterations: number; converged: boolean } {
  const { data, n, dims } = points;
  const k = initial.length;
  const centres = new Float64Array(k * dims);
  initial.forEach((c, j) => {
    for (let f = 0; f < dims; f++) centres[j * dims + f] = c[f]!;
  });
  const sums = new Float64Array(k * dims);
  const counts = new Int32Array(k);
  const labels = new Int32Array(n);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n);
  const moved = new Float64Array(k);
  const half = new Float64Array(k);
  let most = 0;
  let secondMost = 0;
  let mostAt = -1;
  let iterations = 0;
  let converged = false;
  while (!converged && iterations < maxIterations) {
    iterations++;
    if (iterations === 1) {
      for (let i = 0; i < n; i++) {
        const c = scanPoint(data, dims, centres, k, i, upper, lower);
        labels[i] = c;
        counts[c]!++;
        for (let f = 0; f < dims; f++) sums[c * dims + f]! += data[i * dims + f]!;
      }
    } else {
      halfGaps(centres, k, dims, half);
      for (let i = 0; i < n; i++) {
        const a = labels[i]!;
        // The bounds follow the centres' last move: the own centre went at most its shift
        // away, any other came at most the largest shift among the others closer.
        const u = upper[i]! + moved[a]!;
        const l = lower[i]! - (a === mostAt ? secondMost : most);
        upper[i] = u;
        lower[i] = l;
        const bound = Math.max(half[a]!, l);
        if (safelyBelow(u, bound)) continue;
        let d = 0;
        for (let f = 0; f < dims; f++) {
          const x = data[i * dims + f]! - centres[a * dims + f]!;
          d += x * x;
        }
        upper[i] = Math.sqrt(d);
        if (safelyBelow(upper[i]!, bound)) continue;
        const c = scanPoint(data, dims, centres, k, i, upper, lower);
        if (c === a) continue;
        labels[i] = c;
        counts[a]!--;
        counts[c]!++;
        for (let f = 0; f < dims; f++) {
          const x = data[i * dims + f]!;
          sums[a * dims + f]! -= x;
          sums[c * dims + f]! += x;
        }
      }
    }
    converged = true;
    most = 0;
    secondMost = 0;
    mostAt = -1;
    for (let c = 0; c < k; c++) {
      let d = 0;
      if (counts[c]! > 0) {
        for (let f = 0; f < dims; f++) {
          const j = c * dims + f;
          const x = sums[j]! / counts[c]!;
          d += (x - centres[j]!) * (x - centres[j]!);
          centres[j] = x;
        }
      }
      if (d > tolerance) converged = false;
      const shift = Math.sqrt(d);
      moved[c] = shift;
      if (shift > most) {
        secondMost = most;
        most = shift;
        mostAt = c;
      } else if (shift > secondMost) secondMost = shift;
    }
  }
  if (iterations > 1) meansOf(points, labels, centres, k);
  const centroids = Array.from({ length: k }, (_, c) =>
    Array.from(centres.subarray(c * dims, (c + 1) * dims)),
  );
  return { centroids, iterations, converged };
}
