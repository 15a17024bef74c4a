import { type BgNbdFit, type BgNbdParams, eq10Bracket, fitBgNbd } from './bgnbd';
import { fitGammaGamma, type GammaGammaFit, type SpendGroups } from './gamma-gamma';

/** What the CLV fit needs: plain data, so it can run in a compute worker. */
export interface ClvFitInput {
  /** The distinct (x, t_x, T) of the customers, t_x and T in days, with how many share each. */
  readonly triples: {
    readonly x: Float64Array;
    readonly txDays: Float64Array;
    readonly tDays: Float64Array;
    readonly n: Float64Array;
  };
  /** Customers with repeat spend grouped by (x, repeat spend); fitted by Gamma-Gamma. */
  readonly spend: SpendGroups;
  /** Days per unit of time. */
  readonly unitDays: number;
  /** Units ahead. */
  readonly horizon: number;
  /** Per unit of time. */
  readonly discountRate: number;
  /** The hold-out period's length in units, with a calibration end. */
  readonly holdout: number | null;
}

/**
 * The brackets of FHL eq. (10) per distinct (x, T): E[Y(t) | x, t_x, T] is
 * (a+b+x−1) · P(alive | x, t_x, T) · bracket(x, T, t), and only P(alive) depends on t_x, which SQL
 * computes in closed form per customer. NaN where a series did not converge.
 */
export interface PairBrackets {
  readonly x: Float64Array;
  readonly tDays: Float64Array;
  /** bracket(x, T, horizon). */
  readonly horizon: Float64Array;
  /** Σ_{k=1..horizon} (bracket(k) − bracket(k−1)) / (1+d)^k: the discounted horizon. */
  readonly discounted: Float64Array;
  /** bracket(x, T, hold-out length), with a calibration end. */
  readonly holdout: Float64Array | null;
}

export interface ClvFitOutput {
  readonly bgnbd: BgNbdFit;
  readonly gammaGamma: GammaGammaFit | null;
  readonly pairs: PairBrackets;
  /** Pairs whose brackets could not be computed. */
  readonly notComputable: number;
}

/** The distinct (x, T) of the triples. */
function distinctPairs(x: Float64Array, tDays: Float64Array): { x: Float64Array; tDays: Float64Array } {
  const seen = new Set<string>();
  const xs: number[] = [];
  const ts: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const key = `${x[i]}:${tDays[i]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    xs.push(x[i]!);
    ts.push(tDays[i]!);
  }
  return { x: Float64Array.from(xs), tDays: Float64Array.from(ts) };
}

/**
 * Per distinct (x, T): the bracket at the horizon, its discounted sum over the horizon's units
 * (E[Y(k)] − E[Y(k−1)] is the expected purchases in unit k) and the bracket at the hold-out length.
 */
export function pairBrackets(
  params: BgNbdParams,
  pairs: { x: Float64Array; tDays: Float64Array },
  options: Pick<ClvFitInput, 'unitDays' | 'horizon' | 'discountRate' | 'holdout'>,
): { brackets: PairBrackets; notComputable: number } {
  const { unitDays, horizon, discountRate, holdout } = options;
  const m = pairs.x.length;
  const atHorizon = new Float64Array(m);
  const discounted = new Float64Array(m);
  const held = holdout === null ? null : new Float64Array(m);
  const v = 1 / (1 + discountRate);
  let notComputable = 0;
  for (let i = 0; i < m; i++) {
    const x = pairs.x[i]!;
    const T = pairs.tDays[i]! / unitDays;
    const bH = eq10Bracket(params, x, T, horizon);
    atHorizon[i] = bH;
    if (discountRate === 0) discounted[i] = bH;
    else {
      let sum = 0;
      let previous = 0;
      let factor = 1;
      for (let k = 1; k <= horizon; k++) {
        const b = k === horizon ? bH : eq10Bracket(params, x, T, k);
        factor *= v;
        sum += (b - previous) * factor;
        previous = b;
      }
      discounted[i] = sum;
    }
    if (held) held[i] = eq10Bracket(params, x, T, holdout!);
    if (!Number.isFinite(discounted[i]!) || (held && !Number.isFinite(held[i]!))) notComputable++;
  }
  return {
    brackets: { x: pairs.x, tDays: pairs.tDays, horizon: atHorizon, discounted, holdout: held },
    notComputable,
  };
}

/** Fits BG/NBD on the triples (in units) and Gamma-Gamma on the spend, then the brackets per (x, T). */
export function fitClv(input: ClvFitInput): ClvFitOutput {
  const { triples, unitDays } = input;
  const bgnbd = fitBgNbd({
    x: triples.x,
    tx: triples.txDays.map((d) => d / unitDays),
    T: triples.tDays.map((d) => d / unitDays),
    n: triples.n,
  });
  const gammaGamma = input.spend.x.length > 0 ? fitGammaGamma(input.spend) : null;
  const { brackets, notComputable } = pairBrackets(
    bgnbd.params,
    distinctPairs(triples.x, triples.tDays),
    input,
  );
  return { bgnbd, gammaGamma, pairs: brackets, notComputable };
}
