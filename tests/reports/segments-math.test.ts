import { kmeans } from 'ml-kmeans';
import { describe, expect, it } from 'vitest';
import { fitFeatures, rawCentroid } from '../../src/reports/segments/features';
import {
  chooseK,
  fitKMeans,
  kmeansPlusPlus,
  nearest,
  restartSeed,
  seededRandom,
} from '../../src/reports/segments/kmeans';
import { lloyd } from '../../src/reports/segments/lloyd';
import { meanSilhouette, meanSilhouettes, type Points } from '../../src/reports/segments/silhouette';

/** The textbook silhouette, written out with a plain distance function and nested loops. */
function naiveSilhouette(points: number[][], labels: number[]): number {
  const dist = (p: number[], q: number[]) => Math.sqrt(p.reduce((s, x, f) => s + (x - q[f]!) ** 2, 0));
  const clusters = [...new Set(labels)];
  let total = 0;
  points.forEach((p, i) => {
    const own = labels[i]!;
    const mates = points.filter((_, j) => j !== i && labels[j] === own);
    if (mates.length === 0) return; // alone in its cluster: s = 0
    const a = mates.reduce((s, q) => s + dist(p, q), 0) / mates.length;
    const b = Math.min(
      ...clusters
        .filter((c) => c !== own)
        .map((c) => {
          const others = points.filter((_, j) => labels[j] === c);
          return others.reduce((s, q) => s + dist(p, q), 0) / others.length;
        }),
    );
    total += Math.max(a, b) > 0 ? (b - a) / Math.max(a, b) : 0;
  });
  return total / points.length;
}

function pointsOf(rows: number[][]): Points {
  return { data: new Float64Array(rows.flat()), n: rows.length, dims: rows[0]?.length ?? 0 };
}

/** A deterministic generator for test data (not the one under test). */
function lcg(seed: number) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** Well-separated Gaussian blobs: `sizes[g]` points around centre g. */
function blobs(centres: number[][], sizes: number[], spread: number, seed: number) {
  const r = lcg(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, g) => {
    for (let i = 0; i < sizes[g]!; i++) {
      rows.push(c.map((x) => x + spread * r.normal()));
      truth.push(g);
    }
  });
  return { rows, truth };
}

describe('silhouette', () => {
  it('matches hand-worked values', () => {
    // 0, 1 | 5, 6: s(0) = (5.5 − 1) / 5.5, s(1) = (4.5 − 1) / 4.5, symmetric for the other two.
    expect(meanSilhouette(pointsOf([[0], [1], [5], [6]]), { k: 2, labels: [0, 0, 1, 1] })).toBeCloseTo(
      (9 / 11 + 7 / 9) / 2,
      14,
    );
    // 0, 1 | 10: the lone point scores 0; s(0) = (10 − 1) / 10, s(1) = (9 − 1) / 9.
    expect(meanSilhouette(pointsOf([[0], [1], [10]]), { k: 2, labels: [0, 0, 1] })).toBeCloseTo(
      (0.9 + 8 / 9) / 3,
      14,
    );
    // A 3-4-5 triangle split 2 | 1 in two dimensions.
    const tri = pointsOf([
      [0, 0],
      [3, 0],
      [3, 4],
    ]);
    expect(meanSilhouette(tri, { k: 2, labels: [0, 0, 1] })).toBeCloseTo(((5 - 3) / 5 + (4 - 3) / 4) / 3, 14);
    // Identical points in one cluster and another cluster elsewhere: a = 0, s = 1.
    expect(meanSilhouette(pointsOf([[2], [2], [7], [7]]), { k: 2, labels: [0, 0, 1, 1] })).toBe(1);
  });

  it('equals the naive O(n²) formulation, several clusterings at once, in 1 to 5 dimensions', () => {
    for (const dims of [1, 2, 3, 4, 5]) {
      const r = lcg(dims);
      const rows = Array.from({ length: 150 }, () => Array.from({ length: dims }, () => r.uniform() * 10));
      const labellings = [2, 3, 5, 8].map((k) => ({
        k,
        labels: rows.map((p) => Math.min(k - 1, Math.floor((p[0]! / 10) * k + r.uniform() * 1.5))),
      }));
      // A clustering with an unused label (an empty cluster) and a singleton.
      labellings.push({ k: 4, labels: rows.map((_, i) => (i === 0 ? 3 : i % 2)) });
      const got = meanSilhouettes(pointsOf(rows), labellings);
      labellings.forEach((l, c) => {
        expect(got[c]).toBeCloseTo(naiveSilhouette(rows, Array.from(l.labels)), 12);
      });
    }
  });

  it('is 0 for an empty set and fails on mismatched labels', () => {
    expect(meanSilhouettes({ data: new Float64Array(0), n: 0, dims: 3 }, [{ k: 2, labels: [] }])).toEqual([
      0,
    ]);
    expect(() => meanSilhouette(pointsOf([[0], [1]]), { k: 2, labels: [0] })).toThrow(
      /1 labels for 2 points/,
    );
    expect(() => meanSilhouette(pointsOf([[0], [1]]), { k: 2, labels: [0, 2] })).toThrow(/outside/);
  });
});

