import type { Engine } from '../../engine';
import type { Model } from '../../model/types';
import { type Compute, computePool } from '../compute/pool';

/** What every report runs with. */
export interface ReportContext {
  /**
   * The warehouse: where the report reads the star schema. The embedded DuckDB by default; a
   * ClickHouse when served with `--clickhouse` (a report declares the engines it runs on).
   */
  readonly engine: Engine;
  /**
   * Where application state is written and read (saved segments, target groups and their
   * members, path users): always the embedded DuckDB [`engine`]. Separate from `engine` because
   * a published ClickHouse holds the star schema only.
   */
  readonly state?: Engine;
  readonly model: Model;
  /** The clock for relative dates in population filters. */
  readonly now: () => Date;
  /** Where JavaScript computation runs (worker threads) [the process's pool]. */
  readonly compute?: Compute;
  /** How long one computation may take before it is cut (504 QUERY_TIMEOUT) [120 s]. */
  readonly computeTimeoutMs?: number;
  /**
   * The warehouse's data version (the last ETL run that changed data): what a report may keep
   * between runs is kept for one version. Without it, nothing data-dependent is kept.
   */
  readonly dataVersion?: () => number;
}

/** The engine application state lives in: `state`, else the warehouse engine itself. */
export function stateEngine(ctx: ReportContext): Engine {
  return ctx.state ?? ctx.engine;
}

/** Runs a report computation off the event loop, under the context's time limit. */
export function computeOf(ctx: ReportContext): Compute {
  const pool = ctx.compute ?? computePool();
  return {
    run: (task, args, options) =>
      pool.run(task, args, { timeoutMs: options?.timeoutMs ?? ctx.computeTimeoutMs }),
  };
}
