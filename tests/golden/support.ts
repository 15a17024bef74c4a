import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogicalQuery } from '../../src/model/logical-query';
import type { Model } from '../../src/model/types';
import { resolveQuery } from '../../src/query/resolve';
import { CubeQuerySchema, type QueryFilter } from '../../src/query/schema';
import { duckdbDialect, type RenderedSql, render } from '../../src/sql';
import { compileQuery } from '../../src/sql/compile/query';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'queries');
export const GOLDEN = join(import.meta.dirname, 'duckdb');
/** Every query is compiled at this instant, so relative date ranges give the same bounds forever. */
export const NOW = new Date('2026-07-01T00:00:00Z');

/** Fixture names (file names without `.json`), sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export interface Compiled {
  readonly input: unknown;
  readonly logical: LogicalQuery;
  readonly sql: RenderedSql;
}

/** The pipeline the HTTP API runs: parse, resolve (clock pinned), compile, render for DuckDB. */
export function compileFixture(model: Model, name: string): Compiled {
  const input: unknown = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  const logical = resolveQuery(model, CubeQuerySchema.parse(input), { now: NOW });
  return { input, logical, sql: render(compileQuery(model, logical), duckdbDialect) };
}

/** Params as stored in `<name>.params.json` (bigints, which JSON lacks, as `"<n>n"`). */
export function paramsJson(params: RenderedSql['params']): string {
  return `${JSON.stringify(params, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 2)}\n`;
}

/** The string values of a query's filters, at any depth of and/or groups. */
export function filterStrings(input: unknown): string[] {
  const filters = (input as { filters?: QueryFilter[] }).filters ?? [];
  const walk = (f: QueryFilter): string[] =>
    'and' in f
      ? f.and.flatMap(walk)
      : 'or' in f
        ? f.or.flatMap(walk)
        : (f.values ?? []).filter((v): v is string => typeof v === 'string');
  return filters.flatMap(walk);
}

export type GoldenResult =
  | { readonly status: 'match' | 'written' }
  | { readonly status: 'mismatch'; readonly expected: { readonly text: string; readonly params: string } };

/**
 * Compares `<name>.sql` and `<name>.params.json` with the compiled text and params. A missing
 * golden is written; a mismatch leaves `<name>.actual.sql` and `<name>.actual.params.json`
 * beside them, which a later match removes.
 */
export function checkGolden(name: string, text: string, params: string): GoldenResult {
  const path = (suffix: string) => join(GOLDEN, `${name}${suffix}`);
  const files = [
    { golden: path('.sql'), actual: path('.actual.sql'), content: `${text}\n` },
    { golden: path('.params.json'), actual: path('.actual.params.json'), content: params },
  ];
  let written = false;
  for (const f of files) {
    if (existsSync(f.golden)) continue;
    writeFileSync(f.golden, f.content);
    written = true;
  }
  const [sqlGolden, paramsGolden] = files.map((f) => readFileSync(f.golden, 'utf8')) as [string, string];
  if (sqlGolden === files[0]!.content && paramsGolden === params) {
    for (const f of files) rmSync(f.actual, { force: true });
    return { status: written ? 'written' : 'match' };
  }
  for (const f of files) writeFileSync(f.actual, f.content);
  return { status: 'mismatch', expected: { text: sqlGolden.replace(/\n$/, ''), params: paramsGolden } };
}
