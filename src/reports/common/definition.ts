import type { z } from 'zod';
import type { Row } from '../../engine';
import type { SqlNode } from '../../sql';
import type { ReportContext } from './context';

/** Rows of a report in its documented column order: what `--format table|csv` prints. */
export interface ReportRows {
  readonly columns: readonly string[];
  readonly data: readonly Row[];
}

export interface ReportOutput {
  /** The whole result as JSON (the HTTP body and `--format json`). */
  readonly json: Record<string, unknown>;
  /** The report's main rows (funnel steps, cohort cells, campaigns, forecast points …). */
  readonly rows: ReportRows;
  /** Text printed under the table by the CLI (e.g. backtest accuracy). */
  readonly footer?: string;
}

/** A dimension whose values a report's output lists, and which parameter makes it so. */
export interface ListedValues {
  readonly member: string;
  /** Why, for the user refused: e.g. "breakdown: its values are the series". */
  readonly because: string;
}

/**
 * A report: a name, a zod schema for its parameters (the HTTP body; CLI flags map onto it),
 * and `run`. Reports with a per-customer output also give `table`: the SQL of every row, which
 * CSV and Arrow stream straight out of DuckDB without becoming JavaScript objects.
 */
export interface ReportDefinition<P = unknown> {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodType<P>;
  run(ctx: ReportContext, params: P): Promise<ReportOutput>;
  table?(ctx: ReportContext, params: P): Promise<{ sql: SqlNode; columns: readonly string[] }>;
  /**
   * The dimensions whose values the output lists for these parameters (a breakdown's values as
   * series keys, customer ids as rows): the server checks that the user may list them.
   */
  lists?(params: P, format: 'json' | 'csv' | 'arrow'): readonly ListedValues[];
}

export function defineReport<P>(d: ReportDefinition<P>): ReportDefinition<P> {
  return d;
}
