import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { RunRecord } from '../../src/etl';
import { accounted, ordersJob, runInlineJob } from '../helpers/jobs';
import { memoryWarehouse, rows, scratchDir } from '../helpers/warehouse';

const HEADER =
  'order_id,line_no,customer_id,sku,product_name,quantity,unit_price,status,ordered_at,updated_at,channel,country';
// One row per way a row can be bad, between good rows; the comment is the expected reason.
const LINES = [
  'O1,1,C1,S1,Widget,2,10.50,completed,2024-01-05 10:00:00,,web,DE', // 2 good
  ',1,C1,S1,Widget,1,1,completed,2024-01-05,,web,DE', // 3 missing_required order_id
  'O2,1,C1,S1,Widget,1,1,completed,2024-13-45 10:00,,web,DE', // 4 invalid_timestamp ordered_at
  'O3,1,C1,S1,Widget,abc,1,completed,2024-01-05,,web,DE', // 5 invalid_number quantity
  'O4,1.5,C1,S1,Widget,1,1,completed,2024-01-05,,web,DE', // 6 invalid_integer line_no
  'O5,1,C1,S1,Widget,1,1,pending,2024-01-05,,web,DE', // 7 unknown_enum status
  'O6,1,C1,S1,Widget,1,-1,completed,2024-01-05,,web,DE', // 8 negative_value unit_price
  'O7,1,C1,S1,Widget,-2,1,completed,2024-01-05,,web,DE', // 9 negative_quantity
  'O8,0,C1,S1,Widget,1,1,completed,2024-01-05,,web,DE', // 10 out_of_range line_no
  'O9,1, C2 ,S2,Gadget, 3 , 2.5 , Cancelled ,2024-01-06T08:00:00Z,,WEB ,FR', // 11 good after trimming
  'O10,1,C1,S1', // 12 malformed_record
  'O11,1,C3,S1,Widget,-1,10,cancelled,2024-01-07 09:30:00,,store,DE', // 13 good: a cancellation may be negative
  'O12,1,C3,S1,Widget,1,10,completed,2024-01-07 09:30:00,yesterday,store,DE', // 14 invalid_timestamp updated_at
  'O13,1,C3,S1,Widget,1,10,,2024-01-08 09:30:00+02:00,,,', // 15 good: status defaults to completed, offset to UTC
];
const EXPECTED_REJECTS = [
  { line: 3, reason: 'missing_required', field: 'order_id' },
  { line: 4, reason: 'invalid_timestamp', field: 'ordered_at' },
  { line: 5, reason: 'invalid_number', field: 'quantity' },
  { line: 6, reason: 'invalid_integer', field: 'line_no' },
  { line: 7, reason: 'unknown_enum', field: 'status' },
  { line: 8, reason: 'negative_value', field: 'unit_price' },
  { line: 9, reason: 'negative_quantity', field: 'quantity' },
  { line: 10, reason: 'out_of_range', field: 'line_no' },
  { line: 12, reason: 'malformed_record', field: null },
  { line: 14, reason: 'invalid_timestamp', field: 'updated_at' },
];

describe('rows that break the contract are quarantined, the good ones load', () => {
  let engine: Engine;
  let run: RunRecord;
  const scratch = scratchDir();

  beforeAll(async () => {
    engine = await memoryWarehouse();
    run = await runInlineJob(engine, scratch.dir, ordersJob('bad-rows', 'orders.csv'), {
      'orders.csv': `${HEADER}\n${LINES.join('\n')}\n`,
    });
  });
  afterAll(async () => {
    await engine.close();
    scratch.remove();
  });

  it('records one reject per bad row with its line, reason and field', async () => {
    const got = await rows(engine, 'SELECT line, reason, field FROM etl_rejects ORDER BY line');
    expect(got).toEqual(EXPECTED_REJECTS);
  });

  it('keeps the raw source row and names the offending value', async () => {
    const r = await rows(engine, 'SELECT raw, message, job, run_id, source FROM etl_rejects WHERE line = 5');
    expect(JSON.parse(String(r[0]!['raw']))).toEqual({
      order_id: 'O3',
      line_no: '1',
      customer_id: 'C1',
      sku: 'S1',
      product_name: 'Widget',
      quantity: 'abc',
      unit_price: '1',
      status: 'completed',
      ordered_at: '2024-01-05',
      updated_at: null,
      channel: 'web',
      country: 'DE',
    });
    expect(r[0]!['message']).toBe('quantity is not a number: "abc"');
    expect(r[0]!['job']).toBe('bad-rows');
    expect(r[0]!['run_id']).toBe(run.run_id);
    expect(r[0]!['source']).toBe('orders.csv');
    const malformed = await rows(engine, 'SELECT raw FROM etl_rejects WHERE line = 12');
    expect(JSON.parse(String(malformed[0]!['raw']))).toEqual({ _line: 'O10,1,C1,S1' });
  });

  it('loads the good rows, normalised', async () => {
    const got = await rows(
      engine,
      `SELECT f.order_id, f.status, f.quantity, f.unit_price, f.revenue, f.customer_id, strftime(f.ordered_at, '%Y-%m-%d %H:%M') AS at, c.channel
       FROM fact_order_lines f LEFT JOIN dim_channel c USING (channel_key) ORDER BY f.order_id`,
    );
    expect(got).toEqual([
      {
        order_id: 'O1',
        status: 'completed',
        quantity: 2,
        unit_price: 10.5,
        revenue: 21,
        customer_id: 'C1',
        at: '2024-01-05 10:00',
        channel: 'web',
      },
      {
        order_id: 'O11',
        status: 'cancelled',
        quantity: -1,
        unit_price: 10,
        revenue: -10,
        customer_id: 'C3',
        at: '2024-01-07 09:30',
        channel: 'store',
      },
      {
        order_id: 'O13',
        status: 'completed',
        quantity: 1,
        unit_price: 10,
        revenue: 10,
        customer_id: 'C3',
        at: '2024-01-08 07:30',
        channel: null,
      },
      {
        order_id: 'O9',
        status: 'cancelled',
        quantity: 3,
        unit_price: 2.5,
        revenue: 7.5,
        customer_id: 'C2',
        at: '2024-01-06 08:00',
        channel: 'web',
      },
    ]);
  });

  it('accounts for every row read', () => {
    expect(run.rows_read).toBe(LINES.length);
    expect(run.rejected).toBe(EXPECTED_REJECTS.length);
    expect(run.inserted).toBe(4);
    expect(accounted(run)).toBe(run.rows_read);
  });
});
