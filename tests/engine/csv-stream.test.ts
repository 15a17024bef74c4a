import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { csvStream } from '../../src/engine/csv-stream';
import { AppError } from '../../src/errors';
import { ALL_TYPES_COLUMNS, collect, createAllTypes } from './fixture';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let scratch: string;
/** csvStream's temp files go here (os.tmpdir() follows TMPDIR), so the tests can see them. */
let temp: string;
const savedTmpdir = process.env['TMPDIR'];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'csv-stream-test-'));
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await createAllTypes(connection);
});

beforeEach(() => {
  temp = mkdtempSync(join(scratch, 'tmp-'));
  process.env['TMPDIR'] = temp;
});

afterEach(() => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  rmSync(scratch, { recursive: true, force: true });
});

async function csv(
  text: string,
  params?: Parameters<typeof csvStream>[2],
  options?: Parameters<typeof csvStream>[3],
) {
  return Buffer.concat(await collect(csvStream(connection, text, params, options))).toString('utf8');
}

describe('csvStream', () => {
  it('round-trips every type through DuckDB read_csv, NULLs and awkward text included', async () => {
    const text = await csv('SELECT * FROM all_types ORDER BY id');
    const file = join(scratch, 'all.csv');
    writeFileSync(file, text);
    const columns = ALL_TYPES_COLUMNS.map(([n, t]) => `'${n}': '${t.replaceAll("'", "''")}'`).join(', ');
    const readBack = `read_csv('${file}', header = true, allow_quoted_nulls = false, columns = {${columns}})`;
    const count = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM ${readBack}`);
    expect(count.getRows()).toEqual([[5]]);
    for (const [a, b] of [
      ['all_types', readBack],
      [readBack, 'all_types'],
    ]) {
      const diff = await connection.runAndReadAll(`SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}`);
      expect(diff.getRowsJson()).toEqual([]);
    }
    const lines = text.split('\n');
    expect(lines[0]).toBe(ALL_TYPES_COLUMNS.map(([n]) => n).join(','));
    // Timestamps ISO-like, NULL empty, the empty string quoted, quotes doubled.
    expect(text).toContain(',2024-02-29,2024-01-31 10:00:00,2024-01-31 08:00:00+00,');
    expect(text).toContain(`\n3${','.repeat(ALL_TYPES_COLUMNS.length - 1)}\n`);
    expect(text).toContain(',"",2000-01-01,');
    expect(text).toContain('"quotes ""double"" and \'single\', commas, and\na newline; ünïcødé 😀 ∑"');
  });

  it('binds parameters inside COPY, a string with a quote included', async () => {
    const text = await csv('SELECT id, $2 AS tag FROM all_types WHERE id > $1 ORDER BY id', [3, 'it\'s "x"']);
    expect(text).toBe('id,tag\n4,"it\'s ""x"""\n5,"it\'s ""x"""\n');
    const noHeader = await csv('SELECT $1::VARCHAR AS v', ["'; DROP TABLE all_types; --"], {
      header: false,
      delimiter: ';',
    });
    expect(noHeader).toBe(`"'; DROP TABLE all_types; --"\n`);
    expect((await connection.runAndReadAll('SELECT count(*)::INTEGER FROM all_types')).getRows()).toEqual([
      [5],
    ]);
  });

  it('writes the header of an empty result and honours the delimiter', async () => {
    expect(await csv('SELECT id, s AS "orders.note" FROM all_types WHERE id < 0')).toBe('id,orders.note\n');
    expect(await csv('SELECT 1 AS a, 2 AS b;', undefined, { delimiter: '|' })).toBe('a|b\n1|2\n');
    await expect(csv('SELECT 1', undefined, { delimiter: "'" })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('passes exactly maxRows rows and fails on one more before sending any byte', async () => {
    const sql = 'SELECT range AS v FROM range(1000) ORDER BY v DESC -- a trailing comment';
    const ok = await csv(sql, undefined, { maxRows: 1000 });
    const lines = ok.trimEnd().split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines.slice(0, 3)).toEqual(['v', '999', '998']);

    const yielded: Uint8Array[] = [];
    const over = (async () => {
      for await (const p of csvStream(connection, sql, undefined, { maxRows: 999 })) yielded.push(p);
    })();
    await expect(over).rejects.toBeInstanceOf(AppError);
    await expect(over).rejects.toMatchObject({ code: 'ROW_LIMIT_EXCEEDED' });
    expect(yielded).toHaveLength(0);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('maps engine errors and removes the temp file', async () => {
    await expect(csv('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    await expect(
      csv(`SELECT CASE WHEN range = 90000 THEN error('boom') ELSE range END FROM range(100000)`),
    ).rejects.toMatchObject({ code: 'ENGINE_FAILED' });
    expect(readdirSync(temp)).toEqual([]);
  });

  it('removes the temp file when the consumer leaves early, and the connection stays usable', async () => {
    let pieces = 0;
    let sawTempFile = false;
    for await (const _ of csvStream(
      connection,
      "SELECT range AS v, 'row ' || range AS s FROM range(500000)",
      undefined,
    )) {
      pieces++;
      sawTempFile = readdirSync(temp).length === 1;
      break;
    }
    expect(pieces).toBe(1);
    expect(sawTempFile).toBe(true);
    expect(readdirSync(temp)).toEqual([]);
    expect((await connection.runAndReadAll('SELECT 42 AS answer')).getRows()).toEqual([[42]]);
  });

  it('interrupts the query when the signal aborts, and removes the temp file', async () => {
    const controller = new AbortController();
    const slow = 'SELECT count(*) FROM range(100000000) a, range(100) b WHERE a.range % 7 = b.range';
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(csv(slow, undefined, { signal: controller.signal })).rejects.toThrow('client went away');
    expect(readdirSync(temp)).toEqual([]);
    expect((await connection.runAndReadAll('SELECT 42 AS answer')).getRows()).toEqual([[42]]);
  });

  it('streams a large result in pieces and removes the file at the end', async () => {
    const pieces = await collect(csvStream(connection, 'SELECT range AS v FROM range(200000)', undefined));
    expect(pieces.length).toBeGreaterThan(1);
    const text = Buffer.concat(pieces).toString('utf8');
    const values = text.trimEnd().split('\n').slice(1).map(Number);
    expect(values).toHaveLength(200000);
    expect(values.reduce((a, b) => a + b, 0)).toBe(19999900000);
    expect(readdirSync(temp)).toEqual([]);
  });
});
