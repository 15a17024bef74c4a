/** Unconstrained minimisation by Nelder–Mead, with several starts and the convergence reported. */

export interface NelderMeadOptions {
  /** Stop after this many iterations (a reflection, expansion, contraction or shrink each) [2,000]. */
  readonly maxIterations?: number;
  /** Converged when every vertex is within this of the best, in every coordinate [1e-7]… */
  readonly xTolerance?: number;
  /** …and every vertex's value within this × max(1, |best|) of the best [1e-12]. */
  readonly fTolerance?: number;
  /** The first simplex: the start and the start moved by this along each axis [0.5]. */
  readonly step?: number;
}

export interface NelderMeadResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/**
 * Nelder–Mead (Lagarias et al. 1998: reflection 1, expansion 2, inside and outside contraction
 * ½, shrink ½). A non-finite value counts as +∞, so a step outside the function's domain is
 * simply refused. Converged means both the simplex and its values have shrunk below the
 * tolerances, not merely that the iterations ran out.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const maxIterations = options.maxIterations ?? 2000;
  const xTol = options.xTolerance ?? 1e-7;
  const fTol = options.fTolerance ?? 1e-12;
  const step = options.step ?? 0.5;
  const d = x0.length;
  let evaluations = 0;
  const value = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: value([...x0]) }];
  for (let i = 0; i < d; i++) {
    const x = [...x0];
    x[i] = x[i]! + step;
    simplex.push({ x, v: value(x) });
  }
  const along = (from: readonly number[], to: readonly number[], t: number) =>
    from.map((c, i) => c + t * (to[i]! - c));
  let iterations = 0;
  let converged = false;
  while (true) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[d]!;
    let spread = 0;
    for (let i = 1; i <= d; i++) {
      for (let j = 0; j < d; j++) spread = Math.max(spread, Math.abs(simplex[i]!.x[j]! - best.x[j]!));
    }
    if (
      Number.isFinite(worst.v) &&
      spread <= xTol &&
      worst.v - best.v <= fTol * Math.max(1, Math.abs(best.v))
    ) {
      converged = true;
      break;
    }
    if (iterations >= maxIterations) break;
    iterations++;
    const centroid = Array.from({ length: d }, (_, j) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += simplex[i]!.x[j]!;
      return s / d;
    });
    const r = along(centroid, worst.x, -1);
    const vr = value(r);
    if (vr < best.v) {
      const e = along(centroid, worst.x, -2);
      const ve = value(e);
      simplex[d] = ve < vr ? { x: e, v: ve } : { x: r, v: vr };
      continue;
    }
    if (vr < simplex[d - 1]!.v) {
      simplex[d] = { x: r, v: vr };
      continue;
    }
    const outside = vr < worst.v;
    const c = along(centroid, outside ? r : worst.x, 0.5);
    const vc = value(c);
    if (vc < (outside ? vr : worst.v)) {
      simplex[d] = { x: c, v: vc };
      continue;
    }
    for (let i = 1; i <= d; i++) {
      const x = along(best.x, simplex[i]!.x, 0.5);
      simplex[i] = { x, v: value(x) };
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations, evaluations, converged };
}

export interface MultiStartResult extends NelderMeadResult {
  /** Each start's own minimum (before the best one is restarted). */
  readonly starts: readonly { start: readonly number[]; value: number; converged: boolean }[];
  /** Restarts of the best minimum from a fresh simplex until it no longer improves. */
  readonly restarts: number;
}

/**
 * The best of several Nelder–Mead runs, then restarted from a fresh simplex around it until a
 * restart no longer improves it (a collapsed simplex is the method's usual false stop).
 * Iterations and evaluations are summed over every run; converged is the last run's.
 */
export function minimise(
  f: (x: readonly number[]) => number,
  starts: readonly (readonly number[])[],
  options: NelderMeadOptions & { readonly maxRestarts?: number } = {},
): MultiStartResult {
  let iterations = 0;
  let evaluations = 0;
  const runs = starts.map((s) => {
    const m = nelderMead(f, s, options);
    iterations += m.iterations;
    evaluations += m.evaluations;
    return { start: s, m };
  });
  let best = runs.reduce((p, q) => (q.m.value < p.m.value ? q : p)).m;
  let restarts = 0;
  const fTol = options.fTolerance ?? 1e-12;
  for (; restarts < (options.maxRestarts ?? 3); ) {
    const again = nelderMead(f, best.x, { ...options, step: 0.05 });
    restarts++;
    iterations += again.iterations;
    evaluations += again.evaluations;
    const improved = best.value - again.value > fTol * Math.max(1, Math.abs(best.value)) * 10;
    if (again.value <= best.value) best = again;
    else best = { ...best, converged: best.converged && again.converged };
    if (!improved) break;
  }
  return {
    x: best.x,
    value: best.value,
    iterations,
    evaluations,
    converged: best.converged,
    starts: runs.map((r) => ({ start: r.start, value: r.m.value, converged: r.m.converged })),
    restarts,
  };
}
