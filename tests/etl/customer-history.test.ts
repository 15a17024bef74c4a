import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { accounted, ordersJob, runInlineJob } from '../helpers/jobs';
import { memoryWarehouse, rows, scratchDir, tableChecksums } from '../helpers/warehouse';

const CUSTOMERS_JOB = `name: customers
source: { type: csv, path: customers.csv }
target: customers
mapping:
  customer_id: id
  name: name
  email: email
  type: type
  industry: industry
  country: country
  region: region
  city: city
  updated_at: updated_at
`;
const C_HEADER = 'id,name,email,type,industry,country,region,city,updated_at';
const ORDERS_HEADER =
  'order_id,line_no,customer_id,sku,product_name,quantity,unit_price,status,ordered_at,updated_at,channel,country';

describe('customers keep their history (SCD2) and facts point at the version of their time', () => {
  let engine: Engine;
  const scratch = scratchDir();
  const versions = () =>
    rows(
      engine,
      `SELECT customer_id, customer_key AS key, city, country, email, strftime(valid_from, '%Y-%m-%d') AS valid_from,
              strftime(valid_to, '%Y-%m-%d') AS valid_to, is_current, is_placeholder
       FROM dim_customer ORDER BY customer_id, valid_from`,
    );
  const orderKeys = () =>
    rows(engine, 'SELECT order_id, customer_id, customer_key AS key FROM fact_order_lines ORDER BY order_id');

  beforeAll(async () => {
    engine = await memoryWarehouse();
  });
  afterAll(async () => {
    await engine.close();
    scratch.remove();
  });

  it('orders loaded first make placeholder customers', async () => {
    const r = await runInlineJob(engine, scratch.dir, ordersJob('orders', 'orders.csv'), {
      'orders.csv': [
        ORDERS_HEADER,
        'A,1,C1,S1,W,1,10,completed,2024-03-01,,web,DE',
        'B,1,C1,S1,W,1,10,completed,2024-07-01,,web,DE',
        'C,1,C2,S1,W,1,10,completed,2024-10-01,,web,FR',
        'D,1,C2,S1,W,1,10,completed,2024-08-01,,web,FR',
      ].join('\n'),
    });
    expect(r.placeholders).toBe(3);
    expect(await versions()).toEqual([
      {
        customer_id: 'C1',
        key: 1,
        city: null,
        country: null,
        email: null,
        valid_from: '1900-01-01',
        valid_to: '9999-12-31',
        is_current: true,
        is_placeholder: true,
      },
      {
        customer_id: 'C2',
        key: 2,
        city: null,
        country: null,
        email: null,
        valid_from: '1900-01-01',
        valid_to: '9999-12-31',
        is_current: true,
        is_placeholder: true,
      },
    ]);
  });

  it('a change log fills the placeholder and opens a version per move', async () => {
    const r = await runInlineJob(engine, scratch.dir, CUSTOMERS_JOB, {
      'customers.csv': [
        C_HEADER,
        'C1,Anna,anna@old.example,b2c,,Germany,Western Europe,Berlin,2024-01-01',
        'C2,Bob Ltd,bob@example.com,b2b,retail,France,Western Europe,Paris,2024-01-01',
        'C1,Anna,anna@old.example,b2c,,Germany,Western Europe,Munich,2024-06-01',
        'C1,Anna,ANNA@new.example,b2c,,Germany,Western Europe,Munich,2024-08-01',
        'C2,Bob Ltd,bob@example.com,b2b,retail,France,Western Europe,Paris,2024-01-01',
      ].join('\n'),
    });
    expect(r).toMatchObject({ rows_read: 5, inserted: 2, updated: 2, unchanged: 0, duplicates: 1 });
    expect(accounted(r)).toBe(5);
    expect(await versions()).toEqual([
      {
        customer_id: 'C1',
        key: 1,
        city: 'Berlin',
        country: 'Germany',
        email: 'anna@old.example',
        valid_from: '1900-01-01',
        valid_to: '2024-06-01',
        is_current: false,
        is_placeholder: false,
      },
      {
        customer_id: 'C1',
        key: 3,
        city: 'Munich',
        country: 'Germany',
        email: 'anna@new.example',
        valid_from: '2024-06-01',
        valid_to: '9999-12-31',
        is_current: true,
        is_placeholder: false,
      },
      {
        customer_id: 'C2',
        key: 2,
        city: 'Paris',
        country: 'France',
        email: 'bob@example.com',
        valid_from: '1900-01-01',
        valid_to: '9999-12-31',
        is_current: true,
        is_placeholder: false,
      },
    ]);
    // The July order was made in Munich: it moves to version 2; the March order stays.
    expect(await orderKeys()).toEqual([
      { order_id: 'A', customer_id: 'C1', key: 1 },
      { order_id: 'B', customer_id: 'C1', key: 3 },
      { order_id: 'C', customer_id: 'C2', key: 2 },
      { order_id: 'D', customer_id: 'C2', key: 2 },
    ]);
  });

  it('rerunning the change log changes nothing', async () => {
    const before = await tableChecksums(engine);
    const r = await runInlineJob(engine, scratch.dir, CUSTOMERS_JOB);
    expect(r).toMatchObject({ inserted: 0, updated: 0, unchanged: 4, duplicates: 1, changed: false });
    expect(await tableChecksums(engine)).toEqual(before);
  });

  it('a later move re-points the facts after it; a stale row is superseded', async () => {
    const r = await runInlineJob(engine, scratch.dir, CUSTOMERS_JOB, {
      'customers.csv': [
        C_HEADER,
        'C2,Bob Ltd,bob@example.com,b2b,retail,Belgium,Western Europe,Brussels,2024-09-01',
        'C1,Anna,anna@old.example,b2c,,Germany,Western Europe,Hamburg,2024-02-01',
        'C3,Cleo,cleo@example.com,b2c,,Italy,Southern Europe,Rome,',
      ].join('\n'),
    });
    expect(r).toMatchObject({ rows_read: 3, inserted: 1, updated: 1, unchanged: 1 });
    const v = await versions();
    expect(v.filter((x) => x['customer_id'] === 'C2')).toEqual([
      {
        customer_id: 'C2',
        key: 2,
        city: 'Paris',
        country: 'France',
        email: 'bob@example.com',
        valid_from: '1900-01-01',
        valid_to: '2024-09-01',
        is_current: false,
        is_placeholder: false,
      },
      {
        customer_id: 'C2',
        key: 4,
        city: 'Brussels',
        country: 'Belgium',
        email: 'bob@example.com',
        valid_from: '2024-09-01',
        valid_to: '9999-12-31',
        is_current: true,
        is_placeholder: false,
      },
    ]);
    expect(v.filter((x) => x['customer_id'] === 'C1').map((x) => x['city'])).toEqual(['Berlin', 'Munich']);
    expect((await orderKeys()).filter((o) => o['customer_id'] === 'C2')).toEqual([
      { order_id: 'C', customer_id: 'C2', key: 4 },
      { order_id: 'D', customer_id: 'C2', key: 2 },
    ]);
    const geo = await rows(
      engine,
      'SELECT region, country, city FROM dim_geography WHERE city IS NOT NULL ORDER BY city',
    );
    expect(geo.map((g) => g['city'])).toEqual(['Berlin', 'Brussels', 'Munich', 'Paris', 'Rome']);
  });

  it('every customer has exactly one current version and contiguous validity', async () => {
    const bad = await rows(
      engine,
      `SELECT customer_id FROM (
         SELECT customer_id, count(*) FILTER (WHERE is_current) AS current,
                bool_and(next_from IS NULL OR next_from = valid_to) AS contiguous
         FROM (SELECT *, lead(valid_from) OVER (PARTITION BY customer_id ORDER BY valid_from) AS next_from FROM dim_customer)
         GROUP BY customer_id) WHERE current <> 1 OR NOT contiguous`,
    );
    expect(bad).toEqual([]);
  });
});