describe('k-means', () => {
  const centres = [
    [0, 0, 0],
    [6, 0, 0],
    [0, 6, 0],
    [0, 0, 6],
  ];
  const { rows, truth } = blobs(centres, [120, 80, 60, 40], 0.7, 7);
  const points = pointsOf(rows);

  it('is deterministic for a seed; other seeds may end elsewhere', () => {
    const a = fitKMeans(points, 6, { seed: 42, restarts: 3 });
    const b = fitKMeans(points, 6, { seed: 42, restarts: 3 });
    expect(b.centroids).toEqual(a.centroids);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    // k = 6 on 4 blobs has many local optima: single starts from different seeds disagree.
    const ends = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => fitKMeans(points, 6, { seed, restarts: 1 }).inertia.toFixed(6)),
    );
    expect(ends.size).toBeGreaterThan(1);
    expect(restartSeed(42, 0)).not.toBe(restartSeed(43, 0));
    expect(restartSeed(42, 1)).not.toBe(restartSeed(43, 0));
  });

  it('keeps the lowest inertia of its restarts', () => {
    const many = fitKMeans(points, 6, { seed: 9, restarts: 8 });
    // Each start by hand: k-means++ from the start's seed, then ml-kmeans' Lloyd iterations.
    const inertias = Array.from({ length: 8 }, (_, r) => {
      const init = kmeansPlusPlus(points, 6, seededRandom(restartSeed(9, r)));
      const { centroids } = kmeans(rows, 6, { initialization: init, maxIterations: 100 });
      return rows.reduce(
        (s, p) => s + Math.min(...centroids.map((c) => p.reduce((t, x, f) => t + (x - c[f]!) ** 2, 0))),
        0,
      );
    });
    const winner = inertias.indexOf(Math.min(...inertias));
    expect(many.restart).toBe(winner);
    expect(many.inertia).toBeCloseTo(inertias[winner]!, 9);
    const again = nearest(points, many.centroids);
    expect(again.inertia).toBe(many.inertia);
    expect(Array.from(again.labels)).toEqual(Array.from(many.labels));
  });

  it('Lloyd with bounds takes ml-kmeans’ plain steps: the same centroids after as many', () => {
    // Overlapping blobs (many points near a boundary) and a coarse grid (ties, repeated points).
    const overlap = blobs(centres, [300, 200, 150, 100], 2.5, 11).rows;
    const r = lcg(3);
    const grid = Array.from({ length: 400 }, () => [
      Math.floor(r.uniform() * 6),
      Math.floor(r.uniform() * 6),
    ]);
    for (const data of [overlap, grid]) {
      for (const k of [2, 3, 5, 8]) {
        const init = kmeansPlusPlus(pointsOf(data), k, seededRandom(k));
        for (const tolerance of [1e-6, 1e-4]) {
          const ours = lloyd(pointsOf(data), init, 100, tolerance);
          const plain = kmeans(data, k, { initialization: init, maxIterations: 100, tolerance });
          expect(ours.iterations).toBe(plain.iterations);
          expect(ours.converged).toBe(plain.converged);
          ours.centroids.forEach((c, j) => {
            c.forEach((x, f) => {
              expect(x).toBeCloseTo(plain.centroids[j]![f]!, 9);
            });
          });
        }
      }
    }
  });

  it('on more points than the subsample: each start’s first steps on the first points, then on all', () => {
    const many = blobs(centres, [500, 400, 300, 200], 1.6, 5);
    const all = pointsOf(many.rows);
    const first = pointsOf(many.rows.slice(0, 400));
    const fit = fitKMeans(all, 5, { seed: 3, restarts: 6, subsample: 400 });
    expect(fit.subsample).toBe(400);
    // By hand with ml-kmeans: from each start's k-means++ on the first 400 points, Lloyd there
    // to a squared move of 1e-4, then on all the points to 1e-6; the lowest inertia wins.
    const ends = Array.from({ length: 6 }, (_, r) => {
      const init = kmeansPlusPlus(first, 5, seededRandom(restartSeed(3, r)));
      const early = kmeans(many.rows.slice(0, 400), 5, { initialization: init, tolerance: 1e-4 });
      const { centroids } = kmeans(many.rows, 5, { initialization: early.centroids, tolerance: 1e-6 });
      return many.rows.reduce(
        (s, p) => s + Math.min(...centroids.map((c) => p.reduce((t, x, f) => t + (x - c[f]!) ** 2, 0))),
        0,
      );
    });
    const winner = ends.indexOf(Math.min(...ends));
    expect(fit.restart).toBe(winner);
    expect(fit.inertia).toBeCloseTo(ends[winner]!, 6);
    expect(fit.subsampleInertia).toBeCloseTo(nearest(first, fit.centroids).inertia, 9);
    // Fewer distinct points among the first than k: the starts run on all of them.
    const repeated = pointsOf([
      ...Array.from({ length: 50 }, () => [1, 1]),
      ...many.rows.slice(0, 100).map((p) => p.slice(0, 2)),
    ]);
    expect(fitKMeans(repeated, 3, { seed: 1, restarts: 2, subsample: 50 }).subsample).toBe(150);
  });

  it('k-means++ picks k distinct data points and is reproducible', () => {
    const c1 = kmeansPlusPlus(points, 4, seededRandom(5));
    const c2 = kmeansPlusPlus(points, 4, seededRandom(5));
    expect(c1).toEqual(c2);
    expect(new Set(c1.map((c) => c.join(','))).size).toBe(4);
    for (const c of c1) expect(rows.some((p) => p.join(',') === c.join(','))).toBe(true);
    // With only k distinct points it still finds them all.
    const dup = pointsOf([[0], [0], [0], [1], [1], [5]]);
    expect(
      kmeansPlusPlus(dup, 3, seededRandom(1))
        .map((c) => c[0])
        .sort(),
    ).toEqual([0, 1, 5]);
  });

  it('auto k finds the true k of well-separated blobs and recovers the groups', () => {
    const choice = chooseK(points, [2, 3, 4, 5, 6, 7, 8], { seed: 42, restarts: 10 });
    expect(choice.k).toBe(4);
    expect(choice.tried.map((t) => t.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = choice.tried.find((t) => t.k === 4)!.silhouette;
    for (const t of choice.tried) expect(t.silhouette).toBeLessThanOrEqual(best);
    // Each true group lands in one cluster of its own.
    const map = new Map<number, number>();
    truth.forEach((g, i) => {
      const l = choice.fit.labels[i]!;
      if (!map.has(g)) map.set(g, l);
      expect(l).toBe(map.get(g));
    });
    expect(new Set(map.values()).size).toBe(4);
    // The silhouette of the winner equals the naive one.
    expect(best).toBeCloseTo(naiveSilhouette(rows, Array.from(choice.fit.labels)), 12);
  });
});

