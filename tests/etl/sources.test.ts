import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { ordersJob, runInlineJob } from '../helpers/jobs';
import { memoryWarehouse, rows, scratchDir } from '../helpers/warehouse';

const RECORDS = [
  {
    order_id: 'A1',
    line_no: '1',
    customer_id: 'C1',
    sku: 'S1',
    product_name: 'Tea, green',
    quantity: '2',
    unit_price: '3.5',
    status: 'completed',
    ordered_at: '2024-03-01 09:00:00',
    updated_at: '',
    channel: 'web',
    country: 'DE',
  },
  {
    order_id: 'A1',
    line_no: '2',
    customer_id: 'C1',
    sku: 'S2',
    product_name: 'Cup "large"',
    quantity: '1',
    unit_price: '8',
    status: 'completed',
    ordered_at: '2024-03-01 09:00:00',
    updated_at: '',
    channel: 'web',
    country: 'DE',
  },
  {
    order_id: 'A2',
    line_no: '1',
    customer_id: '',
    sku: 'S1',
    product_name: 'Tea, green',
    quantity: '5',
    unit_price: '3.5',
    status: 'returned',
    ordered_at: '2024-03-02 17:45:00',
    updated_at: '',
    channel: 'store',
    country: 'FR',
  },
];

const csvQuote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const CSV =
  [Object.keys(RECORDS[0]!).join(','), ...RECORDS.map((r) => Object.values(r).map(csvQuote).join(','))].join(
    '\n',
  ) + '\n';
const JSONL =
  RECORDS.map((r) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(r)
          .filter(([, v]) => v !== '')
          .map(([k, v]) => [k, /^\d+(\.\d+)?$/.test(v) ? Number(v) : v]),
      ),
    ),
  ).join('\n') + '\n';

const FACT = `SELECT f.order_id, f.line_no, f.product_name, f.quantity, f.unit_price, f.status, f.customer_id,
                     strftime(f.ordered_at, '%Y-%m-%d %H:%M:%S') AS ordered_at, p.sku, c.channel, g.country
              FROM fact_order_lines f JOIN dim_product p USING (product_key) LEFT JOIN dim_channel c USING (channel_key)
              LEFT JOIN dim_geography g USING (geography_key) ORDER BY order_id, line_no`;

