import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { AppError } from '../../src/errors';
import type { RunRecord } from '../../src/etl';
import { accounted, ordersJob, runInlineJob } from '../helpers/jobs';
import { memoryWarehouse, rows, scratchDir, tableChecksums } from '../helpers/warehouse';

const HEADER =
  'order_id,line_no,customer_id,sku,product_name,quantity,unit_price,status,ordered_at,updated_at,channel,country';
const row = (id: string, name = 'Widget', quantity = '1') =>
  `${id},1,C1,S1,${name},${quantity},10,completed,2024-01-05 10:00:00,,web,DE`;
const csv = (lines: readonly string[]) => `${HEADER}\n${lines.join('\n')}\n`;
const many = (n: number, prefix = 'O') => Array.from({ length: n }, (_, i) => row(`${prefix}${i + 1}`));
const asJsonl = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      order_id: `J${i + 1}`,
      line_no: 1,
      customer_id: 'C1',
      sku: 'S1',
      product_name: 'Widget',
      quantity: 1,
      unit_price: 10,
      status: 'completed',
      ordered_at: '2024-01-05 10:00:00',
      channel: 'web',
      country: 'DE',
    }),
  ).join('\n') + '\n';
const jsonlJob = (name: string, path: string) => ordersJob(name, path).replace('type: csv', 'type: jsonl');

/** Engine text a user must never see in a run's error or a reject's message. */
const ENGINE_TEXT = /Error:|Invalid Input|Expected Number of Columns|Snappy|CSV Error|sniff/i;

let engine: Engine;
let scratch: ReturnType<typeof scratchDir>;
beforeEach(async () => {
  engine = await memoryWarehouse();
  scratch = scratchDir();
});
afterEach(async () => {
  await engine.close();
  scratch.remove();
});

