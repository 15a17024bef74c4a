import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../src/engine';
import { AppError } from '../../src/errors';
import { sql } from '../../src/sql';

describe('the DuckDB engine', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open({ path: ':memory:', poolSize: 3 });
  });
  afterAll(() => engine.close());

  it('returns JSON-safe values: numbers as numbers, large integers as strings, ISO timestamps', async () => {
    const r = await engine.query(`
      SELECT 42::BIGINT AS small, 9007199254740993::BIGINT AS big, 12.3456::DECIMAL(18, 4) AS dec,
             1.5::DOUBLE AS dbl, TIMESTAMP '2024-02-29 13:45:01.5' AS ts, DATE '2024-02-29' AS d,
             TIMESTAMPTZ '2024-02-29 13:45:01+00' AS tstz, NULL AS nothing, true AS yes, [1, 2] AS list,
             {'a': 1} AS st, 170141183460469231731687303715884105727::HUGEINT AS huge`);
    expect(r.rows).toEqual([
      {
        small: 42,
        big: '9007199254740993',
        dec: 12.3456,
        dbl: 1.5,
        ts: '2024-02-29T13:45:01.500',
        d: '2024-02-29',
        tstz: '2024-02-29T13:45:01.000Z',
        nothing: null,
        yes: true,
        list: [1, 2],
        st: { a: 1 },
        huge: '170141183460469231731687303715884105727',
      },
    ]);
    expect(r.columns.map((c) => c.type)).toEqual([
      'BIGINT',
      'BIGINT',
      'DECIMAL(18,4)',
      'DOUBLE',
      'TIMESTAMP',
      'DATE',
      'TIMESTAMP WITH TIME ZONE',
      'INTEGER',
      'BOOLEAN',
      'INTEGER[]',
      'STRUCT("a" INTEGER)',
      'HUGEINT',
    ]);
  });

  it('binds parameters; a value never becomes SQL', async () => {
    const evil = "x'; DROP TABLE t; --";
    const r = await engine.query(
      sql`SELECT ${evil} AS v, ${[1, 2, 3]}::INTEGER[] AS l, ${null}::VARCHAR AS n`,
    );
    expect(r.rows).toEqual([{ v: evil, l: [1, 2, 3], n: null }]);
  });

  it('interrupts a query at its time limit and stays usable', async () => {
    const started = Date.now();
    const e = await engine
      .query('SELECT count(*) FROM range(20000000000) a', { timeoutMs: 200 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('QUERY_TIMEOUT');
    expect((e as AppError).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await engine.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses results above the row limit', async () => {
    await expect(engine.query('SELECT * FROM range(100)', { maxRows: 100 })).resolves.toMatchObject({
      rows: { length: 100 },
    });
    const e = await engine.query('SELECT * FROM range(5000)', { maxRows: 100 }).catch((x: unknown) => x);
    expect((e as AppError).code).toBe('ROW_LIMIT_EXCEEDED');
  });

  it('runs queries concurrently on a pool and queues beyond it', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        engine.query(sql`SELECT ${i}::INTEGER AS i, sum(range) AS s FROM range(2000000)`),
      ),
    );
    expect(results.map((r) => r.rows[0]!['i'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rolls a failed transaction back', async () => {
    await engine.exec('CREATE TABLE tx_test (x INTEGER)');
    const e = await engine
      .transaction(async (tx) => {
        await tx.exec('INSERT INTO tx_test VALUES (1)');
        throw new Error('boom');
      })
      .catch((x: unknown) => x);
    expect((e as Error).message).toBe('boom');
    expect((await engine.query('SELECT count(*) AS n FROM tx_test')).rows).toEqual([{ n: 0 }]);
  });

  it('says which file is locked by another process', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { spawn } = await import('node:child_process');
    const file = join(mkdtempSync(join(tmpdir(), 'lock-')), 'w.duckdb');
    const holder = spawn(process.execPath, [
      '--input-type=module',
      '-e',
      `import { DuckDBInstance } from '@duckdb/node-api'; const i = await DuckDBInstance.create(${JSON.stringify(file)}); await (await i.connect()).run('CREATE TABLE x (a INT)'); console.log('ready'); setTimeout(() => {}, 20000);`,
    ]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      const e = await DuckDbEngine.open({ path: file }).catch((x: unknown) => x);
      expect((e as AppError).code).toBe('WAREHOUSE_LOCKED');
    } finally {
      holder.kill();
    }
  });
});

describe('the DuckDB engine under failures while rows stream', () => {
  it('reports an error raised part-way through a large result instead of returning the rows so far', async () => {
    const engine = await DuckDbEngine.open({ path: ':memory:' });
    try {
      const e = await engine
        .query("SELECT CASE WHEN range = 900000 THEN error('boom') ELSE range END AS x FROM range(1000000)")
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('ENGINE_FAILED');
      const slow = await engine
        .query('SELECT range FROM range(200000000)', { timeoutMs: 300 })
        .catch((x: unknown) => x);
      expect((slow as AppError).code).toBe('QUERY_TIMEOUT');
    } finally {
      await engine.close();
    }
  });
});