describe('feature scaling', () => {
  const spec = (name: string, transform: 'auto' | 'log1p' | 'none') => ({
    name,
    column: name,
    transform,
    missing: 'zero' as const,
  });
  // Hand-worked sums: a = 0, 1, 3 (log1p: 0, ln 2, ln 4); b = −4, 0, 1 (negative: no log).
  const [l0, l1, l2] = [0, Math.log(2), Math.log(4)];
  const stats = {
    customers: 3,
    min_0: 0,
    max_0: 3,
    n_0: 3,
    sum_0: 4,
    sumsq_0: 10,
    log_n_0: 3,
    log_sum_0: l0 + l1 + l2,
    log_sumsq_0: l0 * l0 + l1 * l1 + l2 * l2,
    min_1: -4,
    max_1: 1,
    n_1: 3,
    sum_1: -3,
    sumsq_1: 17,
    log_n_1: 2,
    log_sum_1: l0 + l1,
    log_sumsq_1: l1 * l1,
    // c: the constant 2 (its rounded sums leave a little variance): sd 1, so z = 0.
    min_2: 2,
    max_2: 2,
    n_2: 3,
    sum_2: 6,
    sumsq_2: 12.000000001,
    log_n_2: 3,
    log_sum_2: 3 * Math.log(3),
    log_sumsq_2: 3 * Math.log(3) ** 2 + 1e-9,
  };
  /** Population sd, written out. */
  const sd = (xs: number[]) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
  };

  it('log1p when no value is negative, none otherwise; a constant feature gets sd 1', () => {
    const [a, b, c] = fitFeatures([spec('a', 'auto'), spec('b', 'auto'), spec('c', 'auto')], stats);
    expect(a).toMatchObject({ applied: 'log1p', min: 0 });
    expect(a!.mean).toBeCloseTo((l1 + l2) / 3, 14);
    expect(a!.sd).toBeCloseTo(sd([l0, l1, l2]), 14);
    expect(b).toMatchObject({ applied: 'none', mean: -1, min: -4 });
    expect(b!.sd).toBeCloseTo(sd([-4, 0, 1]), 14);
    expect(c).toMatchObject({ applied: 'log1p', sd: 1 });
    const none = fitFeatures([spec('a', 'none')], stats)[0]!;
    expect(none).toMatchObject({ applied: 'none', mean: 4 / 3 });
    expect(none.sd).toBeCloseTo(sd([0, 1, 3]), 14);
    expect(() => fitFeatures([spec('a', 'auto'), spec('b', 'log1p')], stats)).toThrow(
      'features: b has negative values (down to -4); use transform "none"',
    );
    const [fa, fb] = [a!, { ...b!, sd: 1 }];
    // Back to raw units: expm1(mean + z·sd) after log1p, mean + z·sd otherwise.
    expect(rawCentroid([fa, fb], [2, 3])).toEqual({ a: Math.expm1(a!.mean + 2 * a!.sd), b: -1 + 3 });
  });
});
