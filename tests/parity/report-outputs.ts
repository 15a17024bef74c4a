import type { Model } from '../../src/model/types';
import type { ReportContext } from '../../src/reports/common/context';
import type { ReportDefinition, ReportOutput } from '../../src/reports/common/definition';
import { DEMO_NOW } from '../helpers/demo';
import { differences, sameValue } from './compare';
import type { PublishedDemo } from './published';

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
  const ctx = (engine: PublishedDemo['duckdb']): ReportContext => ({
    engine,
    state: demo.duckdb,
    model,
    now: () => DEMO_NOW,
  });
  const params = report.schema.parse(input);
  const t0 = performance.now();
  const duck = await report.run(ctx(demo.duckdb), params);
  const t1 = performance.now();
  const click = await report.run(ctx(demo.clickhouse), params);
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
