import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Row } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import type { LogicalQuery } from '../../src/model/logical-query';
import { resolveQuery } from '../../src/query/resolve';
import { CubeQuerySchema } from '../../src/query/schema';
import { baseDialect, clickhouseDialect, type Dialect, duckdbDialect, render } from '../../src/sql';
import { compileQuery } from '../../src/sql/compile/query';
import { loadDemo } from '../helpers/demo';
import { memoryWarehouse, scratchDir } from '../helpers/warehouse';
import { comparable, copyRows, copySchema, HAS_CHDB, namedParams, openChdb } from './chdb';
import { FIXTURES, fixtureNames, NOW } from './support';

/**
 * Every golden query through every dialect. ClickHouse text must hold no DuckDB-only syntax and
 * run on an in-process ClickHouse over the warehouse's tables (empty); DuckDB with every
 * capability flag off (grouping sets as UNION ALL, GROUP BY aliases, CASE for FILTER, no
 * IS NOT DISTINCT FROM, aliases renamed at the root) must answer on the demo exactly as DuckDB
 * with them on: the rewrites checked against the engine's own grouping sets, filters and joins.
 */

const model = loadModel(join(import.meta.dirname, '..', '..', 'cubes'));
const names = fixtureNames();

/** DuckDB as an engine with none of the optional syntax would be written. */
const duckdbWithout: Dialect = {
  ...duckdbDialect,
  name: 'duckdb-without',
  aggregate: baseDialect.aggregate,
  countDistinct: baseDialect.countDistinct,
  supportsAggregateFilter: false,
  supportsGroupingSets: false,
  supportsQualify: false,
  supportsNullSafeEquals: false,
  supportsGroupByOrdinal: false,
  supportsMaterializedCte: false,
  supportsDottedAliases: false,
};

const DIALECTS: readonly Dialect[] = [duckdbDialect, clickhouseDialect, duckdbWithout];

