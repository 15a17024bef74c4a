import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseEngine, DuckDbEngine, type Engine, openEngine } from '../../src/engine';
import { AppError } from '../../src/errors';
import { param, sql } from '../../src/sql';

// In-process ClickHouse (chdb 26.x) through the same engine code a server gets; DuckDB gives the
// expected values where both accept the same SQL.

/** A query that runs for minutes unless stopped. */
const ENDLESS = 'SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) = 1';

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of stream) parts.push(Buffer.from(piece));
  return Buffer.concat(parts);
}

describe('ClickHouse engine on chdb', () => {
  let dir: string;
  let clickhouse: Engine;
  let duckdb: Engine;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-chdb-'));
    clickhouse = await openEngine(`chdb:${join(dir, 'one')}`);
    duckdb = await openEngine(':memory:');
  });

  afterAll(async () => {
    await clickhouse?.close();
    await duckdb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens ClickHouse for chdb: and DuckDB for a path', () => {
    expect(clickhouse).toBeInstanceOf(ClickHouseEngine);
    expect(duckdb).toBeInstanceOf(DuckDbEngine);
  });

  // Literal SQL both engines accept; DuckDB's answer is the expectation.
  const sameOnBoth: Record<string, string> = {
    'small integers': 'SELECT 1 AS a, -7 AS b',
    'a safe BIGINT': 'SELECT CAST(42 AS BIGINT) AS n',
    'BIGINTs past 2^53 as text':
      'SELECT CAST(9007199254740993 AS BIGINT) AS p, CAST(-9007199254740993 AS BIGINT) AS m',
    'count(*) (UInt64 in ClickHouse, BIGINT in DuckDB)':
      'SELECT count(*) AS c FROM (SELECT 1 AS x UNION ALL SELECT 2 AS x) AS t',
    avg: 'SELECT avg(x) AS m FROM (SELECT 1 AS x UNION ALL SELECT 2 AS x) AS t',
    'a decimal': 'SELECT CAST(1.25 AS DECIMAL(18, 2)) AS d',
    'a timestamp': "SELECT CAST('2024-01-31 10:00:00' AS TIMESTAMP) AS t",
    'a date': "SELECT CAST('2024-02-29' AS DATE) AS d",
    text: "SELECT 'héllo, \"world\"' AS s, '' AS e",
    'a boolean': 'SELECT true AS b',
    'a float': 'SELECT 1.5 AS f',
    'an array': 'SELECT [1, 2, 3] AS arr',
    NULL: 'SELECT NULL AS n, CASE WHEN 1 = 0 THEN 1 END AS maybe',
    'an outer join fills with NULL (join_use_nulls)':
      "SELECT l.a AS a, r.b AS b FROM (SELECT 1 AS a) AS l LEFT JOIN (SELECT 2 AS a, 'x' AS b) AS r ON l.a = r.a",
  };
  for (const [what, sql] of Object.entries(sameOnBoth)) {
    it(`gives DuckDB's values: ${what}`, async () => {
      const expected = (await duckdb.query(sql)).rows;
      expect((await clickhouse.query(sql)).rows).toEqual(expected);
    });
  }

  it('gives DateTime64, UInt64 and wall-clock times as DuckDB gives TIMESTAMP, UBIGINT and timezone()', async () => {
    const ch = await clickhouse.query(
      `SELECT toDateTime64('2024-01-31 10:00:00.123456', 6) AS t,
              toUInt64('18446744073709551615') AS u,
              toTimeZone(toDateTime64('2024-01-31 10:00:00', 3, 'UTC'), 'Europe/Berlin') AS local`,
    );
    const duck = await duckdb.query(
      `SELECT CAST('2024-01-31 10:00:00.123456' AS TIMESTAMP) AS t,
              CAST('18446744073709551615' AS UBIGINT) AS u,
              timezone('Europe/Berlin', CAST('2024-01-31 10:00:00+00' AS TIMESTAMPTZ)) AS local`,
    );
    // Hand-worked: milliseconds cut, the integer kept whole, Berlin one hour ahead in winter.
    const expected = {
      t: '2024-01-31T10:00:00.123',
      u: '18446744073709551615',
      local: '2024-01-31T11:00:00.000',
    };
    expect(duck.rows).toEqual([expected]);
    expect(ch.rows).toEqual([expected]);
  });

  it('converts inside Nullable and Array, and any DateTime64 precision, as DuckDB gives them', async () => {
    const ch = await clickhouse.query(
      `SELECT [toUInt64('18446744073709551615'), NULL, 7] AS a,
              toDateTime64('2024-01-31 10:00:00.5', 1) AS t1,
              toDateTime64('2024-01-31 10:00:00', 0) AS t0,
              CAST(NULL AS Nullable(DateTime64(3))) AS tn`,
    );
    const duck = await duckdb.query(
      `SELECT [CAST('18446744073709551615' AS UBIGINT), NULL, 7] AS a,
              CAST('2024-01-31 10:00:00.5' AS TIMESTAMP) AS t1,
              CAST('2024-01-31 10:00:00' AS TIMESTAMP) AS t0,
              CAST(NULL AS TIMESTAMP) AS tn`,
    );
    const expected = {
      a: ['18446744073709551615', null, 7],
      t1: '2024-01-31T10:00:00.500',
      t0: '2024-01-31T10:00:00.000',
      tn: null,
    };
    expect(duck.rows).toEqual([expected]);
    expect(ch.rows).toEqual([expected]);
  });

  it("names columns with ClickHouse's types", async () => {
    const result = await clickhouse.query(
      "SELECT toInt64(1) AS i, toNullable('x') AS s, toDateTime64('2024-01-01 00:00:00', 6) AS t WHERE 1 = 0",
    );
    expect(result.columns).toEqual([
      { name: 'i', type: 'Int64' },
      { name: 's', type: 'Nullable(String)' },
      { name: 't', type: 'DateTime64(6)' },
    ]);
    expect(result.rows).toEqual([]);
  });

  it('binds typed parameters: text with quotes, NULL, arrays, timestamps, 64-bit integers', async () => {
    const result = await clickhouse.query({
      text:
        'SELECT {p1:String} AS s, {p2:Nullable(Int64)} AS n, {p3:Array(String)} AS arr, ' +
        '{p4:DateTime64(3)} AS t, {p5:Int64} AS big, {p6:Float64} AS f, {p7:Array(Nullable(Int64))} AS ints',
      params: [
        "it's a \\ back\tslash",
        null,
        ['a', "b'c", ''],
        '2024-01-31 10:00:00.123',
        9007199254740993n,
        0.1,
        [1, null],
      ],
    });
    expect(result.rows).toEqual([
      {
        s: "it's a \\ back\tslash",
        n: null,
        arr: ['a', "b'c", ''],
        t: '2024-01-31T10:00:00.123',
        big: '9007199254740993',
        f: 0.1,
        ints: [1, null],
      },
    ]);
  });

  it("binds an AST's parameters through each engine's dialect to the same values", async () => {
    const node = sql`SELECT ${param('2024-01-31 10:00:00.123456', 'timestamp')} AS t, ${null} AS n,
      ${['a', "b'c"]} AS arr, ${9007199254740993n} AS big, ${"it's"} AS s, ${1.5} AS f, ${true} AS b,
      ${param('2024-02-29', 'date')} AS d`;
    const expected = {
      t: '2024-01-31T10:00:00.123',
      n: null,
      arr: ['a', "b'c"],
      big: '9007199254740993',
      s: "it's",
      f: 1.5,
      b: true,
      d: '2024-02-29',
    };
    expect((await duckdb.query(node)).rows).toEqual([expected]);
    expect((await clickhouse.query(node)).rows).toEqual([expected]);
  });

  it('keeps a value that looks like SQL a value', async () => {
    const injected = "x'); DROP TABLE t; --";
    const result = await clickhouse.query({ text: 'SELECT {p1:String} AS s', params: [injected] });
    expect(result.rows).toEqual([{ s: injected }]);
  });

  it('streams Arrow (uncompressed) that decodes to the rows a query returns', async () => {
    const sql =
      'SELECT number AS n, toString(number) AS s, if(number % 3 = 0, NULL, number / 4) AS h FROM numbers(1000) ORDER BY n';
    let told = 0;
    const bytes = await bytesOf(
      clickhouse.stream(sql, 'arrow', {
        onRows: (n) => {
          told += n;
        },
      }),
    );
    const table = tableFromIPC(bytes);
    const decoded = table.toArray().map((r) => {
      const row = r.toJSON() as { n: bigint; s: string; h: number | null };
      return { n: Number(row.n), s: row.s, h: row.h };
    });
    expect(decoded).toEqual((await clickhouse.query(sql)).rows);
    expect(decoded).toHaveLength(1000);
    // Every third row NULL: rows 0, 3, ..., 999 (334 of them).
    expect(decoded.filter((r) => r.h === null)).toHaveLength(334);
    expect(told).toBe(1000);
  });

  it("streams ClickHouse's CSV: a header, quoted text, NULL as an empty field and '' as \"\"", async () => {
    const sql =
      "SELECT number AS n, multiIf(number = 1, NULL, number = 2, '', concat('a,\"', toString(number))) AS s FROM numbers(3)";
    const text = (await bytesOf(clickhouse.stream(sql, 'csv'))).toString('utf8');
    expect(text).toBe('"n","s"\n0,"a,""0"\n1,\n2,""\n');
  });

  it('fails with ROW_LIMIT_EXCEEDED past maxRows, in a query and a stream, and not at the limit', async () => {
    expect((await clickhouse.query('SELECT number FROM numbers(10)', { maxRows: 10 })).rows).toHaveLength(10);
    const e = await failure(clickhouse.query('SELECT number FROM numbers(11)', { maxRows: 10 }));
    expect(e.code).toBe('ROW_LIMIT_EXCEEDED');
    const s = await failure(
      bytesOf(clickhouse.stream('SELECT number FROM numbers(11)', 'csv', { maxRows: 10 })),
    );
    expect(s.code).toBe('ROW_LIMIT_EXCEEDED');
    expect((await failure(clickhouse.query('SELECT 1 AS x', { maxRows: 0 }))).code).toBe(
      'ROW_LIMIT_EXCEEDED',
    );
    // The limit was one request's: the next has none (chdb keeps SET values in its session).
    expect((await clickhouse.query('SELECT number FROM numbers(50)')).rows).toHaveLength(50);
  });

  it("keeps each of many concurrent requests to its own limits (chdb's settings are per session)", async () => {
    const outcomes = await Promise.all(
      [3, undefined, 2, undefined, 4].map((maxRows, i) =>
        clickhouse
          .query(`SELECT number FROM numbers(${3 + i})`, maxRows === undefined ? {} : { maxRows })
          .then(
            (r) => r.rows.length,
            (e: AppError) => e.code,
          ),
      ),
    );
    // numbers(3..7): 3 rows under 3 pass, 4 rows unlimited, 5 rows over 2 fail, 6 unlimited, 7 over 4 fail.
    expect(outcomes).toEqual([3, 4, 'ROW_LIMIT_EXCEEDED', 6, 'ROW_LIMIT_EXCEEDED']);
  });

  it('interrupts a long query at its time limit with QUERY_TIMEOUT, and the engine goes on', async () => {
    const started = Date.now();
    const e = await failure(clickhouse.query(ENDLESS, { timeoutMs: 300 }));
    expect(e.code).toBe('QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    const s = await failure(bytesOf(clickhouse.stream(ENDLESS, 'arrow', { timeoutMs: 300 })));
    expect(s.code).toBe('QUERY_TIMEOUT');
    // A query longer than the last limit (one second, rounded up) runs to its end.
    const slow = await clickhouse.query(
      'SELECT sum(sleepEachRow(0.6)) AS z FROM numbers(2) SETTINGS max_block_size = 1',
    );
    expect(slow.rows).toEqual([{ z: 0 }]);
  });

  it('maps engine errors onto the catalogue without the engine text', async () => {
    const unknown = await failure(clickhouse.query('SELECT nosuchcolumn FROM numbers(1)'));
    expect(unknown.code).toBe('ENGINE_FAILED');
    expect(unknown.message).not.toMatch(/nosuchcolumn|Exception|numbers/);
    expect(unknown.details).toMatchObject({ clickhouseCode: 47, clickhouseType: 'UNKNOWN_IDENTIFIER' });
    const syntax = await failure(clickhouse.query('SELEC 1'));
    expect(syntax.code).toBe('ENGINE_FAILED');
    expect(syntax.details).toMatchObject({ clickhouseCode: 62 });
    const memory = await failure(
      clickhouse.query(
        'SELECT groupArray(number) AS a FROM numbers(10000000) SETTINGS max_memory_usage = 1000000',
      ),
    );
    expect(memory.code).toBe('WORK_LIMIT_EXCEEDED');
  });

  it('leaves the next result whole after a query fails half-way through its output', async () => {
    const e = await failure(
      clickhouse.query("SELECT throwIf(number = 70000, 'boom') AS x FROM numbers(100000)"),
    );
    expect(e.code).toBe('ENGINE_FAILED');
    expect((await clickhouse.query('SELECT 4 AS x')).rows).toEqual([{ x: 4 }]);
  });

  it('keeps a temporary table for the session and appends rows to it', async () => {
    const rows = await clickhouse.withSession(async (session) => {
      await session.exec('CREATE TEMPORARY TABLE appended (a String, b Nullable(Int64))');
      await session.appendRows!('appended', [
        ['x', 1n],
        ['tab\there, new\nline \\ slash', null],
        ['big', 9007199254740993n],
      ]);
      const result = await session.query('SELECT a, b FROM appended ORDER BY b NULLS LAST');
      await session.exec('DROP TEMPORARY TABLE appended');
      return result.rows;
    });
    expect(rows).toEqual([
      { a: 'x', b: 1 },
      { a: 'big', b: '9007199254740993' },
      { a: 'tab\there, new\nline \\ slash', b: null },
    ]);
  });

  it('runs a transaction body on one session (no rollback: what ran before a failure stays)', async () => {
    await clickhouse.exec('CREATE TABLE kept (id UInt32) ENGINE = MergeTree ORDER BY id');
    const e = await clickhouse
      .transaction(async (tx) => {
        await tx.exec('INSERT INTO kept VALUES (1), (2)');
        throw new Error('the body fails after its insert');
      })
      .catch((error: unknown) => error);
    expect((e as Error).message).toBe('the body fails after its insert');
    expect((await clickhouse.query('SELECT count() AS c FROM kept')).rows).toEqual([{ c: 2 }]);
  });

  it('shares one chdb directory between engines and refuses a second directory while it is open', async () => {
    const again = await openEngine(`chdb:${join(dir, 'one')}`);
    expect((await again.query('SELECT count() AS c FROM kept')).rows).toEqual([{ c: 2 }]);
    await again.close();
    // The first engine still works after the second one closed.
    expect((await clickhouse.query('SELECT 1 AS x')).rows).toEqual([{ x: 1 }]);
    const other = await failure(openEngine(`chdb:${join(dir, 'two')}`));
    expect(other.code).toBe('CONFLICT');
    // Once the first directory's last engine has closed, another directory opens (its own data).
    await clickhouse.close();
    clickhouse = await openEngine(`chdb:${join(dir, 'two')}`);
    const tables = await clickhouse.query(
      "SELECT count() AS c FROM system.tables WHERE database = currentDatabase() AND name = 'kept'",
    );
    expect(tables.rows).toEqual([{ c: 0 }]);
  });
});
