import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine';
import {
  clickhouseDialect,
  columnRef,
  type Dialect,
  duckdbDialect,
  func,
  ident,
  param,
  raw,
  render,
  type SelectNode,
  type SqlNode,
  select,
  sql,
} from '../../src/sql';
import { comparable, HAS_CHDB, namedParams, openChdb } from '../golden/chdb';

/**
 * What render does with each capability flag, checked by running the rewritten SQL: grouping
 * sets as a UNION ALL, QUALIFY as a filtering subquery, GROUP BY by alias, materialised CTEs,
 * temporary tables, typed parameters, and dotted aliases kept out of ClickHouse's way. The
 * expected rows are worked out by hand from this table:
 *
 *   region  country  amount
 *   EU      DE       10
 *   EU      FR        5
 *   US      US        7
 *   NULL    XX        1
 */

const ROWS = "('EU', 'DE', 10), ('EU', 'FR', 5), ('US', 'US', 7), (NULL, 'XX', 1)";

const rollup: SelectNode = select({
  columns: [
    { expr: ident('s', 'region'), alias: 's.region' },
    { expr: ident('s', 'country'), alias: 's.country' },
    { expr: func('sum', [ident('s', 'amount')]), alias: 's.amount' },
    { expr: func('grouping', [ident('s.region'), ident('s.country')]), alias: 'g' },
  ],
  from: { kind: 'table', path: ['sales'], alias: 's' },
  groupingSets: [[ident('s.region'), ident('s.country')], [ident('s.region')], []],
  orderBy: [
    { expr: ident('g'), direction: 'asc' },
    { expr: ident('s.amount'), direction: 'desc' },
  ],
});

// grouping(region, country): 0 for full rows, 1 with country rolled up, 3 for the grand total.
// The data's own NULL region stays apart from the rolled-up ones by its mask.
const ROLLUP_ROWS = [
  ['EU', 'DE', 10, 0],
  ['US', 'US', 7, 0],
  ['EU', 'FR', 5, 0],
  [null, 'XX', 1, 0],
  ['EU', null, 15, 1],
  ['US', null, 7, 1],
  [null, null, 1, 1],
  [null, null, 23, 3],
];

// The largest sale of each region (ties none), and only those.
const qualified: SelectNode = select({
  columns: [
    { expr: raw('region'), alias: 'region' },
    { expr: raw('country'), alias: 'country' },
    { expr: raw('row_number() OVER (PARTITION BY region ORDER BY amount DESC)'), alias: 'rn' },
  ],
  from: { kind: 'table', path: ['sales'] },
  qualify: sql`rn = ${param(1)}`,
  orderBy: [{ expr: ident('country'), direction: 'asc' }],
});
const QUALIFIED_ROWS = [
  ['EU', 'DE', 1],
  ['US', 'US', 1],
  [null, 'XX', 1],
];

/** A dotted alias that ClickHouse would take for `s`.`amount` in the HAVING, inside a subquery. */
const dotted: SelectNode = select({
  columns: [
    { expr: ident('sub', 's.country'), alias: 's.country' },
    { expr: ident('sub', 's.amount'), alias: 's.amount' },
  ],
  from: {
    kind: 'subquery',
    alias: 'sub',
    query: select({
      columns: [
        { expr: ident('s', 'country'), alias: 's.country' },
        { expr: func('sum', [ident('s', 'amount')]), alias: 's.amount' },
      ],
      from: { kind: 'table', path: ['sales'], alias: 's' },
      groupBy: [columnRef(1)],
      having: sql`${func('sum', [ident('s', 'amount')])} > ${param(5)}`,
    }),
  },
  orderBy: [{ expr: ident('s.amount'), direction: 'desc' }],
});
const DOTTED_ROWS = [
  ['DE', 10],
  ['US', 7],
];

const materialized: SelectNode = select({
  with: [
    {
      name: 'big',
      materialized: true,
      query: select({
        columns: [{ expr: raw('*') }],
        from: { kind: 'table', path: ['sales'] },
        where: raw('amount > 6'),
      }),
    },
  ],
  columns: [{ expr: raw('count(*)'), alias: 'n' }],
  from: { kind: 'table', path: ['big'] },
});

