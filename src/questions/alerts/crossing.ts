import type { Condition } from './types';

/**
 * Whether a value is past its alert's condition, and whether a check fires. Pure, so the
 * once-per-crossing rule is tested on hand-worked sequences.
 */

export interface Reading {
  readonly value: number;
  /** The previous period's value (change_pct). */
  readonly previous?: number | null;
  /** The forecast's 95% band for the period (outside_forecast). */
  readonly band?: { readonly lower: number; readonly upper: number } | null;
}

/** Whether the reading is crossed; undefined when it cannot tell (no previous value, no band). */
export function isCrossed(condition: Condition, threshold: number | null, r: Reading): boolean | undefined {
  switch (condition) {
    case 'above':
      return r.value > (threshold ?? Number.POSITIVE_INFINITY);
    case 'below':
      return r.value < (threshold ?? Number.NEGATIVE_INFINITY);
    case 'outside_forecast':
      return r.band ? r.value < r.band.lower || r.value > r.band.upper : undefined;
    case 'change_pct': {
      // A change from zero is infinite: any value other than zero is past any percentage.
      if (r.previous === undefined || r.previous === null) return undefined;
      if (r.previous === 0) return r.value !== 0;
      return (Math.abs(r.value - r.previous) / Math.abs(r.previous)) * 100 > (threshold ?? 0);
    }
  }
}

/**
 * A check fires when it is crossed and the check before was not: no repeat while the value
 * stays crossed, a new firing after it returned and crossed again. A check that could not tell
 * (undefined) neither fires nor resets the state: the caller keeps the previous one.
 */
export function fires(previouslyCrossed: boolean, crossed: boolean | undefined): boolean {
  return crossed === true && !previouslyCrossed;
}
