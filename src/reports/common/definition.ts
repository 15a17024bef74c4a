import type { z } from 'zod';
import type { Row } from '../../engine';
import { AppError } from '../../errors';
import type { SqlNode } from '../../sql';
import type { ReportContext } from './context';

/** The engines a report's SQL is written for, by dialect name (`duckdb`, `clickhouse`). */
export type ReportEngine = 'duckdb' | 'clickhouse';

/** Reports that declare no `engines` run on DuckDB only: their SQL predates the ClickHouse dialect. */
export const DEFAULT_REPORT_ENGINES: readonly ReportEngine[] = ['duckdb'];

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
  /**
   * The warehouse engines the report's SQL runs on [DEFAULT_REPORT_ENGINES: DuckDB only]. A
   * report is widened here once its SQL goes through the AST and the dialect and a parity test
   * shows both engines answer alike.
   */
  readonly engines?: readonly ReportEngine[];
}

/** Whether `report` runs on an engine whose dialect is `dialect`. */
export function reportRunsOn(
  report: { readonly engines?: readonly ReportEngine[] },
  dialect: string,
): boolean {
  return (report.engines ?? DEFAULT_REPORT_ENGINES).some((e) => e === dialect);
}

/**
 * Refuses a report on a warehouse engine its SQL is not written for, before any SQL is sent:
 * the engine's own error would be a syntax error about DuckDB text, and a 502.
 */
export function assertReportRunsOn(
  report: { readonly name: string; readonly engines?: readonly ReportEngine[] },
  ctx: Pick<ReportContext, 'engine'>,
): void {
  const dialect = ctx.engine.dialect.name;
  if (reportRunsOn(report, dialect)) return;
  const engines = report.engines ?? DEFAULT_REPORT_ENGINES;
  throw new AppError(
    'REPORT_ENGINE_UNSUPPORTED',
    `the report "${report.name}" does not run on ${dialect} yet (it runs on ${engines.join(', ')}); serve it from the embedded DuckDB warehouse (without --clickhouse)`,
    { report: report.name, engine: dialect, engines: [...engines] },
  );
}

export function defineReport<P>(d: ReportDefinition<P>): ReportDefinition<P> {
  return d;
}