const without = (d: Dialect): Dialect => ({
  ...d,
  name: `${d.name} without`,
  supportsGroupingSets: false,
  supportsQualify: false,
  supportsGroupByOrdinal: false,
});

/** A runner: rendered SQL in, rows as arrays (in column order) out. */
type Run = (node: SqlNode, dialect: Dialect) => Promise<unknown[][]>;

function behaves(
  label: string,
  dialect: Dialect,
  open: () => Promise<{ run: Run; close: () => Promise<void> }>,
) {
  describe(label, () => {
    let run: Run;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ run, close } = await open());
    });
    afterAll(async () => {
      await close?.();
    });

    it.each([dialect, without(dialect)])('grouping sets ($name)', async (d) => {
      expect(await run(rollup, d)).toEqual(ROLLUP_ROWS);
    });

    it.each([dialect, without(dialect)])('QUALIFY ($name)', async (d) => {
      expect(await run(qualified, d)).toEqual(QUALIFIED_ROWS);
    });

    it('dotted aliases inside a subquery and against a HAVING', async () => {
      expect(await run(dotted, dialect)).toEqual(DOTTED_ROWS);
    });

    it('a CTE asked to be materialised', async () => {
      expect(await run(materialized, dialect)).toEqual([[2]]);
    });

    it('a temporary table from a query', async () => {
      await run(
        {
          kind: 'create_temp_table',
          name: 'eu_sales',
          query: select({
            columns: [{ expr: raw('*') }],
            from: { kind: 'table', path: ['sales'] },
            where: raw("region = 'EU'"),
          }),
        },
        dialect,
      );
      expect(await run(sql`SELECT sum(amount) AS n FROM eu_sales`, dialect)).toEqual([[15]]);
    });

    it('parameters of every logical type round-trip', async () => {
      const values = sql`SELECT ${param('2026-03-01 10:00:00', 'timestamp')} AS a, ${param('1960-02-03', 'date')} AS b,
        ${param(2.25, 'decimal(18,4)')} AS c, ${param(7)} AS d, ${param(1.5)} AS e, ${param('x')} AS f,
        ${param(true)} AS g, ${param(null)} AS h, ${param(['a', 'b'])} AS i, ${param(12, 'INTEGER')} AS j`;
      expect(await run(values, dialect)).toEqual([
        ['2026-03-01T10:00:00.000', '1960-02-03T00:00:00.000', 2.25, 7, 1.5, 'x', true, null, ['a', 'b'], 12],
      ]);
    });
  });
}

behaves('on DuckDB', duckdbDialect, async () => {
  const duck = await DuckDbEngine.open({ path: ':memory:' });
  await duck.exec('CREATE TABLE sales (region VARCHAR, country VARCHAR, amount BIGINT)');
  await duck.exec(`INSERT INTO sales VALUES ${ROWS}`);
  return {
    run: async (node, dialect) => {
      return await duck.withSession(async (session) => {
        const r = await session.query(render(node, dialect));
        return r.rows.map((row) => r.columns.map((c) => comparable(row[c.name])));
      });
    },
    close: () => duck.close(),
  };
});

if (HAS_CHDB) {
  let client: ClickHouseClient | undefined;
  behaves('on ClickHouse (chdb)', clickhouseDialect, async () => {
    const ch = await openChdb();
    client = ch.client;
    await client.command({
      query: 'CREATE TABLE sales (region Nullable(String), country String, amount Int64) ENGINE = Memory',
    });
    await client.command({ query: `INSERT INTO sales VALUES ${ROWS}` });
    return {
      run: async (node, dialect) => {
        const q = render(node, dialect);
        if (node.kind === 'create_temp_table') {
          await client!.command({ query: q.text, query_params: namedParams(q.params) });
          return [];
        }
        const r = await client!.query({
          query: q.text,
          query_params: namedParams(q.params),
          format: 'JSONCompactEachRow',
          clickhouse_settings: { output_format_json_quote_64bit_integers: 0, join_use_nulls: 1 },
        });
        const rows = await r.json<unknown[]>();
        return rows.map((row) => row.map(comparable));
      },
      close: ch.close,
    };
  });

  describe('ClickHouse without the dotted-alias care', () => {
    it('renders what ClickHouse misreads, which is why the flag exists', async () => {
      const text = render(dotted, { ...clickhouseDialect, supportsDottedAliases: true }).text;
      expect(text).toContain('AS `s.amount`');
      expect(render(dotted, clickhouseDialect).text).not.toMatch(/\) > .*`s\.amount`/);
    });
  });
}

