import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine';
import {
  cast,
  clickhouseDialect,
  type Dialect,
  duckdbDialect,
  FUNCTION_NAMES,
  fn,
  jsonText,
  param,
  raw,
  render,
  type SqlNode,
  sql,
  textMatch,
  timeBucket,
  utcToLocal,
} from '../../src/sql';
import { comparable, HAS_CHDB, namedParams, openChdb } from '../golden/chdb';

/**
 * Each entry of the function table, run for real on DuckDB and on in-process ClickHouse, against
 * values worked out by hand (in the comments). The table `t` holds the same four rows in both:
 *
 *   k  x   ts                   s
 *   1  1   2026-03-01 10:00:00  a
 *   2  2   2026-03-02 11:30:00  NULL
 *   3  3   NULL                 c
 *   4  10  2026-03-04 00:00:00  d
 */

const T_ROWS = [
  [1, 1, "'2026-03-01 10:00:00'", "'a'"],
  [2, 2, "'2026-03-02 11:30:00'", 'NULL'],
  [3, 3, 'NULL', "'c'"],
  [4, 10, "'2026-03-04 00:00:00'", "'d'"],
];

const ts = (s: string) => param(s, 'timestamp');
const num = (n: number) => param(n);

interface Case {
  readonly name: string;
  /** A one-row query whose column `v` is the answer. */
  readonly query: SqlNode;
  readonly expected: unknown;
}

/** `SELECT expr AS v`, over `t` when the expression aggregates it. */
const value = (expr: SqlNode): SqlNode => sql`SELECT ${expr} AS v`;
const overT = (expr: SqlNode): SqlNode => sql`SELECT ${expr} AS v FROM t`;

