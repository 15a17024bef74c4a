import type { Model } from '../../src/model/types';
import type { ReportContext } from '../../src/reports/common/context';
import type { ReportDefinition, ReportOutput } from '../../src/reports/common/definition';
import { DEMO_NOW } from '../helpers/demo';
import { differences, sameValue } from './compare';
import type { PublishedDemo } from './published';

/**
 * A report's context on one of the demo's warehouses: state always in the DuckDB, the demo's
 * clock, the model given (a restricted one for a row-restricted user).
 */
export function reportContext(
  demo: PublishedDemo,
  engine: PublishedDemo['duckdb'],
  model: Model = demo.model,
): ReportContext {
  return { engine, state: demo.duckdb, model, now: () => DEMO_NOW };
}

/**
 * A report run on the DuckDB warehouse and on its published ClickHouse copy (application state
 * stays in the DuckDB), for the model given (a restricted one for a row-restricted user).
 */
export async function runBoth<P>(
  demo: PublishedDemo,
  report: ReportDefinition<P>,
  input: unknown,
  model: Model = demo.model,
): Promise<{ duck: ReportOutput; click: ReportOutput }> {
  const params = report.schema.parse(input);
  const t0 = performance.now();
  const duck = await report.run(reportContext(demo, demo.duckdb, model), params);
  const t1 = performance.now();
  const click = await report.run(reportContext(demo, demo.clickhouse, model), params);
  const t2 = performance.now();
  // Seconds on each engine, for the record (a busy machine stretches both).
  console.info(
    `${report.name} ${JSON.stringify(input)}: DuckDB ${((t1 - t0) / 1000).toFixed(1)} s, ClickHouse ${((t2 - t1) / 1000).toFixed(1)} s`,
  );
  return { duck, click };
}

/**
 * Every difference between two JSON values under the parity rules (numbers to 1e-9 relative,
 * timestamps as instants), by path; arrays compared element by element, in order.
 */
export function jsonDifferences(duck: unknown, other: unknown, path = '$'): string[] {
  if (Array.isArray(duck) && Array.isArray(other)) {
    if (duck.length !== other.length)
      return [`${path}: length DuckDB ${duck.length}, ClickHouse ${other.length}`];
    return duck.flatMap((d, i) => jsonDifferences(d, other[i], `${path}[${i}]`)).slice(0, 10);
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(duck) && isObject(other)) {
    const keys = [...new Set([...Object.keys(duck), ...Object.keys(other)])].sort();
    return keys.flatMap((k) => jsonDifferences(duck[k], other[k], `${path}.${k}`)).slice(0, 10);
  }
  if (duck === undefined && other === undefined) return [];
  return sameValue(duck, other)
    ? []
    : [`${path}: DuckDB ${JSON.stringify(duck)}, ClickHouse ${JSON.stringify(other)}`];
}

/** The differences of two report outputs: rows (ordered by `ordered`) and the whole JSON. */
export function outputDifferences(
  duck: ReportOutput,
  click: ReportOutput,
  ordered: readonly string[],
): string[] {
  return [
    ...differences(duck.rows.data, click.rows.data, ordered).map((d) => `rows: ${d}`),
    ...jsonDifferences(duck.json, click.json).map((d) => `json: ${d}`),
  ];
}

/**
 * The rows of a report's table SQL (what CSV and Arrow stream) on each warehouse, and their
 * differences under the parity rules.
 */
export async function tableDifferences<P>(
  demo: PublishedDemo,
  report: ReportDefinition<P>,
  params: P,
  ordered: readonly string[],
): Promise<{ duckRows: number; differences: string[] }> {
  const rowsOn = async (engine: PublishedDemo['duckdb']) => {
    const table = await report.table!(reportContext(demo, engine), params);
    return (await engine.query(table.sql)).rows;
  };
  const [d, c] = [await rowsOn(demo.duckdb), await rowsOn(demo.clickhouse)];
  return {
    duckRows: d.length,
    differences: outputDifferences(
      { json: {}, rows: { columns: [], data: d } },
      { json: {}, rows: { columns: [], data: c } },
      ordered,
    ),
  };
}