async function failedRun(yaml: string, files: Record<string, string | Buffer>): Promise<AppError> {
  const e = await runInlineJob(engine, scratch.dir, yaml, files).catch((x) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

async function lastRun(): Promise<Record<string, unknown>> {
  const r = await rows(
    engine,
    'SELECT status, rows_read, inserted, error FROM etl_runs ORDER BY run_id DESC LIMIT 1',
  );
  return r[0]!;
}

function ok(run: RunRecord): void {
  expect(run.status).toBe('succeeded');
  expect(accounted(run)).toBe(run.rows_read);
}

describe('a damaged file fails the run, names the file and changes nothing', () => {
  it('a truncated .csv.gz (DuckDB reads half of it silently)', async () => {
    ok(await runInlineJob(engine, scratch.dir, ordersJob('o', 'good.csv'), { 'good.csv': csv(many(3)) }));
    const before = await tableChecksums(engine);
    const gz = gzipSync(csv(many(5000, 'T')));
    const e = await failedRun(ordersJob('o', 'orders.csv.gz'), {
      'orders.csv.gz': gz.subarray(0, gz.length >> 1),
    });
    expect(e.code).toBe('SOURCE_INVALID');
    expect(e.message).toMatch(/orders\.csv\.gz is truncated/);
    expect(e.message).not.toMatch(ENGINE_TEXT);
    expect(await tableChecksums(engine)).toEqual(before);
    expect(await lastRun()).toMatchObject({ status: 'failed', inserted: 0 });
    expect(String((await lastRun())['error'])).toMatch(/orders\.csv\.gz is truncated/);
  });

  it('a truncated .jsonl.gz', async () => {
    const gz = gzipSync(asJsonl(5000));
    const e = await failedRun(jsonlJob('j', 'orders.jsonl.gz'), {
      'orders.jsonl.gz': gz.subarray(0, gz.length >> 1),
    });
    expect(e.message).toMatch(/orders\.jsonl\.gz is truncated/);
    expect(await rows(engine, 'SELECT count(*) AS n FROM fact_order_lines')).toEqual([{ n: 0 }]);
    expect(await lastRun()).toMatchObject({ status: 'failed' });
  });

  it('a .csv.gz whose checksum does not match (a flipped byte DuckDB does not notice)', async () => {
    const gz = Buffer.from(gzipSync(csv(many(200))));
    gz[gz.length - 6]! ^= 0xff; // inside the CRC-32 of the gzip trailer
    const e = await failedRun(ordersJob('o', 'o.csv.gz'), { 'o.csv.gz': gz });
    expect(e.message).toMatch(/o\.csv\.gz is damaged: its gzip data does not decompress/);
    expect(await rows(engine, 'SELECT count(*) AS n FROM fact_order_lines')).toEqual([{ n: 0 }]);
  });

  it('a parquet file with a damaged page, or cut short', async () => {
    const good = join(scratch.dir, 'src.parquet');
    await engine.exec(
      `COPY (SELECT 'P' || i AS order_id, 1 AS line_no, 'C1' AS customer_id, 'S1' AS sku, 'Widget ' || i AS product_name,
                    1 AS quantity, 10.0 AS unit_price, 'completed' AS status, TIMESTAMP '2024-01-05 10:00:00' AS ordered_at,
                    NULL::TIMESTAMP AS updated_at, 'web' AS channel, 'DE' AS country
             FROM range(100000) t(i)) TO '${good}' (FORMAT parquet)`,
    );
    const bytes = readFileSync(good);
    const damaged = Buffer.from(bytes);
    for (let i = 4000; i < 4400; i++) damaged[i]! ^= 0x5a;
    const job = (p: string) => ordersJob('p', p).replace('type: csv', 'type: parquet');
    const e1 = await failedRun(job('damaged.parquet'), { 'damaged.parquet': damaged });
    expect(e1.message).toMatch(/damaged\.parquet is damaged/);
    expect(e1.message).not.toMatch(ENGINE_TEXT);
    const e2 = await failedRun(job('cut.parquet'), { 'cut.parquet': bytes.subarray(0, bytes.length >> 1) });
    expect(e2.code).toBe('SOURCE_INVALID');
    expect(e2.message).toMatch(/cut\.parquet is not a readable parquet file/);
    expect(e2.message).not.toMatch(ENGINE_TEXT);
    expect(await rows(engine, 'SELECT status, count(*) AS n FROM etl_runs GROUP BY status')).toEqual([
      { status: 'failed', n: 2 },
    ]);
  });
});

describe('CSV records and their physical lines', () => {
  it('a quoted line break is one record; reject lines are where the record starts, after any shape of file', async () => {
    const lines = [
      row('A1'), // 2
      'M1,1,C1', // 3 too few fields
      'M2,1', // 4 too few, right after another malformed record
      row('A2', 'Widget', 'x'), // 5 invalid_number
      `A3,1,C1,S1,"Two\nlines",x,10,completed,2024-01-05 10:00:00,,web,DE`, // 6-7 one record, invalid_number
      '', // 8 blank
      `${row('M3')},extra`, // 9 too many fields
      row('A4', '"Quoted, with ""quotes"""'), // 10 good
      row('A5', 'Widget', 'y'), // 11 invalid_number
      `A6,1,C1,S1,"Three\r\nphysical\nlines",1,10,completed,2024-01-05 10:00:00,,web,DE`, // 12-14 good
      row('A7', 'Widget', 'z'), // 15 invalid_number
    ];
    const run = await runInlineJob(engine, scratch.dir, ordersJob('l', 'l.csv'), { 'l.csv': csv(lines) });
    ok(run);
    expect(run.rows_read).toBe(10);
    expect(await rows(engine, 'SELECT line, reason, field, message FROM etl_rejects ORDER BY line')).toEqual([
      {
        line: 3,
        reason: 'malformed_record',
        field: null,
        message: 'the record has 3 fields where the header has 12',
      },
      {
        line: 4,
        reason: 'malformed_record',
        field: null,
        message: 'the record has 2 fields where the header has 12',
      },
      { line: 5, reason: 'invalid_number', field: 'quantity', message: 'quantity is not a number: "x"' },
      { line: 6, reason: 'invalid_number', field: 'quantity', message: 'quantity is not a number: "x"' },
      {
        line: 9,
        reason: 'malformed_record',
        field: null,
        message: 'the record has 13 fields where the header has 12',
      },
      { line: 11, reason: 'invalid_number', field: 'quantity', message: 'quantity is not a number: "y"' },
      { line: 15, reason: 'invalid_number', field: 'quantity', message: 'quantity is not a number: "z"' },
    ]);
    const raw = await rows(engine, 'SELECT raw FROM etl_rejects WHERE line = 6');
    expect(JSON.parse(String(raw[0]!['raw']))['product_name']).toBe('Two\nlines');
    expect(
      await rows(engine, 'SELECT order_id, product_name FROM fact_order_lines ORDER BY order_id'),
    ).toEqual([
      { order_id: 'A1', product_name: 'Widget' },
      { order_id: 'A4', product_name: 'Quoted, with "quotes"' },
      { order_id: 'A6', product_name: 'Three\r\nphysical\nlines' },
    ]);
  });

  it('a quoted line break far into a file, where no quote came before, is still one record', async () => {
    const lines = [
      ...many(25_000),
      `Q1,1,C1,S1,"Multi\nline",1,10,completed,2024-01-05 10:00:00,,web,DE`,
      row('Q2'),
    ];
    const run = await runInlineJob(engine, scratch.dir, ordersJob('q', 'q.csv'), { 'q.csv': csv(lines) });
    ok(run);
    expect(run).toMatchObject({ rows_read: 25_002, inserted: 25_002, rejected: 0 });
    expect(await rows(engine, "SELECT product_name FROM fact_order_lines WHERE order_id = 'Q1'")).toEqual([
      { product_name: 'Multi\nline' },
    ]);
  });

  it('a value over 2 MiB rejects its row, naming line and column, with the raw record cut short', async () => {
    const lines = [row('B1'), row('B2', 'x'.repeat(3_000_000)), row('B3')];
    const run = await runInlineJob(engine, scratch.dir, ordersJob('b', 'b.csv'), { 'b.csv': csv(lines) });
    ok(run);
    expect(run).toMatchObject({ rows_read: 3, inserted: 2, rejected: 1 });
    const r = await rows(
      engine,
      'SELECT line, reason, field, message, strlen(raw::VARCHAR) AS size FROM etl_rejects',
    );
    expect(r).toEqual([
      {
        line: 3,
        reason: 'field_too_long',
        field: 'product_name',
        message: 'product_name is longer than 2,097,152 bytes, the most a value may hold',
        size: expect.any(Number),
      },
    ]);
    expect(r[0]!['size']).toBeLessThan(10_000);

    const jsonl = `${asJsonl(1)}${asJsonl(1).replace('"Widget"', JSON.stringify('y'.repeat(3_000_000)))}`;
    const j = await runInlineJob(engine, scratch.dir, jsonlJob('bj', 'b.jsonl'), { 'b.jsonl': jsonl });
    ok(j);
    expect(j).toMatchObject({ rows_read: 2, rejected: 1 });
    expect(
      await rows(
        engine,
        "SELECT line, reason, field FROM etl_rejects WHERE job = 'bj' AND reason = 'field_too_long'",
      ),
    ).toEqual([{ line: 2, reason: 'field_too_long', field: 'product_name' }]);
  });

  it('a quote that is never closed is a reject at its line; text after a closing quote too', async () => {
    const lines = [
      row('U1'), // 2
      `U2,1,C1,S1,"Widget"s,1,10,completed,2024-01-05 10:00:00,,web,DE`, // 3 text after the closing quote
      row('U3'), // 4
      `U4,1,C1,S1,"Widget,1,10,completed,2024-01-05 10:00:00,,web,DE`, // 5 never closed: runs to the end
      row('U5'), // 6 (inside the unclosed field)
    ];
    const run = await runInlineJob(engine, scratch.dir, ordersJob('u', 'u.csv'), { 'u.csv': csv(lines) });
    ok(run);
    expect(run).toMatchObject({ rows_read: 4, inserted: 2, rejected: 2 });
    expect(await rows(engine, 'SELECT line, reason, field, message FROM etl_rejects ORDER BY line')).toEqual([
      {
        line: 3,
        reason: 'malformed_record',
        field: 'product_name',
        message: 'product_name has text after its closing quote',
      },
      {
        line: 5,
        reason: 'malformed_record',
        field: 'product_name',
        message:
          'a quoted field (product_name) is never closed: the record runs from here to the end of the file (line 6)',
      },
    ]);
    expect(
      await rows(engine, 'SELECT order_id, product_name FROM fact_order_lines ORDER BY order_id'),
    ).toEqual([
      { order_id: 'U1', product_name: 'Widget' },
      { order_id: 'U3', product_name: 'Widget' },
    ]);
  });

  it('no message of a malformed record repeats the engine', async () => {
    const lines = ['X1,1', `${row('X2')},a,b`, `X3,1,C1,S1,"W"x,1,10,completed,2024-01-05,,web,DE`];
    await runInlineJob(engine, scratch.dir, ordersJob('x', 'x.csv'), { 'x.csv': csv(lines) });
    const messages = await rows(engine, 'SELECT message FROM etl_rejects');
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(String(m['message'])).not.toMatch(ENGINE_TEXT);
  });
});

describe('NUL characters and empty files', () => {
  it('a JSON "\\u0000" in a string is valid JSON: the row loads, the NUL is dropped; likewise a NUL byte in CSV', async () => {
    const jsonl = `${JSON.stringify({ order_id: 'N1', line_no: 1, product_name: 'Wid\u0000get', quantity: 1, unit_price: 1, ordered_at: '2024-01-05' })}\n`;
    expect(jsonl).toContain('\\u0000');
    const j = await runInlineJob(engine, scratch.dir, jsonlJob('n', 'n.jsonl'), { 'n.jsonl': jsonl });
    ok(j);
    expect(j).toMatchObject({ rows_read: 1, inserted: 1, rejected: 0 });
    const c = await runInlineJob(engine, scratch.dir, ordersJob('c', 'n.csv'), {
      'n.csv': csv([row('N2', 'Gad\u0000get')]),
    });
    expect(c).toMatchObject({ rows_read: 1, inserted: 1, rejected: 0 });
    expect(
      await rows(engine, 'SELECT order_id, product_name FROM fact_order_lines ORDER BY order_id'),
    ).toEqual([
      { order_id: 'N1', product_name: 'Widget' },
      { order_id: 'N2', product_name: 'Gadget' },
    ]);
  });

  it('a 0-byte file fails whatever its format, naming it; a CSV with only its header loads 0 rows', async () => {
    for (const [file, yaml] of [
      ['e.csv', ordersJob('e', 'e.csv')],
      ['e.csv.gz', ordersJob('e', 'e.csv.gz')],
      ['e.jsonl', jsonlJob('e', 'e.jsonl')],
    ] as const) {
      const e = await failedRun(yaml, { [file]: '' });
      expect(e.code).toBe('SOURCE_INVALID');
      expect(e.message).toContain(`${file} is empty (0 bytes)`);
    }
    const blank = await failedRun(ordersJob('e', 'blank.csv'), { 'blank.csv': '\n\n' });
    expect(blank.message).toContain('blank.csv is empty: it has no header line');
    const gz = await failedRun(ordersJob('e', 'nothing.csv.gz'), { 'nothing.csv.gz': gzipSync('') });
    expect(gz.message).toContain('nothing.csv.gz is empty: it has no header line');
    expect(await rows(engine, 'SELECT DISTINCT status FROM etl_runs')).toEqual([{ status: 'failed' }]);

    for (const [file, content, yaml] of [
      ['h.csv', `${HEADER}\n`, ordersJob('h', 'h.csv')],
      ['h.csv.gz', gzipSync(`${HEADER}\r\n`), ordersJob('h', 'h.csv.gz')],
      ['h.jsonl', '\n\n', jsonlJob('h', 'h.jsonl')],
    ] as const) {
      const run = await runInlineJob(engine, scratch.dir, yaml, { [file]: content });
      ok(run);
      expect(run).toMatchObject({ rows_read: 0, inserted: 0, rejected: 0 });
    }
  });

  it('the delimiter is found when the job names none; blank lines before the header are skipped', async () => {
    const semicolons = `\n${HEADER.replaceAll(',', ';')}\n${row('S1').replaceAll(',', ';')}\n${row('S2', 'W', 'q').replaceAll(',', ';')}\n`;
    writeFileSync(join(scratch.dir, 's.csv'), semicolons);
    const run = await runInlineJob(engine, scratch.dir, ordersJob('s', 's.csv'));
    ok(run);
    expect(run).toMatchObject({ rows_read: 2, inserted: 1, rejected: 1 });
    expect(await rows(engine, 'SELECT line, reason FROM etl_rejects')).toEqual([
      { line: 4, reason: 'invalid_number' },
    ]);
  });
});
