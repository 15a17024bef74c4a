import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { RunRecord } from '../../src/etl';
import { DEMO, demoManifest, loadDemoFromFiles } from '../helpers/demo';
import { accounted } from '../helpers/jobs';
import { one, rows, tableChecksums } from '../helpers/warehouse';

const REJECTED_KINDS = [
  'bad_timestamp',
  'bad_number',
  'missing_required',
  'unknown_enum',
  'negative_price',
  'negative_quantity',
];
const DUPLICATE_KINDS = ['duplicate_exact', 'duplicate_newer'];
const FILE_OF_JOB: Record<string, string> = {
  'demo-employees': 'crm/employees.csv',
  'demo-products': 'shop/products.csv',
  'demo-customers': 'crm/customers.csv.gz',
  'demo-campaigns': 'marketing/campaigns.csv',
  'demo-orders': 'shop/orders.csv.gz',
  'demo-interactions': 'crm/interactions.jsonl.gz',
  'demo-campaign-responses': 'marketing/campaign_responses.csv.gz',
  'demo-web-events': 'web/events.parquet',
  'demo-deals': 'sales/deals.csv.gz',
  'demo-tickets': 'service/tickets.jsonl.gz',
};
const ORDERS = join(DEMO, 'shop', 'orders.csv.gz');

describe('the demo company loads and reconciles with what its generator injected', () => {
  let engine: Engine;
  let runs: RunRecord[];
  const manifest = demoManifest();
  beforeAll(async () => {
    ({ engine, runs } = await loadDemoFromFiles());
  });
  afterAll(() => engine.close());

  it('runs a job for every file of the manifest', () => {
    expect(runs.map((r) => FILE_OF_JOB[r.job]).sort()).toEqual(manifest.files.map((f) => f.path).sort());
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('reads every row, rejects exactly the injected bad rows and drops exactly the injected duplicates', () => {
    const got = runs.map((r) => ({
      job: r.job,
      read: r.rows_read,
      rejected: r.rejected,
      duplicates: r.duplicates,
      accounted: accounted(r),
    }));
    const expected = runs.map((r) => {
      const file = FILE_OF_JOB[r.job]!;
      const dirt = manifest.dirt[file] ?? {};
      const read = manifest.files.find((f) => f.path === file)!.rows;
      const sum = (kinds: string[]) => kinds.reduce((n, k) => n + (dirt[k] ?? 0), 0);
      return {
        job: r.job,
        read,
        rejected: sum(REJECTED_KINDS),
        duplicates: sum(DUPLICATE_KINDS),
        accounted: read,
      };
    });
    expect(got).toEqual(expected);
  });

  it('makes placeholders for exactly the customers and products the exports do not know', async () => {
    const naive = await one(
      engine,
      `SELECT
         (SELECT count(DISTINCT trim(customer_id)) FROM read_csv('${ORDERS}', all_varchar = true)
          WHERE trim(customer_id) <> '' AND trim(customer_id) NOT IN
            (SELECT customer_id FROM read_csv('${join(DEMO, 'crm', 'customers.csv.gz')}', all_varchar = true))) AS customers,
         (SELECT count(DISTINCT trim(sku)) FROM read_csv('${ORDERS}', all_varchar = true)
          WHERE trim(sku) NOT IN (SELECT sku FROM read_csv('${join(DEMO, 'shop', 'products.csv')}', all_varchar = true))) AS products`,
    );
    const got = await one(
      engine,
      `SELECT (SELECT count(*) FROM dim_customer WHERE is_placeholder AND customer_id IN (SELECT customer_id FROM fact_order_lines)) AS customers,
              (SELECT count(*) FROM dim_product WHERE is_placeholder) AS products`,
    );
    expect(got).toEqual(naive);
    expect(runs.find((r) => r.job === 'demo-orders')!.placeholders).toBeGreaterThanOrEqual(
      Number(naive['products']),
    );
  });

  it('holds the revenue a naive reading of the order file gives', async () => {
    // Naive: parse what parses, keep completed non-negative lines with a valid timestamp, and of
    // repeated (order, line) pairs the one updated last.
    const naive = await rows(
      engine,
      `WITH raw AS (
         SELECT trim(order_id) AS o, TRY_CAST(line_no AS INTEGER) AS l, TRY_CAST(quantity AS DOUBLE) AS q,
                TRY_CAST(unit_price AS DOUBLE) AS p, coalesce(TRY_CAST(discount AS DOUBLE), 0) AS d,
                lower(trim(coalesce(status, 'completed'))) AS s, TRY_CAST(ordered_at AS TIMESTAMP) AS t,
                TRY_CAST(updated_at AS TIMESTAMP) AS u
         FROM read_csv('${ORDERS}', all_varchar = true)),
       good AS (SELECT * FROM raw WHERE o <> '' AND q IS NOT NULL AND p >= 0 AND t IS NOT NULL
                AND s IN ('completed', 'cancelled', 'returned') AND NOT (q < 0 AND s = 'completed')),
       latest AS (SELECT arg_max(q * p * (1 - d), u) AS revenue, arg_max(s, u) AS s FROM good GROUP BY o, l)
       SELECT s AS status, count(*) AS lines, round(sum(revenue), 2) AS revenue FROM latest GROUP BY s ORDER BY s`,
    );
    const got = await rows(
      engine,
      'SELECT status, count(*) AS lines, round(sum(revenue)::DOUBLE, 2) AS revenue FROM fact_order_lines GROUP BY status ORDER BY status',
    );
    expect(got).toEqual(naive);
  });

  it('keeps customer history: movers have several versions, facts point at the right one', async () => {
    const movers = await one(
      engine,
      `SELECT count(*) AS n FROM (SELECT customer_id FROM dim_customer GROUP BY 1 HAVING count(*) > 1)`,
    );
    expect(Number(movers['n'])).toBeGreaterThan(100);
    const wrong = await one(
      engine,
      `SELECT count(*) AS n FROM fact_order_lines f JOIN dim_customer d USING (customer_key)
       WHERE NOT (f.ordered_at >= d.valid_from AND f.ordered_at < d.valid_to) OR d.customer_id <> f.customer_id`,
    );
    expect(wrong).toEqual({ n: 0 });
    // Orders after a move carry the new country in the export, and so does the version they point at.
    const mismatch = await one(
      engine,
      `SELECT count(*) AS n FROM fact_order_lines f JOIN dim_customer d USING (customer_key)
       JOIN dim_geography g ON g.geography_key = f.geography_key
       WHERE NOT d.is_placeholder AND g.country <> d.country`,
    );
    expect(mismatch).toEqual({ n: 0 });
  });

  it('loading the demo a second time changes nothing', async () => {
    const before = await tableChecksums(engine);
    const again = await loadDemoFromFiles(engine);
    expect(again.runs.every((r) => !r.changed && r.inserted === 0 && r.updated === 0)).toBe(true);
    expect(await tableChecksums(engine)).toEqual(before);
  });
});
