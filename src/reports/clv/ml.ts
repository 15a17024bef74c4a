import { bfgs, type Gradient } from './bfgs';
import { minimise } from './nelder-mead';
import { sampleRows } from './sample';

/**
 * Above this many customers the Nelder–Mead starts run on a systematic sample of them (in the
 * data's order) rather than on all: each evaluation over everyone is a pass over every group.
 */
export const START_SAMPLE = 20_000;

/** BFGS stops when every component of the gradient of −ln L per customer is within this. */
export const GRADIENT_TOLERANCE = 1e-9;

export interface MaximumLikelihood {
  /** The maximum in the optimiser's coordinates (logs of the parameters). */
  readonly z: number[];
  readonly logLikelihood: number;
  /** BFGS reached the gradient tolerance on every customer. */
  readonly converged: boolean;
  /** Nelder–Mead iterations (every start, on the sample or on all) plus BFGS iterations. */
  readonly iterations: number;
  /** Evaluations of the likelihood (Nelder–Mead) and of likelihood and gradient (BFGS). */
  readonly evaluations: number;
  /** The largest |∂(ln L / customers)/∂ ln θ| at the maximum. */
  readonly gradientMax: number;
  /** Customers of the sample the starts ran on; null when they ran on every customer. */
  readonly startSample: number | null;
}

/**
 * Maximum likelihood in log-parameters: Nelder–Mead from every start (on a sample of
 * START_SAMPLE customers when there are more), the best restarted until it stops improving,
 * then BFGS with the analytic gradient on every customer from there. Nelder–Mead finds the basin
 * without derivatives; BFGS converges in a few passes over all the data and says how flat the
 * maximum is.
 */
export function maximiseLikelihood<D extends { readonly n: Float64Array }>(
  data: D,
  /** −ln L per customer of some data, in log-parameters. */
  objective: (d: D) => (z: readonly number[]) => number,
  /** −ln L per customer of all the data and its gradient, in log-parameters. */
  gradient: (z: readonly number[]) => Gradient,
  starts: readonly (readonly number[])[],
): MaximumLikelihood {
  let customers = 0;
  for (let i = 0; i < data.n.length; i++) customers += data.n[i]!;
  const sampled = customers > START_SAMPLE;
  const nm = minimise(objective(sampled ? sampleRows(data, START_SAMPLE) : data), starts, {
    xTolerance: 1e-6,
    fTolerance: 1e-12,
  });
  const q = bfgs(gradient, nm.x, { gTolerance: GRADIENT_TOLERANCE, maxIterations: 200 });
  return {
    z: q.x,
    logLikelihood: -q.value * customers,
    converged: q.converged,
    iterations: nm.iterations + q.iterations,
    evaluations: nm.evaluations + q.evaluations,
    gradientMax: Math.max(...q.gradient.map(Math.abs)),
    startSample: sampled ? START_SAMPLE : null,
  };
}
