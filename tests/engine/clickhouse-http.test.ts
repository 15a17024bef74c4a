import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseEngine, type Engine, openEngine } from '../../src/engine';
import { AppError } from '../../src/errors';
import { type ClickHouseServer, startClickHouseServer } from '../helpers/clickhouse-server';

// The engine's HTTP path against a real server: Debian's clickhouse-server 18.16 (2018). It has
// no query parameters, no Arrow and none of the newer session settings, so the SQL here is
// parameterless and the settings sent are those the server lists.

/** A query that runs for minutes unless stopped (18.16 has sipHash64 and numbers()). */
const ENDLESS = 'SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) = 1';

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

async function textOf(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const piece of stream) parts.push(Buffer.from(piece));
  return Buffer.concat(parts).toString('utf8');
}

describe('ClickHouse engine over HTTP on a clickhouse-server 18.16', () => {
  let server: ClickHouseServer;
  let engine: Engine;

  beforeAll(async () => {
    server = await startClickHouseServer();
    // User, (empty) password and database in the URL, as `--clickhouse` takes it.
    engine = await openEngine(`http://default:@127.0.0.1:${server.httpPort}/default`);
  });

  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  });

  it('connects over HTTP', async () => {
    expect(engine).toBeInstanceOf(ClickHouseEngine);
    expect((await engine.query('SELECT version() AS v')).rows).toEqual([{ v: '18.16.1' }]);
  });

  it('converts values as DuckDB gives them', async () => {
    const result = await engine.query(
      `SELECT toUInt64('18446744073709551615') AS u, toInt64(42) AS i, toDate('2024-01-02') AS d,
              toDateTime('2024-01-31 10:00:00') AS t, toDecimal64(1.25, 2) AS dec, [1, 2] AS arr,
              NULL AS n, 'text' AS s`,
    );
    // Hand-worked: the wide integer kept as text, the safe one a number, times as ISO text.
    expect(result.rows).toEqual([
      {
        u: '18446744073709551615',
        i: 42,
        d: '2024-01-02',
        t: '2024-01-31T10:00:00.000',
        dec: 1.25,
        arr: [1, 2],
        n: null,
        s: 'text',
      },
    ]);
    expect(result.columns.map((c) => c.type)).toEqual([
      'UInt64',
      'Int64',
      'Date',
      'DateTime',
      'Decimal(18, 2)',
      'Array(UInt8)',
      'Nullable(Nothing)',
      'String',
    ]);
  });

  it('creates a table, appends rows and reads them back', async () => {
    await engine.exec(
      'CREATE TABLE events (id UInt64, name String, amount Nullable(Int64)) ENGINE = MergeTree ORDER BY id',
    );
    const rows = Array.from({ length: 1000 }, (_, i) => [
      BigInt(i),
      `name ${i}\twith a tab`,
      i % 10 === 0 ? null : BigInt(i),
    ]);
    await engine.appendRows!('events', rows);
    const result = await engine.query(
      "SELECT count() AS c, sum(amount) AS s, countIf(amount IS NULL) AS nulls, any(name) LIKE '%\\twith a tab' AS tab FROM events",
    );
    // 0..999 summed is 499500; the multiples of 10 (0, 10, ..., 990: 100 of them, summing 49500) are NULL.
    expect(result.rows).toEqual([{ c: 1000, s: 450_000, nulls: 100, tab: 1 }]);
  });

  it('keeps a temporary table for the session', async () => {
    const count = await engine.withSession(async (session) => {
      await session.exec('CREATE TEMPORARY TABLE scratch (a String)');
      await session.appendRows!('scratch', [['x'], ['y']]);
      return (await session.query('SELECT count() AS c FROM scratch')).rows;
    });
    expect(count).toEqual([{ c: 2 }]);
    // Outside the session the temporary table does not exist.
    expect((await failure(engine.query('SELECT count() FROM scratch'))).code).toBe('ENGINE_FAILED');
  });

  it("runs a session's concurrent requests one after another (a server refuses two at once in one session)", async () => {
    const counts = await engine.withSession(async (session) => {
      await session.exec('CREATE TEMPORARY TABLE parallel (n UInt64)');
      // Large enough to overlap: sent at once, the server answers all but one "session is locked".
      await Promise.all(
        [1, 2, 3, 4].map((n) =>
          session.exec(`INSERT INTO parallel SELECT number FROM numbers(${n * 200_000})`),
        ),
      );
      return (await session.query('SELECT count() AS c, sum(n) AS s FROM parallel')).rows;
    });
    // numbers(k) for k = 200,000 … 800,000: 2,000,000 rows, each summing k(k-1)/2.
    expect(counts).toEqual([{ c: 2_000_000, s: 599_999_000_000 }]);
  });

  it('maps an unknown column onto the catalogue without the engine text', async () => {
    const e = await failure(engine.query('SELECT nosuchcolumn FROM system.one'));
    expect(e.code).toBe('ENGINE_FAILED');
    expect(e.message).not.toMatch(/nosuchcolumn|Exception|system/);
    expect(e.details).toMatchObject({ clickhouseCode: 47 });
  });

  it('interrupts a long query at its time limit with QUERY_TIMEOUT', async () => {
    const started = Date.now();
    const e = await failure(engine.query(ENDLESS, { timeoutMs: 1500 }));
    expect(e.code).toBe('QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The server's own limit (max_execution_time) ends it there too: no query is left running.
    await new Promise((r) => setTimeout(r, 1_000));
    const running = await server.sql(
      "SELECT count() FROM system.processes WHERE query LIKE '%sipHash64%' AND query NOT LIKE '%processes%'",
    );
    expect(Number(running)).toBe(0);
  });

  it('fails with ROW_LIMIT_EXCEEDED past maxRows', async () => {
    expect((await engine.query('SELECT number FROM numbers(5)', { maxRows: 5 })).rows).toHaveLength(5);
    expect((await failure(engine.query('SELECT number FROM numbers(6)', { maxRows: 5 }))).code).toBe(
      'ROW_LIMIT_EXCEEDED',
    );
  });

  it('streams CSV and says plainly that the server has no Arrow', async () => {
    const csv = await textOf(
      engine.stream('SELECT number AS n, if(number = 1, NULL, toString(number)) AS s FROM numbers(3)', 'csv'),
    );
    // 18.16 has no format_csv_null_representation: NULL stays \N there.
    expect(csv).toBe('"n","s"\n0,"0"\n1,\\N\n2,"2"\n');
    const arrow = await failure(textOf(engine.stream('SELECT 1', 'arrow')));
    expect(arrow.code).toBe('UNSUPPORTED_FEATURE');
  });

  it('says when the server cannot be reached', async () => {
    const e = await failure(openEngine('http://127.0.0.1:1/default'));
    expect(e.code).toBe('ENGINE_FAILED');
    expect(e.message).toBe('The ClickHouse server cannot be reached');
  });
});
