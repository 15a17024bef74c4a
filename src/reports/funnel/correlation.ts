/**
 * Which events make completing a funnel more or less likely (PostHog's correlation analysis):
 * per event, a 2 × 2 table of actors (completed or not × did the event or not) summarised by its
 * odds ratio and a test of independence.
 */
/** Actors who completed and did not, among those with a variable (an event, a property's value). */
export interface Counts {
  /** Completed and had it. */
  readonly success_with: number;
  /** Did not complete and had it. */
  readonly failure_with: number;
}

export interface CorrelationCounts extends Counts {
  readonly event: string;
}

export interface PropertyCorrelationCounts extends Counts {
  /** The dimension (`web_events.properties.plan`, `customers.region`). */
  readonly property: string;
  /** Its value on the actor's step-1 event (null: the property is missing). */
  readonly value: string | number | boolean | null;
}

export interface Tested {
  /** Odds of completing with it over the odds without, each cell plus one (PostHog's prior). */
  readonly odds_ratio: number;
  /** Two-sided p-value of independence: Fisher's exact test for small tables, else Pearson's χ² (1 df, Yates). */
  readonly p_value: number;
  readonly test: 'fisher' | 'chi_square';
  readonly direction: 'success' | 'failure';
  /** p_value below 0.05 after Bonferroni's correction for the number of variables tested. */
  readonly significant: boolean;
}

export type CorrelationRow = CorrelationCounts & Tested;
export type PropertyCorrelationRow = PropertyCorrelationCounts & Tested;

const FISHER_MAX = 2_000;

function logFactorials(n: number): Float64Array {
  const f = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) f[i] = f[i - 1]! + Math.log(i);
  return f;
}

/** Two-sided Fisher exact p-value of [[a, b], [c, d]]: the tables no likelier than the observed one. */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const lf = logFactorials(n);
  const r1 = a + b;
  const c1 = a + c;
  const logP = (x: number) =>
    lf[r1]! +
    lf[n - r1]! +
    lf[c1]! +
    lf[n - c1]! -
    lf[n]! -
    lf[x]! -
    lf[r1 - x]! -
    lf[c1 - x]! -
    lf[n - r1 - c1 + x]!;
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, r1 + c1 - n); x <= Math.min(r1, c1); x++) {
    const lp = logP(x);
    // The relative tolerance R's fisher.test uses for "no likelier".
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** Pearson's χ² with Yates' continuity correction, 1 degree of freedom: its upper-tail p-value. */
export function chiSquareYates(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const c2 = b + d;
  if (r1 === 0 || r2 === 0 || c1 === 0 || c2 === 0) return 1;
  const diff = Math.max(0, Math.abs(a * d - b * c) - n / 2);
  const x2 = (n * diff * diff) / (r1 * r2 * c1 * c2);
  // P(χ²₁ > x) = erfc(√(x/2)).
  return erfc(Math.sqrt(x2 / 2));
}

/**
 * The complementary error function with a relative error below 1.2e-7 everywhere (Numerical
 * Recipes' erfcc, a Chebyshev fit): `1 − erf` would lose every digit of a tiny p-value.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * The rows from the counts, most telling first (largest |log odds ratio|, then `key`):
 * `successes` and `failures` are all actors who completed or not; `tests` is the number of
 * variables tested together (Bonferroni), by default the rows given.
 */
export function correlate<T extends Counts>(
  counts: readonly T[],
  successes: number,
  failures: number,
  key: (x: T) => string,
  tests = counts.length,
): (T & Tested)[] {
  const m = Math.max(1, tests);
  return counts
    .map((x): T & Tested => {
      const a = x.success_with;
      const b = x.failure_with;
      const c = successes - a;
      const d = failures - b;
      const oddsRatio = ((a + 1) * (d + 1)) / ((b + 1) * (c + 1));
      const small = a + b + c + d <= FISHER_MAX;
      const p = small ? fisherExact(a, b, c, d) : chiSquareYates(a, b, c, d);
      return {
        ...x,
        odds_ratio: oddsRatio,
        p_value: p,
        test: small ? 'fisher' : 'chi_square',
        direction: oddsRatio >= 1 ? 'success' : 'failure',
        significant: p * m < 0.05,
      };
    })
    .sort(
      (u, v) =>
        Math.abs(Math.log(v.odds_ratio)) - Math.abs(Math.log(u.odds_ratio)) || key(u).localeCompare(key(v)),
    );
}
