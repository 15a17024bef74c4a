import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { AppError } from '../../src/errors';
import { STEPS } from '../../src/etl';
import { accounted, ordersJob, runInlineJob } from '../helpers/jobs';
import { memoryWarehouse, one, rows, scratchDir, tableChecksums } from '../helpers/warehouse';

const HEADER =
  'order_id,line_no,customer_id,sku,product_name,quantity,unit_price,status,ordered_at,updated_at,channel,country';
const BASE = [
  'O1,1,C1,S1,Widget,2,10,completed,2024-01-05 10:00:00,2024-01-05 10:00:00,web,DE',
  'O1,2,C1,S2,Gadget,1,4,completed,2024-01-05 10:00:00,2024-01-05 10:00:00,web,DE',
  'O2,1,C2,S1,Widget,1,10,completed,2024-01-06 11:00:00,2024-01-06 11:00:00,store,FR',
  'O3,1,C1,S3,Thing,3,1,completed,2024-01-07 12:00:00,2024-01-07 12:00:00,web,DE',
  'O3,1,C1,S3,Thing,3,1,completed,2024-01-07 12:00:00,2024-01-07 12:00:00,web,DE',
  'O4,1,C3,S1,Widget,x,10,completed,2024-01-08 12:00:00,2024-01-08 12:00:00,web,DE',
];
const csv = (lines: string[]) => `${HEADER}\n${lines.join('\n')}\n`;

