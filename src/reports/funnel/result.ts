import type { JsonValue } from '../../engine';
import type { CorrelationRow, PropertyCorrelationRow } from './correlation';
import type { FunnelParams } from './params';

export interface FunnelStepRow {
  step_index: number;
  step: string;
  /** Actors whose level is at least this step. */
  actors: number;
  /** actors / actors of the previous step; null at step 1 and when the previous step has none. */
  conversion_from_previous: number | null;
  /** actors / actors of step 1; null when step 1 has none. */
  conversion_from_first: number | null;
  /**
   * Actors who reached this step and not the next; null at the last step, where those who
   * reached it completed the funnel (they are `actors`).
   */
  dropped: number | null;
  /**
   * Of `actors`, those who are known customers, and of `dropped`, likewise: exactly the members
   * a target group saved from the step would hold (anonymous visitors cannot be saved).
   */
  customers: number;
  customers_dropped: number | null;
  /** Median and p90 (quantile_cont) of the actors' shortest time from step 1 to this step, in seconds. */
  median_seconds_to_step: number | null;
  p90_seconds_to_step: number | null;
}

export interface FunnelResult {
  params: FunnelParams;
  source: string;
  mode: FunnelParams['mode'];
  actor: FunnelParams['actor'];
  window: { text: string; seconds: number };
  as_of: string | null;
  /** Actors that reached step 1. */
  actors: number;
  steps: FunnelStepRow[];
  /**
   * Time from step 1 to the last step of the actors who completed, in equal-width bins (seconds);
   * empty when nobody completed.
   */
  time_to_convert?: { from_seconds: number; to_seconds: number; actors: number }[];
  /**
   * With correlation: the other events, most telling first (docs/analytics.md, "Funnel"); with
   * correlation_properties: the values of those properties. Significance is corrected for every
   * event and value tested together.
   */
  correlation?: {
    successes: number;
    failures: number;
    events?: CorrelationRow[];
    properties?: PropertyCorrelationRow[];
  };
  /** With conversion_over_time: per period of the actors' step 1, those who entered and completed. */
  over_time?: {
    period: string;
    entered: number;
    converted: number;
    conversion: number | null;
    /** The period is cut by the range's start or by as_of: fewer could enter than in a whole one. */
    partial: boolean;
    /** Every entrant had the whole window before as_of; where false the rate can still rise. */
    window_closed: boolean;
  }[];
  /** With a breakdown: its dimension and the steps per value (each actor in one value). */
  breakdown?: { dimension: string; values: { value: JsonValue; actors: number; steps: FunnelStepRow[] }[] };
}
