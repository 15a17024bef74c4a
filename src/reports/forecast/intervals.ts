/** Standard normal quantiles for the two interval levels (Φ⁻¹(0.9), Φ⁻¹(0.975)). */
export const Z80 = 1.2815515655446004;
export const Z95 = 1.959963984540054;

/** Backtest errors at a step below this count do not set that step's width on their own. */
export const MIN_BACKTEST_ERRORS = 5;

/**
 * The Student-t quantile with df degrees of freedom for the normal quantile z, by the
 * Cornish–Fisher expansion of Abramowitz & Stegun 26.7.5 (within 0.001 for df ≥ 5).
 */
export function tQuantile(z: number, df: number): number {
  if (!Number.isFinite(df)) return z;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export const INTERVALS_DESCRIPTION =
  'forecast ± t(df)·sd. sd at step k: the root mean square of the chosen method’s backtest errors at step k ' +
  `(source backtest, df = their number, when at least ${MIN_BACKTEST_ERRORS} origins reached k); beyond the last such ` +
  'step k0, sd(k0)·√(k/k0) (backtest_extrapolated); without a backtest, the in-sample one-step RMSE·√k ' +
  '(in_sample, df = residual degrees of freedom); for ETS, ARIMA, Theta and their combination, the model’s own ' +
  'forecast sd at step k instead when its interval is wider (model, df = residual degrees of freedom); never ' +
  'narrower than the step before.';

export type WidthSource = 'backtest' | 'backtest_extrapolated' | 'in_sample' | 'model';

export interface StepWidth {
  readonly step: number;
  /** The standard deviation of the step's forecast error the intervals use. */
  readonly sd: number;
  /** Degrees of freedom of that estimate (the number of errors it rests on). */
  readonly df: number;
  readonly source: WidthSource;
}

/**
 * The forecast-error sd at each step 1..h: the root mean square of the chosen method's backtest
 * errors at that step when at least MIN_BACKTEST_ERRORS origins reached it; beyond the last such
 * step k0, sd(k0)·√(k/k0); with no such step, the in-sample one-step RMSE · √k (the random-walk
 * rate). A method with its own error model (ETS, ARIMA, Theta, the combination) gives its
 * forecast variance at k: the wider of the two is taken (source `model` when it is the model's,
 * df = the model's residual degrees of freedom). Then the widths are made non-decreasing in k
 * (a step narrower than the one before takes that one's sd and df), so intervals never narrow
 * with the horizon.
 */
export function stepWidths(
  errorsByStep: readonly (readonly number[])[],
  inSample: { sd: number; df: number },
  h: number,
  model?: { variance: readonly number[]; df: number },
): StepWidth[] {
  const out: StepWidth[] = [];
  let anchor: StepWidth | undefined;
  const halfWidth = (w: StepWidth) => tQuantile(Z95, w.df) * w.sd;
  for (let k = 1; k <= h; k++) {
    const errors = errorsByStep[k - 1] ?? [];
    let w: StepWidth;
    if (errors.length >= MIN_BACKTEST_ERRORS && (anchor === undefined || anchor.step === k - 1)) {
      const sd = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
      w = { step: k, sd, df: errors.length, source: 'backtest' };
      anchor = w;
    } else if (anchor) {
      w = {
        step: k,
        sd: anchor.sd * Math.sqrt(k / anchor.step),
        df: anchor.df,
        source: 'backtest_extrapolated',
      };
    } else {
      w = { step: k, sd: inSample.sd * Math.sqrt(k), df: inSample.df, source: 'in_sample' };
    }
    const variance = model?.variance[k - 1];
    if (model && variance !== undefined && Number.isFinite(variance)) {
      const own: StepWidth = { step: k, sd: Math.sqrt(variance), df: model.df, source: 'model' };
      if (halfWidth(own) > halfWidth(w)) w = own;
    }
    const previous = out[k - 2];
    out.push(previous && halfWidth(previous) > halfWidth(w) ? { ...previous, step: k } : w);
  }
  return out;
}

export interface Interval {
  readonly lower80: number;
  readonly upper80: number;
  readonly lower95: number;
  readonly upper95: number;
}

/** point ± t(df)·sd at 80% and 95%: the error sd is itself estimated from df errors. */
export function intervalOf(point: number, w: Pick<StepWidth, 'sd' | 'df'>): Interval {
  const q80 = tQuantile(Z80, w.df) * w.sd;
  const q95 = tQuantile(Z95, w.df) * w.sd;
  return { lower80: point - q80, upper80: point + q80, lower95: point - q95, upper95: point + q95 };
}