describe('loads are idempotent, atomic, incremental and deduplicated', () => {
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

  it('a second run of the same job changes no table', async () => {
    const first = await runInlineJob(engine, scratch.dir, ordersJob('j', 'o.csv'), { 'o.csv': csv(BASE) });
    expect(first).toMatchObject({ rows_read: 6, inserted: 4, rejected: 1, duplicates: 1, placeholders: 5 });
    const before = await tableChecksums(engine);
    const second = await runInlineJob(engine, scratch.dir, ordersJob('j', 'o.csv'));
    expect(second).toMatchObject({
      rows_read: 6,
      inserted: 0,
      updated: 0,
      unchanged: 4,
      rejected: 1,
      duplicates: 1,
      placeholders: 0,
      changed: false,
    });
    expect(await tableChecksums(engine)).toEqual(before);
    expect(accounted(second)).toBe(second.rows_read);
  });

  for (const step of STEPS) {
    it(`a failure at step "${step}" leaves the warehouse as it was and records the failure`, async () => {
      await runInlineJob(engine, scratch.dir, ordersJob('j', 'o.csv'), { 'o.csv': csv(BASE) });
      const before = await tableChecksums(engine);
      const changed = csv([
        ...BASE.slice(1),
        'O9,1,C9,S9,New,1,1,completed,2024-02-01,2024-02-01,phone,IT',
        'O2,1,C2,S1,Widget,5,10,completed,2024-01-06 11:00:00,2024-02-01,store,FR',
      ]);
      const e = await runInlineJob(
        engine,
        scratch.dir,
        ordersJob('j', 'o.csv'),
        { 'o.csv': changed },
        {
          beforeStep: (s) => {
            if (s === step) throw new Error(`injected failure at ${s}`);
          },
        },
      ).catch((x) => x);
      expect(e).toBeInstanceOf(AppError);
      expect(e.code).toBe('ETL_FAILED');
      expect(await tableChecksums(engine)).toEqual(before);
      expect(await one(engine, 'SELECT status, error FROM etl_runs ORDER BY run_id DESC LIMIT 1')).toEqual({
        status: 'failed',
        error: `injected failure at ${step}`,
      });
      // and the same job without the fault then lands whole
      const ok = await runInlineJob(engine, scratch.dir, ordersJob('j', 'o.csv'));
      expect(ok).toMatchObject({ inserted: 1, updated: 1, status: 'succeeded' });
    });
  }

  it('incremental: only rows past the watermark load; the watermark moves', async () => {
    const job = ordersJob('inc', 'o.csv', 'incremental: { key: updated_at }\n');
    const first = await runInlineJob(engine, scratch.dir, job, { 'o.csv': csv(BASE.slice(0, 3)) });
    expect(first).toMatchObject({ inserted: 3, watermark: '2024-01-06 11:00:00' });
    // An old row that changed without a newer updated_at is not reloaded; a newer one is.
    const next = [
      'O1,1,C1,S1,Widget,99,10,completed,2024-01-05 10:00:00,2024-01-05 10:00:00,web,DE',
      'O2,1,C2,S1,Widget,7,10,completed,2024-01-06 11:00:00,2024-03-01 00:00:00,store,FR',
      'O5,1,C2,S1,Widget,1,10,completed,2024-03-02 00:00:00,2024-03-02 00:00:00,store,FR',
    ];
    const second = await runInlineJob(engine, scratch.dir, job, { 'o.csv': csv(next) });
    expect(second).toMatchObject({
      rows_read: 3,
      inserted: 1,
      updated: 1,
      unchanged: 1,
      watermark: '2024-03-02 00:00:00',
    });
    expect(
      await rows(
        engine,
        'SELECT order_id, quantity FROM fact_order_lines WHERE line_no = 1 ORDER BY order_id',
      ),
    ).toEqual([
      { order_id: 'O1', quantity: 2 },
      { order_id: 'O2', quantity: 7 },
      { order_id: 'O5', quantity: 1 },
    ]);
    expect(await rows(engine, 'SELECT job, key, value FROM etl_watermarks')).toEqual([
      { job: 'inc', key: 'updated_at', value: '2024-03-02 00:00:00' },
    ]);
    const third = await runInlineJob(engine, scratch.dir, job);
    expect(third).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, changed: false });
  });

  it('duplicates within a load: the latest updated_at wins, else the last line', async () => {
    const lines = [
      'D1,1,C1,S1,Widget,1,10,completed,2024-01-05,2024-01-05 10:00,web,DE',
      'D1,1,C1,S1,Widget,2,10,completed,2024-01-05,2024-01-07 10:00,web,DE',
      'D1,1,C1,S1,Widget,3,10,completed,2024-01-05,2024-01-06 10:00,web,DE',
      'D2,1,C1,S1,Widget,1,10,completed,2024-01-05,,web,DE',
      'D2,1,C1,S1,Widget,5,10,cancelled,2024-01-05,,web,DE',
    ];
    const r = await runInlineJob(engine, scratch.dir, ordersJob('d', 'o.csv'), { 'o.csv': csv(lines) });
    expect(r).toMatchObject({ rows_read: 5, inserted: 2, duplicates: 3 });
    expect(
      await rows(engine, 'SELECT order_id, quantity, status FROM fact_order_lines ORDER BY order_id'),
    ).toEqual([
      { order_id: 'D1', quantity: 2, status: 'completed' },
      { order_id: 'D2', quantity: 5, status: 'cancelled' },
    ]);
  });

  it('duplicates against the warehouse: a newer warehouse row is kept, an older one replaced', async () => {
    await runInlineJob(engine, scratch.dir, ordersJob('w', 'o.csv'), {
      'o.csv': csv([
        'W1,1,C1,S1,Widget,1,10,completed,2024-01-05,2024-02-01,web,DE',
        'W2,1,C1,S1,Widget,1,10,completed,2024-01-05,2024-02-01,web,DE',
      ]),
    });
    const r = await runInlineJob(engine, scratch.dir, ordersJob('w', 'o.csv'), {
      'o.csv': csv([
        'W1,1,C1,S1,Widget,8,10,completed,2024-01-05,2024-01-15,web,DE',
        'W2,1,C1,S1,Widget,9,10,completed,2024-01-05,2024-03-01,web,DE',
      ]),
    });
    expect(r).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await rows(engine, 'SELECT order_id, quantity FROM fact_order_lines ORDER BY order_id')).toEqual([
      { order_id: 'W1', quantity: 1 },
      { order_id: 'W2', quantity: 9 },
    ]);
  });

  it('unknown customers and products get flagged placeholders, never a lost order', async () => {
    await runInlineJob(engine, scratch.dir, ordersJob('p', 'o.csv'), { 'o.csv': csv(BASE) });
    expect(
      await rows(
        engine,
        'SELECT customer_id, is_placeholder, is_current FROM dim_customer ORDER BY customer_id',
      ),
    ).toEqual([
      { customer_id: 'C1', is_placeholder: true, is_current: true },
      { customer_id: 'C2', is_placeholder: true, is_current: true },
    ]);
    expect(await rows(engine, 'SELECT sku, name, is_placeholder FROM dim_product ORDER BY sku')).toEqual([
      { sku: 'S1', name: 'Widget', is_placeholder: true },
      { sku: 'S2', name: 'Gadget', is_placeholder: true },
      { sku: 'S3', name: 'Thing', is_placeholder: true },
    ]);
    const orphans = await one(
      engine,
      `SELECT count(*) FILTER (WHERE customer_key IS NULL) AS no_customer, count(*) FILTER (WHERE product_key IS NULL) AS no_product
       FROM fact_order_lines`,
    );
    expect(orphans).toEqual({ no_customer: 0, no_product: 0 });
    // The real product row fills the placeholder in place: same key, flag cleared.
    const keyBefore = await one(engine, "SELECT product_key FROM dim_product WHERE sku = 'S2'");
    const products = await runInlineJob(
      engine,
      scratch.dir,
      'name: prod\nsource: { type: csv, path: p.csv }\ntarget: products\nmapping: { sku: sku, name: name, category: category }\n',
      { 'p.csv': 'sku,name,category\nS2,Gadget Pro,Tools\nS7,Hammer,Tools\n' },
    );
    expect(products).toMatchObject({ inserted: 2, updated: 0 });
    expect(
      await rows(
        engine,
        "SELECT product_key, name, category, is_placeholder FROM dim_product WHERE sku = 'S2'",
      ),
    ).toEqual([{ ...keyBefore, name: 'Gadget Pro', category: 'Tools', is_placeholder: false }]);
  });
});