describe('every file format lands the same rows', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.remove());

  async function load(type: string, file: string, content: string | Buffer) {
    const engine = await memoryWarehouse();
    try {
      const yaml = ordersJob('fmt', file).replace('type: csv', `type: ${type}`);
      const run = await runInlineJob(engine, scratch.dir, yaml, { [file]: content });
      return { run, fact: await rows(engine, FACT) };
    } finally {
      await engine.close();
    }
  }

  it('csv, csv.gz, jsonl, jsonl.gz and parquet agree', async () => {
    const csv = await load('csv', 'o.csv', CSV);
    expect(csv.run.inserted).toBe(3);
    expect(csv.fact[1]).toMatchObject({
      product_name: 'Cup "large"',
      sku: 'S2',
      channel: 'web',
      country: 'DE',
    });
    expect(csv.fact[2]).toMatchObject({ customer_id: null, status: 'returned', quantity: 5 });
    expect((await load('csv', 'o.csv.gz', gzipSync(CSV))).fact).toEqual(csv.fact);
    expect((await load('jsonl', 'o.jsonl', JSONL)).fact).toEqual(csv.fact);
    expect((await load('jsonl', 'o.jsonl.gz', gzipSync(JSONL))).fact).toEqual(csv.fact);

    const parquet = await load('parquet', 'o.parquet', Buffer.alloc(0)).catch((e) => e);
    expect(parquet).toBeInstanceOf(AppError); // an empty file is not parquet, and says so
    expect((parquet as AppError).code).toBe('SOURCE_INVALID');
  });

  it('parquet keeps its types and lands the same rows', async () => {
    const engine = await memoryWarehouse();
    writeFileSync(join(scratch.dir, 'p2.csv'), CSV);
    await engine.exec(
      `COPY (SELECT * REPLACE (CAST(ordered_at AS TIMESTAMP) AS ordered_at, CAST(quantity AS INTEGER) AS quantity,
                                CAST(unit_price AS DOUBLE) AS unit_price, CAST(line_no AS BIGINT) AS line_no)
             FROM read_csv('${join(scratch.dir, 'p2.csv')}', all_varchar = true))
       TO '${join(scratch.dir, 'o2.parquet')}' (FORMAT parquet)`,
    );
    const yaml = ordersJob('fmt', 'o2.parquet').replace('type: csv', 'type: parquet');
    const run = await runInlineJob(engine, scratch.dir, yaml);
    expect(run.inserted).toBe(3);
    const csv = await memoryWarehouse();
    await runInlineJob(csv, scratch.dir, ordersJob('fmt', 'p2.csv'));
    expect(await rows(engine, FACT)).toEqual(await rows(csv, FACT));
    await Promise.all([engine.close(), csv.close()]);
  });

  it('JSON Lines: exact line numbers, blank lines skipped, broken lines quarantined', async () => {
    const lines = [
      JSON.stringify({ ...RECORDS[0], updated_at: undefined }),
      '',
      '{"order_id": "X", broken',
      '[1,2]',
      JSON.stringify(RECORDS[2]),
    ];
    const engine = await memoryWarehouse();
    const run = await runInlineJob(
      engine,
      scratch.dir,
      ordersJob('jl', 'b.jsonl').replace('type: csv', 'type: jsonl'),
      {
        'b.jsonl': lines.join('\n'),
      },
    );
    expect(run.rows_read).toBe(4);
    expect(run.inserted).toBe(2);
    expect(await rows(engine, 'SELECT line, reason, message FROM etl_rejects ORDER BY line')).toEqual([
      { line: 3, reason: 'malformed_record', message: 'the line is not valid JSON' },
      { line: 4, reason: 'malformed_record', message: 'the line is JSON but not an object' },
    ]);
    await engine.close();
  });

  it('CSV line numbers stay right after malformed records', async () => {
    const engine = await memoryWarehouse();
    const body = [
      Object.keys(RECORDS[0]!).join(','),
      'too,few',
      CSV.split('\n')[1],
      'x,y',
      'B1,1,C1,S1,n,q,1,completed,2024-01-01,,web,DE',
      '',
    ].join('\n');
    const run = await runInlineJob(engine, scratch.dir, ordersJob('lines', 'l.csv'), { 'l.csv': body });
    expect(run.rows_read).toBe(4);
    expect(await rows(engine, 'SELECT line, reason FROM etl_rejects ORDER BY line')).toEqual([
      { line: 2, reason: 'malformed_record' },
      { line: 4, reason: 'malformed_record' },
      { line: 5, reason: 'invalid_number' },
    ]);
    await engine.close();
  });

  it('a missing source file is a clear error pointing at the job line', async () => {
    const engine = await memoryWarehouse();
    const e = await runInlineJob(engine, scratch.dir, ordersJob('nofile', 'nope.csv')).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('SOURCE_NOT_FOUND');
    expect(e.message).toMatch(/job\.yml:4: no file at .*nope\.csv/);
    await engine.close();
  });

  it('a mapped column the source lacks, or a broken expression, names the field and line', async () => {
    const engine = await memoryWarehouse();
    const missing = ordersJob('m', 'o.csv').replace('country: country', 'country: land');
    const e1 = await runInlineJob(engine, scratch.dir, missing, { 'o.csv': CSV }).catch((x) => x);
    expect(e1.code).toBe('SOURCE_INVALID');
    expect(e1.message).toMatch(
      /job\.yml:19: mapping\.country: column "land" is not in the source; its columns are order_id, line_no/,
    );
    const broken = ordersJob('m', 'o.csv').replace('channel: channel', 'channel: { expr: "lower(chanel)" }');
    const e2 = await runInlineJob(engine, scratch.dir, broken, { 'o.csv': CSV }).catch((x) => x);
    expect(e2.code).toBe('SOURCE_INVALID');
    expect(e2.message).toMatch(/job\.yml:18: mapping\.channel: the expression does not compile: .*chanel/);
    expect(await rows(engine, 'SELECT count(*) AS n FROM fact_order_lines')).toEqual([{ n: 0 }]);
    expect(await rows(engine, 'SELECT status, count(*) AS n FROM etl_runs GROUP BY status')).toEqual([
      { status: 'failed', n: 2 },
    ]);
    await engine.close();
  });
});