/** Syntax only DuckDB (or PostgreSQL) reads, which must not reach ClickHouse. */
const DUCKDB_ONLY: readonly [string, RegExp][] = [
  ['a :: cast', /::/],
  ['FILTER (WHERE', /FILTER \(WHERE/i],
  ['IS NOT DISTINCT FROM', /IS NOT DISTINCT FROM/i],
  ['QUALIFY', /\bQUALIFY\b/i],
  ['$n placeholders', /\$\d/],
  ["date_trunc('", /date_trunc\('/],
  ['arg_max', /\barg_m(ax|in)(_null)?\(/],
  ['median/quantile_cont', /\b(median|quantile_cont|quantile_disc)\(/],
  ['json_extract_string', /json_extract_string\(/],
  ['timezone()', /\btimezone\(/],
  ['GROUP BY ordinals', /GROUP BY \d/],
  ['count(DISTINCT', /count\(DISTINCT/i],
];

function logicalOf(name: string): LogicalQuery {
  const input: unknown = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  return resolveQuery(model, CubeQuerySchema.parse(input), { now: NOW });
}

/** One row for a grand total (no grouping, or a rollup to ()), else none, on empty tables. */
function emptyRows(q: LogicalQuery): number {
  const grandTotal =
    !q.ungrouped && !q.having && (q.dimensions.length === 0 || q.rollup.length === q.dimensions.length);
  return grandTotal ? 1 : 0;
}

/** Rows as sorted JSON lines, numbers to 12 significant digits (the two texts sum in other orders). */
function canonical(rows: readonly Row[]): string[] {
  const value = (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v);
  return rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, value(v)]))).sort();
}

describe('golden queries through every dialect', () => {
  it.each(names)('%s: renders in each dialect, with placeholders for every parameter', (name) => {
    const ast = compileQuery(model, logicalOf(name));
    for (const dialect of DIALECTS) {
      const sql = render(ast, dialect);
      expect(sql.params.length, dialect.name).toBeGreaterThan(0);
      if (dialect === clickhouseDialect) {
        for (const [what, pattern] of DUCKDB_ONLY)
          expect(sql.text, `${what} in ${name}`).not.toMatch(pattern);
        const used = [...sql.text.matchAll(/\{p(\d+):[^}]+\}/g)].map((m) => Number(m[1]));
        expect(new Set(used)).toEqual(new Set(sql.params.map((_, i) => i + 1)));
        // A dotted name only as a final column name (` AS `orders.count``), never inside the query.
        const quoted = [...sql.text.matchAll(/( AS )?`([^`]*)`/g)].filter((m) => m[2]!.includes('.'));
        expect(quoted.length).toBeGreaterThan(0);
        for (const m of quoted) expect(m[1], `${m[2]} inside the query`).toBe(' AS ');
      }
    }
  });
});

describe('DuckDB without its optional syntax answers as DuckDB with it (demo)', () => {
  let demo: Engine;
  beforeAll(async () => {
    ({ engine: demo } = await loadDemo());
  });
  afterAll(async () => {
    await demo?.close();
  });

  const answered = new Set<string>();

  it.each(names)('%s', async (name) => {
    const ast = compileQuery(model, logicalOf(name));
    const plain = await demo.query(render(ast, duckdbDialect));
    if (plain.rows.length > 0) answered.add(name);
    const without = await demo.query(render(ast, duckdbWithout));
    expect(without.columns.map((c) => c.name)).toEqual(plain.columns.map((c) => c.name));
    expect(canonical(without.rows)).toEqual(canonical(plain.rows));
  });

  it('compared answers, not empty results', () => {
    expect(answered.size).toBeGreaterThan(names.length * 0.75);
  });
});

/** One in-process ClickHouse for the file (chdb binds one folder per process): empty tables first, then the demo. */
let clickhouse: { client: ClickHouseClient; close: () => Promise<void> } | undefined;
let tables: string[] = [];
afterAll(async () => {
  await clickhouse?.close();
});

/** The file's ClickHouse, with the warehouse's tables created (empty) on first use. */
async function chdb(): Promise<ClickHouseClient> {
  if (clickhouse) return clickhouse.client;
  const duck = await memoryWarehouse();
  clickhouse = await openChdb();
  try {
    tables = await copySchema(duck, clickhouse.client);
  } finally {
    await duck.close();
  }
  return clickhouse.client;
}

describe.runIf(HAS_CHDB)('ClickHouse text runs on in-process ClickHouse (chdb), empty tables', () => {
  let client: ClickHouseClient;
  beforeAll(async () => {
    client = await chdb();
  });

  it.each(names)('%s', async (name) => {
    const logical = logicalOf(name);
    const sql = render(compileQuery(model, logical), clickhouseDialect);
    const result = await client.query({
      query: sql.text,
      query_params: namedParams(sql.params),
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, unknown>>();
    expect(rows.length).toBe(emptyRows(logical));
  });
});

/** Beyond ClickHouse's DateTime64 (DuckDB's open ends, 9999-12-31) the copy holds the type's last instant. */
const LAST_INSTANT = '2299-12-31T23:59:59.999';

function rowsOf(rows: readonly Record<string, unknown>[]): string[] {
  const value = (v: unknown) => {
    const c = comparable(v);
    return typeof c === 'string' && /^\d{4}-/.test(c) && c > LAST_INSTANT ? LAST_INSTANT : c;
  };
  return rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, value(v)]))).sort();
}

describe.runIf(HAS_CHDB)('ClickHouse answers every golden query as DuckDB does (demo in chdb)', () => {
  let duck: Engine;
  let client: ClickHouseClient;
  let scratch: { dir: string; remove: () => void };
  beforeAll(async () => {
    ({ engine: duck } = await loadDemo());
    scratch = scratchDir('rapport-dialects-');
    client = await chdb();
    await copyRows(duck, client, tables, scratch.dir);
  });
  afterAll(async () => {
    await duck?.close();
    scratch?.remove();
  });

  it.each(names)('%s', async (name) => {
    const logical = logicalOf(name);
    const ast = compileQuery(model, logical);
    const expected = await duck.query(render(ast, duckdbDialect));
    const sql = render(ast, clickhouseDialect);
    const result = await client.query({
      query: sql.text,
      query_params: namedParams(sql.params),
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const rows = await result.json<Record<string, unknown>>();
    expect(rowsOf(rows)).toEqual(rowsOf(expected.rows));
  });
  /** One query per member of the model, so model SQL no golden query reaches runs on both engines. */
  const memberQueries: (readonly [string, unknown])[] = [...model.cubes.values()].flatMap((cube) => [
    ...[...cube.dimensions.values()]
      .filter((d) => d.public && !d.segmentMembership)
      .map(
        (d) =>
          [d.fullName, { dimensions: [d.fullName], order: [[d.fullName, 'asc']], limit: 50_000 }] as const,
      ),
    ...[...cube.measures.values()]
      .filter((m) => m.public)
      .map((m) => [m.fullName, { measures: [m.fullName] }] as const),
  ]);

  it('covers every public member of the model', () => {
    expect(memberQueries.length).toBeGreaterThan(150);
  });

  it.each(memberQueries)('member %s', async (_name, input) => {
    const logical = resolveQuery(model, CubeQuerySchema.parse(input), { now: NOW });
    const ast = compileQuery(model, logical);
    const expected = await duck.query(render(ast, duckdbDialect));
    const sql = render(ast, clickhouseDialect);
    const result = client.query({
      query: sql.text,
      query_params: namedParams(sql.params),
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    expect(rowsOf(await (await result).json<Record<string, unknown>>())).toEqual(rowsOf(expected.rows));
  });
});