const CASES: readonly Case[] = [
  // Boundaries crossed: 23:00 on the 1st to 01:00 on the 3rd crosses two midnights.
  {
    name: 'date_diff day',
    query: value(fn.dateDiff('day', ts('2026-03-01 23:00:00'), ts('2026-03-03 01:00:00'))),
    expected: 2,
  },
  // Whole seven-day spans: Sunday to Monday is none (DuckDB's count), a week to the hour is one.
  {
    name: 'date_diff week',
    query: value(fn.dateDiff('week', ts('2026-03-01 00:00:00'), ts('2026-03-02 00:00:00'))),
    expected: 0,
  },
  {
    name: 'date_diff week (7 days)',
    query: value(fn.dateDiff('week', ts('2026-03-02 23:00:00'), ts('2026-03-09 01:00:00'))),
    expected: 1,
  },
  {
    name: 'date_diff month',
    query: value(fn.dateDiff('month', ts('2026-01-31 00:00:00'), ts('2026-02-01 00:00:00'))),
    expected: 1,
  },
  {
    name: 'date_diff second',
    query: value(fn.dateDiff('second', ts('2026-03-01 00:00:00'), ts('2026-03-01 00:01:30'))),
    expected: 90,
  },
  {
    name: 'date_diff hour',
    query: value(fn.dateDiff('hour', ts('2026-03-01 23:59:00'), ts('2026-03-02 00:01:00'))),
    expected: 1,
  },
  { name: 'date_part year', query: value(fn.datePart('year', ts('2026-03-01 10:00:00'))), expected: 2026 },
  { name: 'date_part quarter', query: value(fn.datePart('quarter', ts('2026-03-01 10:00:00'))), expected: 1 },
  { name: 'date_part hour', query: value(fn.datePart('hour', ts('2026-03-01 10:00:00'))), expected: 10 },
  // 2026-03-01 is a Sunday: ISO day 7; the 31 + 28 + 1 = 60th day of the year.
  { name: 'date_part dow', query: value(fn.datePart('dow', ts('2026-03-01 10:00:00'))), expected: 7 },
  { name: 'date_part doy', query: value(fn.datePart('doy', ts('2026-03-01 10:00:00'))), expected: 60 },
  {
    name: 'date_add day',
    query: value(fn.dateAdd('day', num(3), ts('2026-01-30 08:00:00'))),
    expected: '2026-02-02T08:00:00.000',
  },
  // A month after 31 January is the last day of February.
  {
    name: 'date_add month',
    query: value(fn.dateAdd('month', num(1), ts('2026-01-31 00:00:00'))),
    expected: '2026-02-28T00:00:00.000',
  },
  // 2026-01-01 is 20454 days after 1970-01-01: 20454 × 86400 + 1.5.
  {
    name: 'epoch_seconds',
    query: value(fn.epochSeconds(ts('2026-01-01 00:00:01.5'))),
    expected: 1767225601.5,
  },
  // The same instant in whole µs: 1767225601.5 s × 10^6, and one µs after a second's edge.
  {
    name: 'epoch_micros',
    query: value(fn.epochMicros(ts('2026-01-01 00:00:01.5'))),
    expected: 1767225601500000,
  },
  {
    name: 'epoch_micros of the last µs before 2026',
    query: value(fn.epochMicros(ts('2025-12-31 23:59:59.999999'))),
    expected: 1767225599999999,
  },
  {
    name: 'from_epoch_seconds',
    query: value(fn.fromEpochSeconds(param(1767225601.5))),
    expected: '2026-01-01T00:00:01.500',
  },
  { name: 'arg_max', query: overT(fn.argMax(raw('s'), raw('k'))), expected: 'd' },
  { name: 'arg_min', query: overT(fn.argMin(raw('s'), raw('k'))), expected: 'a' },
  // With k = 2 (s NULL) ranked first: arg_max passes over the NULL, arg_max_null answers it.
  {
    name: 'arg_max skips a null value',
    query: overT(fn.argMax(raw('s'), raw('CASE WHEN k = 2 THEN 100 ELSE k END'))),
    expected: 'd',
  },
  {
    name: 'arg_max_null',
    query: overT(fn.argMax(raw('s'), raw('CASE WHEN k = 2 THEN 100 ELSE k END'), true)),
    expected: null,
  },
  {
    name: 'arg_min_null',
    query: overT(fn.argMin(raw('s'), raw('CASE WHEN k = 2 THEN 0 ELSE k END'), true)),
    expected: null,
  },
  // x = 1, 2, 3, 10: the median lies halfway between 2 and 3; the 25% point 3/4 of the way from 1 to 2.
  { name: 'quantile_cont 0.5', query: overT(fn.median(raw('x'))), expected: 2.5 },
  { name: 'quantile_cont 0.25', query: overT(fn.quantile(0.25, raw('x'))), expected: 1.75 },
  // The first value whose rank reaches 4 × fraction: ceil(1.2) = 2nd, ceil(2) = 2nd, ceil(3) = 3rd.
  { name: 'quantile_disc 0.3', query: overT(fn.quantile(0.3, raw('x'), 'disc')), expected: 2 },
  { name: 'quantile_disc 0.5', query: overT(fn.quantile(0.5, raw('x'), 'disc')), expected: 2 },
  { name: 'quantile_disc 0.75', query: overT(fn.quantile(0.75, raw('x'), 'disc')), expected: 3 },
  { name: 'array_length', query: value(fn.arrayLength(fn.array([num(4), num(5), num(6)]))), expected: 3 },
  {
    name: 'array_element',
    query: value(fn.arrayElement(fn.array([num(4), num(5), num(6)]), num(2))),
    expected: 5,
  },
  {
    name: 'array_element past the end',
    query: value(fn.arrayElement(fn.array([num(4), num(5)]), num(3))),
    expected: null,
  },
  {
    name: 'array_contains',
    query: value(fn.arrayContains(fn.array([num(4), num(5)]), num(5))),
    expected: true,
  },
  {
    name: 'array_contains (absent)',
    query: value(fn.arrayContains(fn.array([num(4), num(5)]), num(6))),
    expected: false,
  },
  // s is a, NULL, c, d: the NULL is left out.
  { name: 'array_agg', query: overT(fn.arrayLength(fn.arrayAgg(raw('s')))), expected: 3 },
  {
    name: 'array_agg holds the values',
    query: overT(fn.arrayContains(fn.arrayAgg(raw('s')), param('c'))),
    expected: true,
  },
  { name: 'array parameter', query: value(fn.arrayLength(param(['a', 'b']))), expected: 2 },
  {
    name: 'unnest',
    query: sql`SELECT sum(u) AS v FROM (SELECT ${fn.unnest(fn.array([num(4), num(5), num(6)]))} AS u) AS x`,
    expected: 15,
  },
  // 2 + 3 + 4 + 5.
  {
    name: 'series',
    query: sql`SELECT sum(u) AS v FROM (SELECT ${fn.series(num(2), num(5))} AS u) AS x`,
    expected: 14,
  },
  {
    name: 'series count',
    query: sql`SELECT count(*) AS v FROM (SELECT ${fn.series(num(2), num(5))} AS u) AS x`,
    expected: 4,
  },
  {
    name: 'time_series',
    query: sql`SELECT count(*) AS v FROM (SELECT ${fn.timeSeries('day', ts('2026-03-01 00:00:00'), ts('2026-03-03 00:00:00'))} AS u) AS x`,
    expected: 3,
  },
  {
    name: 'time_series last',
    query: sql`SELECT max(u) AS v FROM (SELECT ${fn.timeSeries('month', ts('2026-01-31 00:00:00'), ts('2026-03-31 00:00:00'))} AS u) AS x`,
    expected: '2026-03-31T00:00:00.000',
  },
  {
    name: 'hash is deterministic',
    query: value(fn.asBoolean(sql`${fn.hash(num(1), param('a'))} = ${fn.hash(num(1), param('a'))}`)),
    expected: true,
  },
  {
    name: 'hash tells values apart',
    query: value(fn.asBoolean(sql`${fn.hash(num(1))} = ${fn.hash(num(2))}`)),
    expected: false,
  },
  // RFC 1321's test vector: MD5("abc").
  {
    name: 'stable_hash_hex',
    query: value(fn.stableHashHex(param('abc'))),
    expected: '900150983cd24fb0d6963f7d28e17f72',
  },
  // 'a', 'b', '' and 'c': the empty piece is kept.
  {
    name: 'split_text',
    query: value(fn.arrayLength(fn.splitText(param('a,b,,c'), param(',')))),
    expected: 4,
  },
  {
    name: 'split_text element',
    query: value(fn.arrayElement(fn.splitText(param('a,b,,c'), param(',')), num(4))),
    expected: 'c',
  },
  // NULLs are passed over.
  // 12 = 0b1100, 10 = 0b1010: AND 0b1000 = 8, OR 0b1110 = 14; 12 << 2 = 48, 12 >> 2 = 3.
  { name: 'bit_and', query: value(fn.bitAnd(raw('12'), raw('10'))), expected: 8 },
  { name: 'bit_or', query: value(fn.bitOr(raw('12'), raw('10'))), expected: 14 },
  { name: 'bit_shift_left', query: value(fn.bitShiftLeft(raw('12'), raw('2'))), expected: 48 },
  { name: 'bit_shift_right', query: value(fn.bitShiftRight(raw('12'), raw('2'))), expected: 3 },
  // On a 64-bit hash, as the funnel's keys use them: the lowest bit cleared, then set.
  {
    name: 'bit_or and shifts on a 64-bit hash',
    query: value(
      fn.asBoolean(
        sql`${fn.bitOr(fn.bitShiftLeft(fn.bitShiftRight(fn.hash(param('a')), raw('1')), raw('1')), raw('1'))} = ${fn.bitOr(fn.hash(param('a')), raw('1'))}`,
      ),
    ),
    expected: true,
  },
  { name: 'greatest', query: value(fn.greatest(num(1), raw('NULL'), num(3))), expected: 3 },
  { name: 'least', query: value(fn.least(num(2), raw('NULL'), num(1))), expected: 1 },
  // 'a', 'c', 'd' joined by ',' in some order: five characters.
  { name: 'string_agg', query: overT(sql`length(${fn.stringAgg(raw('s'), param(','))})`), expected: 5 },
  // Every character but the digits removed: '+49 (0)177-1' → '4901771'.
  {
    name: 'regexp_replace_all',
    query: value(fn.regexpReplaceAll(param('+49 (0)177-1'), param('[^0-9]'), param(''))),
    expected: '4901771',
  },
  {
    name: 'string_agg of no rows',
    query: sql`SELECT ${fn.stringAgg(raw('s'), param(','))} AS v FROM t WHERE k > 9`,
    expected: null,
  },
  {
    name: 'null_safe_equals NULL NULL',
    query: value(fn.asBoolean(fn.nullSafeEquals(raw('NULL'), raw('NULL')))),
    expected: true,
  },
  {
    name: 'null_safe_equals 1 NULL',
    query: value(fn.asBoolean(fn.nullSafeEquals(num(1), raw('NULL')))),
    expected: false,
  },
  {
    name: 'null_safe_equals 1 1',
    query: value(fn.asBoolean(fn.nullSafeEquals(num(1), num(1)))),
    expected: true,
  },
  {
    name: 'now is a timestamp of today',
    query: value(fn.asBoolean(sql`${fn.now()} > ${ts('2026-01-01 00:00:00')}`)),
    expected: true,
  },
  { name: 'as_boolean', query: value(fn.asBoolean(sql`${num(1)} < ${num(2)}`)), expected: true },
  {
    name: 'cast text to timestamp',
    query: value(cast(param('2026-03-01 10:00:00'), 'timestamp')),
    expected: '2026-03-01T10:00:00.000',
  },
  { name: 'cast to double', query: value(sql`${cast(num(7), 'double')} / 2`), expected: 3.5 },
  { name: 'cast to bigint', query: value(cast(param('42'), 'bigint')), expected: 42 },
  { name: 'cast to decimal', query: value(cast(param(2.25), 'decimal(18,4)')), expected: 2.25 },
  { name: 'cast to text', query: value(cast(num(42), 'text')), expected: '42' },
  { name: 'cast NULL stays NULL', query: value(cast(raw('NULL'), 'double')), expected: null },
  // Berlin goes to summer time at 01:00 UTC on 2026-03-29: 01:30 UTC is 03:30 there.
  {
    name: 'utc_to_local',
    query: value(utcToLocal(ts('2026-03-29 01:30:00'), 'Europe/Berlin')),
    expected: '2026-03-29T03:30:00.000',
  },
  {
    name: 'local_to_utc',
    query: value({ kind: 'local_to_utc', expr: ts('2026-03-29 03:30:00'), timezone: 'Europe/Berlin' }),
    expected: '2026-03-29T01:30:00.000',
  },
  // Winter: Berlin is an hour ahead.
  {
    name: 'utc_to_local in winter',
    query: value(utcToLocal(ts('2026-01-15 12:00:00'), 'Europe/Berlin')),
    expected: '2026-01-15T13:00:00.000',
  },
  // 23:30 UTC on 1 March is 00:30 on 2 March in Berlin: the 2nd's bucket.
  {
    name: 'time_bucket day in a zone',
    query: value(timeBucket('day', ts('2026-03-01 23:30:00'), 'Europe/Berlin')),
    expected: '2026-03-02T00:00:00.000',
  },
  // 03:00 UTC on 1 March is 22:00 on 28 February in New York: February's bucket.
  {
    name: 'time_bucket in a zone',
    query: value(timeBucket('month', ts('2026-03-01 03:00:00'), 'America/New_York')),
    expected: '2026-02-01T00:00:00.000',
  },
  {
    name: 'time_bucket week (Monday)',
    query: value(timeBucket('week', ts('2026-03-01 03:00:00'))),
    expected: '2026-02-23T00:00:00.000',
  },
  {
    name: 'time_bucket hour in a zone',
    query: value(timeBucket('hour', ts('2026-03-29 01:30:00'), 'Europe/Berlin')),
    expected: '2026-03-29T03:00:00.000',
  },
  {
    name: 'json_text',
    query: value(jsonText(param('{"a":{"b":"x"},"n":1,"z":null}'), ['a', 'b'])),
    expected: 'x',
  },
  {
    name: 'json_text of a number',
    query: value(jsonText(param('{"a":{"b":"x"},"n":1,"z":null}'), ['n'])),
    expected: '1',
  },
  {
    name: 'json_text of null',
    query: value(jsonText(param('{"a":{"b":"x"},"n":1,"z":null}'), ['z'])),
    expected: null,
  },
  {
    name: 'json_text of a missing key',
    query: value(jsonText(param('{"a":1}'), ['$browser'])),
    expected: null,
  },
  {
    name: 'json_text of a key with $',
    query: value(jsonText(param('{"$browser":"Firefox"}'), ['$browser'])),
    expected: 'Firefox',
  },
  {
    name: 'text_match contains',
    query: value(fn.asBoolean(textMatch('contains', param('Grüne Äpfel'), param('äPF')))),
    expected: true,
  },
  {
    name: 'text_match starts_with',
    query: value(fn.asBoolean(textMatch('starts_with', param('Grüne Äpfel'), param('grü')))),
    expected: true,
  },
  {
    name: 'text_match ends_with',
    query: value(fn.asBoolean(textMatch('ends_with', param('Grüne Äpfel'), param('grü')))),
    expected: false,
  },
  {
    name: 'text_match takes % literally',
    query: value(fn.asBoolean(textMatch('contains', param('50 percent'), param('%')))),
    expected: false,
  },
  // a, c and d, of rows k ≠ 3: a and d.
  {
    name: 'count_distinct with a filter',
    query: overT({ kind: 'count_distinct', expr: raw('s'), approx: false, filter: raw('k <> 3') }),
    expected: 2,
  },
  // sum over no rows is NULL, as in DuckDB; count is 0.
  {
    name: 'sum of no rows',
    query: sql`SELECT ${{ kind: 'func', name: 'sum', args: [raw('x')] }} AS v FROM t WHERE k > 9`,
    expected: null,
  },
  {
    name: 'count with a filter',
    query: overT({ kind: 'func', name: 'count', args: [], filter: raw('x > 1') }),
    expected: 3,
  },
  {
    name: 'sum with a filter',
    query: overT({ kind: 'func', name: 'sum', args: [raw('x')], filter: raw('k >= 3') }),
    expected: 13,
  },
];