describe('rendering by flag', () => {
  const grouped = select({
    columns: [
      { expr: ident('s', 'region'), alias: 's.region' },
      { expr: raw('upper(country)') },
      { expr: func('sum', [ident('s', 'amount')]), alias: 'total' },
    ],
    from: { kind: 'table', path: ['sales'], alias: 's' },
    groupBy: [columnRef(1), columnRef(2)],
  });

  it('GROUP BY ordinals where the engine takes them, else the alias or the expression', () => {
    expect(render(grouped, duckdbDialect).text).toContain('GROUP BY 1, 2');
    expect(render(grouped, clickhouseDialect).text).toContain('GROUP BY `s:region`, upper(country)');
  });

  it('a column reference outside GROUP BY is an error', () => {
    expect(() => render(select({ columns: [{ expr: columnRef(1) }] }), duckdbDialect)).toThrow(/GROUP BY/);
  });

  it('MATERIALIZED only where the engine has it', () => {
    expect(render(materialized, duckdbDialect).text).toContain('"big" AS MATERIALIZED (');
    expect(render(materialized, clickhouseDialect).text).toContain('`big` AS (');
  });

  it('temporary tables in each engine’s words', () => {
    const node: SqlNode = {
      kind: 'create_temp_table',
      name: 'x',
      query: select({ columns: [{ expr: raw('1'), alias: 'a' }] }),
    };
    expect(render(node, duckdbDialect).text).toMatch(/^CREATE TEMP TABLE "x" AS SELECT/);
    expect(render(node, clickhouseDialect).text).toMatch(
      /^CREATE TEMPORARY TABLE `x` ENGINE = Memory AS SELECT/,
    );
  });

  it('ClickHouse placeholders carry the logical type, inferred from the value when none is given', () => {
    const node = sql`${param('2026-01-01', 'timestamp')} ${param('x')} ${param(1.5)} ${param(4)} ${param(4n)} ${param(['a'])} ${param(null)} ${param(null, 'date')} ${param(['a', null])} ${param(true)} ${param(1, 'decimal(18,4)')} ${param(1, 'INTEGER')}`;
    expect(render(node, clickhouseDialect).text).toBe(
      '{p1:DateTime64(6)} {p2:String} {p3:Float64} {p4:Int64} {p5:Int64} {p6:Array(String)} {p7:Nullable(String)} {p8:Nullable(Date32)} {p9:Array(Nullable(String))} {p10:Bool} {p11:Decimal(18, 4)} {p12:Int32}',
    );
  });

  it('DuckDB writes only the types the code gave, in its own names', () => {
    const node = sql`${param('2026-01-01', 'timestamp')} ${param('x')} ${param(1, 'decimal(18,4)')} ${param(['a'], 'text[]')} ${param(1, 'INTEGER')}`;
    expect(render(node, duckdbDialect).text).toBe(
      '$1::TIMESTAMP $2 $3::DECIMAL(18,4) $4::VARCHAR[] $5::INTEGER',
    );
  });

  it('an unknown logical type, and an interval in ClickHouse, are errors', () => {
    expect(() => render(param(1, 'money'), duckdbDialect)).toThrow(/unknown logical type money/);
    expect(() => render(param('1 day', 'INTERVAL'), clickhouseDialect)).toThrow(/interval/);
  });
});
