import type { Engine } from '../../engine';
import type { Model } from '../../model/types';
import { type Compute, computePool } from '../compute/pool';

/** What every report runs with. */
export interface ReportContext {
  readonly engine: Engine;
  readonly model: Model;
  /** The clock for relative dates in population filters. */
  readonly now: () => Date;
  /** Where JavaScript computation runs (worker threads) [the process's pool]. */
  readonly compute?: Compute;
  /** How long one computation may take before it is cut (504 QUERY_TIMEOUT) [120 s]. */
  readonly computeTimeoutMs?: number;
}

/** Runs a report computation off the event loop, under the context's time limit. */
export function computeOf(ctx: ReportContext): Compute {
  const pool = ctx.compute ?? computePool();
  return {
    run: (task, args, options) =>
      pool.run(task, args, { timeoutMs: options?.timeoutMs ?? ctx.computeTimeoutMs }),
  };
}
