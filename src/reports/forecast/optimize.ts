export interface Box {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
}

export interface Minimum {
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
}

const clamp = (x: number[], box: Box) => x.map((v, i) => Math.min(box.upper[i]!, Math.max(box.lower[i]!, v)));

/**
 * Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) with every trial point
 * projected onto the box, so optima on a bound (e.g. β = 0) are reached exactly.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  box: Box,
  maxEvaluations = 600,
  tolerance = 1e-10,
  /** The simplex must also have shrunk below this in every coordinate to stop. */
  spreadTolerance = 1e-5,
  /** The first simplex's edge, as a fraction of the box (smaller from a warm start). */
  stepFraction = 0.1,
): Minimum {
  const d = x0.length;
  let evaluations = 0;
  const value = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const start = clamp([...x0], box);
  const simplex: { x: number[]; v: number }[] = [{ x: start, v: value(start) }];
  for (let i = 0; i < d; i++) {
    const step = stepFraction * (box.upper[i]! - box.lower[i]!);
    const x = [...start];
    x[i] = x[i]! + step <= box.upper[i]! ? x[i]! + step : x[i]! - step;
    simplex.push({ x, v: value(x) });
  }
  const point = (c: number[], toward: number[], t: number) =>
    clamp(
      c.map((ci, i) => ci + t * (toward[i]! - ci)),
      box,
    );
  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[d]!;
    const spread = Math.max(...simplex.map((s) => Math.max(...s.x.map((v, i) => Math.abs(v - best.x[i]!)))));
    if (worst.v - best.v <= tolerance * (Math.abs(best.v) + 1e-300) && spread < spreadTolerance) break;
    if (spread < 1e-9) break;
    const centroid = Array.from(
      { length: d },
      (_, i) => simplex.slice(0, d).reduce((s, p) => s + p.x[i]!, 0) / d,
    );
    const r = point(centroid, worst.x, -1);
    const vr = value(r);
    if (vr < best.v) {
      const e = point(centroid, worst.x, -2);
      const ve = value(e);
      simplex[d] = ve < vr ? { x: e, v: ve } : { x: r, v: vr };
    } else if (vr < simplex[d - 1]!.v) {
      simplex[d] = { x: r, v: vr };
    } else {
      const outside = vr < worst.v;
      const c = point(centroid, outside ? r : worst.x, 0.5);
      const vc = value(c);
      if (vc < (outside ? vr : worst.v)) simplex[d] = { x: c, v: vc };
      else {
        for (let i = 1; i <= d; i++) {
          const x = point(best.x, simplex[i]!.x, 0.5);
          simplex[i] = { x, v: value(x) };
        }
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}

function* grid(levels: readonly (readonly number[])[]): Generator<number[]> {
  if (levels.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = levels;
  for (const v of first!) for (const tail of grid(rest)) yield [v, ...tail];
}

/**
 * The minimum of f in a box: a coarse grid, then Nelder–Mead from the best few grid points,
 * each restarted once from where it stopped (a collapsed simplex is a common false stop).
 */
export function minimiseInBox(
  f: (x: readonly number[]) => number,
  box: Box,
  levels: readonly (readonly number[])[],
  starts = 3,
): Minimum {
  let evaluations = 0;
  const points = [...grid(levels)].map((x) => {
    evaluations++;
    const v = f(x);
    return { x, v: Number.isFinite(v) ? v : Number.POSITIVE_INFINITY };
  });
  points.sort((a, b) => a.v - b.v);
  let best: Minimum = { x: points[0]!.x, value: points[0]!.v, evaluations: 0 };
  for (const p of points.slice(0, starts)) {
    if (!Number.isFinite(p.v)) break;
    const first = nelderMead(f, p.x, box);
    const again = nelderMead(f, first.x, box);
    evaluations += first.evaluations + again.evaluations;
    const m = again.value <= first.value ? again : first;
    if (m.value < best.value) best = m;
  }
  return { x: best.x, value: best.value, evaluations };
}
