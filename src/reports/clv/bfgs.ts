/** Quasi-Newton minimisation (BFGS) with the analytic gradient: the refinement after Nelder–Mead. */

export interface Gradient {
  readonly value: number;
  readonly gradient: readonly number[];
}

export interface BfgsResult {
  readonly x: number[];
  readonly value: number;
  readonly gradient: number[];
  readonly iterations: number;
  readonly evaluations: number;
  /** Every component of the gradient within the tolerance. */
  readonly converged: boolean;
}

const dot = (u: readonly number[], v: readonly number[]) => u.reduce((s, ui, i) => s + ui * v[i]!, 0);
const norm = (u: readonly number[]) => Math.sqrt(dot(u, u));

/**
 * BFGS (Nocedal & Wright, algorithm 6.1) with a backtracking line search on the Armijo
 * condition, or, where the decrease it asks for is below the rounding of f (near the optimum of
 * a flat likelihood), on a smaller gradient norm; the first step scales the inverse Hessian by sᵀy/yᵀy, and a step whose curvature
 * sᵀy is not positive leaves it as it was. Converged when max |∂f/∂x_i| ≤ gTolerance.
 */
export function bfgs(
  f: (x: readonly number[]) => Gradient,
  x0: readonly number[],
  options: { gTolerance?: number; maxIterations?: number } = {},
): BfgsResult {
  const gTol = options.gTolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 200;
  const d = x0.length;
  let x = [...x0];
  let { value, gradient } = f(x);
  let g = [...gradient];
  let evaluations = 1;
  let H: number[][] = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)),
  );
  let iterations = 0;
  let scaled = false;
  let reset = false;
  const small = () => g.every((gi) => Math.abs(gi) <= gTol);
  while (!small() && iterations < maxIterations && Number.isFinite(value)) {
    iterations++;
    let p = H.map((row) => -dot(row, g));
    let slope = dot(g, p);
    if (!(slope < 0)) {
      // Not a descent direction: start over from steepest descent.
      H = H.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      p = g.map((gi) => -gi);
      slope = dot(g, p);
    }
    let t = 1;
    let next: { x: number[]; value: number; g: number[] } | null = null;
    while (t > 1e-14) {
      const xn = x.map((xi, i) => xi + t * p[i]!);
      const r = f(xn);
      evaluations++;
      // Armijo; or, once the decrease is below the rounding of f, a smaller gradient.
      const flat = Math.abs(r.value - value) <= 1e-12 * Math.max(1, Math.abs(value));
      if (
        Number.isFinite(r.value) &&
        (r.value <= value + 1e-4 * t * slope || (flat && norm(r.gradient) < norm(g)))
      ) {
        next = { x: xn, value: r.value, g: [...r.gradient] };
        break;
      }
      t /= 2;
    }
    if (!next) {
      // A direction the line search cannot use: once more from steepest descent, then give up.
      if (reset) break;
      reset = true;
      H = H.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      scaled = false;
      continue;
    }
    reset = false;
    const s = next.x.map((v, i) => v - x[i]!);
    const y = next.g.map((v, i) => v - g[i]!);
    const sy = dot(s, y);
    if (sy > 0) {
      if (!scaled) {
        const scale = sy / dot(y, y);
        H = H.map((row) => row.map((v) => v * scale));
        scaled = true;
      }
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/sᵀy.
      const rho = 1 / sy;
      const Hy = H.map((row) => dot(row, y));
      const yHy = dot(y, Hy);
      H = H.map((row, i) =>
        row.map(
          (v, j) => v - rho * (s[i]! * Hy[j]! + Hy[i]! * s[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!,
        ),
      );
    }
    x = next.x;
    value = next.value;
    g = next.g;
  }
  return { x, value, gradient: g, iterations, evaluations, converged: small() };
}