it('the cases cover every entry of the function table', () => {
  const covered = new Set<string>();
  const walk = (n: unknown): void => {
    if (typeof n !== 'object' || n === null) return;
    if ((n as { kind?: string }).kind === 'call') covered.add((n as { fn: string }).fn);
    for (const v of Object.values(n)) walk(v);
  };
  for (const c of CASES) walk(c.query);
  expect([...FUNCTION_NAMES].filter((f) => !covered.has(f))).toEqual([]);
});

describe('the function table on DuckDB', () => {
  let duck: DuckDbEngine;
  beforeAll(async () => {
    duck = await DuckDbEngine.open({ path: ':memory:' });
    await duck.exec('CREATE TABLE t (k BIGINT, x DOUBLE, ts TIMESTAMP, s VARCHAR)');
    await duck.exec(`INSERT INTO t VALUES ${T_ROWS.map((r) => `(${r.join(', ')})`).join(', ')}`);
  });
  afterAll(async () => {
    await duck?.close();
  });

  it.each(CASES)('$name', async (c) => {
    const r = await duck.query(render(c.query, duckdbDialect));
    expect(comparable(r.rows[0]?.['v'])).toEqual(comparable(c.expected));
  });

  it.each(CASES)('$name, with the flags off', async (c) => {
    const plain: Dialect = {
      ...duckdbDialect,
      supportsAggregateFilter: false,
      supportsNullSafeEquals: false,
      aggregate: (name, args, distinct, filter) =>
        filter === undefined
          ? duckdbDialect.aggregate(name, args, distinct, undefined)
          : `${name}(${distinct ? 'DISTINCT ' : ''}CASE WHEN ${filter} THEN ${args.length === 0 ? '1' : args.join(', ')} END)`,
    };
    const r = await duck.query(render(c.query, plain));
    expect(comparable(r.rows[0]?.['v'])).toEqual(comparable(c.expected));
  });
});

describe.runIf(HAS_CHDB)('the function table on ClickHouse (chdb)', () => {
  let client: ClickHouseClient;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ client, close } = await openChdb());
    await client.command({
      query:
        'CREATE TABLE t (k Int64, x Float64, ts Nullable(DateTime64(6)), s Nullable(String)) ENGINE = Memory',
    });
    await client.command({
      query: `INSERT INTO t VALUES ${T_ROWS.map((r) => `(${r.join(', ')})`).join(', ')}`,
    });
  });
  afterAll(async () => {
    await close?.();
  });

  it.each(CASES)('$name', async (c) => {
    const q = render(c.query, clickhouseDialect);
    const result = await client.query({
      query: q.text,
      query_params: namedParams(q.params),
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const [row] = await result.json<Record<string, unknown>>();
    expect(comparable(row?.['v'])).toEqual(comparable(c.expected));
  });
});
