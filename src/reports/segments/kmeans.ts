import { kmeans } from 'ml-kmeans';
import { meanSilhouettes, type Points } from './silhouette';

export interface KMeansOptions {
  /** The restarts' seeds derive from it: the same seed gives the same fit. */
  readonly seed: number;
  /** k-means++ starts; the lowest inertia wins [10]. */
  readonly restarts: number;
  /** Lloyd iterations per start [100]. */
  readonly maxIterations?: number;
}

export interface KMeansFit {
  readonly k: number;
  /** k centroids of `dims` coordinates. */
  readonly centroids: number[][];
  /** Each point's nearest centroid (ties to the lower index). */
  readonly labels: Int32Array;
  /** Sum of squared distances of the points to their centroid. */
  readonly inertia: number;
  /** Which start won (0-based), and its seed. */
  readonly restart: number;
  readonly seed: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** The seed of start r: a 32-bit mix (murmur3's finaliser) of the seed and r, so nearby seeds share no starts. */
export function restartSeed(seed: number, restart: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(restart + 1, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Squared Euclidean distance from point i to a centroid, summed in coordinate order (as the SQL does). */
function distance2(points: Points, i: number, centroid: readonly number[]): number {
  const { data, dims } = points;
  let s = 0;
  for (let f = 0; f < dims; f++) {
    const d = data[i * dims + f]! - centroid[f]!;
    s += d * d;
  }
  return s;
}

/** Each point's nearest centroid (the first of equally near ones) and the inertia. */
export function nearest(
  points: Points,
  centroids: readonly (readonly number[])[],
): { labels: Int32Array; inertia: number } {
  const labels = new Int32Array(points.n);
  let inertia = 0;
  for (let i = 0; i < points.n; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centroids.length; c++) {
      const d = distance2(points, i, centroids[c]!);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    labels[i] = best;
    inertia += bestD;
  }
  return { labels, inertia };
}

export function toRows(points: Points): number[][] {
  const { data, n, dims } = points;
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * dims, (i + 1) * dims)));
}

/** The number of distinct points (k-means++ needs at least k). */
export function distinctPoints(points: Points): number {
  const seen = new Set<string>();
  for (let i = 0; i < points.n; i++) {
    seen.add(points.data.subarray(i * points.dims, (i + 1) * points.dims).join(','));
  }
  return seen.size;
}

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Greedy k-means++ (Arthur and Vassilvitskii 2007, as scikit-learn and ml-kmeans do it): the
 * first centre uniformly, then each next one the best, by the resulting potential, of
 * 2 + ⌊ln k⌋ candidates drawn with probability ∝ squared distance to the nearest centre.
 * On typed arrays: ml-kmeans' own version copies a matrix row per distance, and was three
 * quarters of the fitting time. Needs at least k distinct points.
 */
export function kmeansPlusPlus(points: Points, k: number, random: () => number): number[][] {
  const { data, n, dims } = points;
  const centre = (i: number) => Array.from(data.subarray(i * dims, (i + 1) * dims));
  const first = Math.min(n - 1, Math.floor(random() * n));
  const centres = [centre(first)];
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = distance2(points, i, centres[0]!);
  const trials = 2 + Math.floor(Math.log(k));
  const cumulative = new Float64Array(n);
  let candidate = new Float64Array(n);
  let best = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += closest[i]!;
      cumulative[i] = total;
    }
    if (!(total > 0)) throw new Error(`k-means++ found fewer than ${k} distinct points`);
    let bestIndex = -1;
    let bestPotential = Number.POSITIVE_INFINITY;
    for (let t = 0; t < trials; t++) {
      const index = drawIndex(cumulative, closest, random() * total);
      const at = centre(index);
      let potential = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i]!, distance2(points, i, at));
        candidate[i] = d;
        potential += d;
      }
      if (potential < bestPotential) {
        bestPotential = potential;
        bestIndex = index;
        [best, candidate] = [candidate, best];
      }
    }
    centres.push(centre(bestIndex));
    closest.set(best);
  }
  return centres;
}

/** The first index whose cumulative weight exceeds r (skipping zero weights, clamped to the last positive one). */
function drawIndex(cumulative: Float64Array, weights: Float64Array, r: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  while (lo > 0 && weights[lo] === 0) lo--;
  while (lo < weights.length - 1 && weights[lo] === 0) lo++;
  return lo;
}

/**
 * k-means: `restarts` starts, each a k-means++ initialisation seeded from `seed` and Lloyd
 * iterations by ml-kmeans; the start with the lowest inertia wins (the first of equal ones).
 * Labels and inertia are recomputed against the final centroids.
 */
export function fitKMeans(
  points: Points,
  k: number,
  options: KMeansOptions,
  rows = toRows(points),
): KMeansFit {
  if (!Number.isInteger(k) || k < 1 || k > points.n) throw new Error(`k = ${k} for ${points.n} points`);
  let best: KMeansFit | undefined;
  for (let r = 0; r < options.restarts; r++) {
    const seed = restartSeed(options.seed, r);
    const result = kmeans(rows, k, {
      initialization: kmeansPlusPlus(points, k, seededRandom(seed)),
      maxIterations: options.maxIterations ?? 100,
    });
    const { labels, inertia } = nearest(points, result.centroids);
    if (best === undefined || inertia < best.inertia) {
      best = {
        k,
        centroids: result.centroids.map((c) => [...c]),
        labels,
        inertia,
        restart: r,
        seed,
        iterations: result.iterations,
        converged: result.converged,
      };
    }
  }
  if (!best) throw new Error('restarts must be at least 1');
  return best;
}

export interface KChoice {
  /** The k with the highest mean silhouette (the lowest such k on a tie). */
  readonly k: number;
  readonly fit: KMeansFit;
  readonly tried: { k: number; silhouette: number; inertia: number }[];
}

/**
 * Fits every k of `ks` on the points and picks the best mean silhouette; the silhouettes of all
 * the fits are computed together (one pass over the pairs).
 */
export function chooseK(
  points: Points,
  ks: readonly number[],
  options: KMeansOptions,
  hook?: (phase: 'kmeans' | 'silhouette', ms: number) => void,
): KChoice {
  if (ks.length === 0) throw new Error('no k to try');
  const rows = toRows(points);
  let t = performance.now();
  const fits = ks.map((k) => fitKMeans(points, k, options, rows));
  hook?.('kmeans', performance.now() - t);
  t = performance.now();
  const scores = meanSilhouettes(
    points,
    fits.map((f) => ({ k: f.k, labels: f.labels })),
  );
  hook?.('silhouette', performance.now() - t);
  let bestIndex = 0;
  scores.forEach((s, i) => {
    if (s > scores[bestIndex]!) bestIndex = i;
  });
  return {
    k: fits[bestIndex]!.k,
    fit: fits[bestIndex]!,
    tried: fits.map((f, i) => ({ k: f.k, silhouette: scores[i]!, inertia: f.inertia })),
  };
}
