import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { loadJobFile, type RunRecord, runJob } from '../../src/etl';
import { accounted } from '../helpers/jobs';
import { memoryWarehouse, one, rows, tableChecksums } from '../helpers/warehouse';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(ROOT, 'fixtures', 'online-retail', 'online_retail.csv.gz');

/**
 * Figures published in fixtures/online-retail/SOURCE.md (verified there against the UCI
 * original), and a second, naive computation over the source file with DuckDB's own typed
 * CSV reader: neither goes through the ETL pipeline.
 */
const PUBLISHED = {
  rows: 541_909,
  cancellationRows: 9_288,
  negativeQuantityRows: 10_624,
  negativePriceRows: 2,
  customers: 4_372,
  sumQuantityTimesPrice: 9_747_747.93,
};
const NAIVE = `
  WITH src AS (SELECT *, UnitPrice < 0 OR (Quantity < 0 AND InvoiceNo NOT LIKE 'C%') AS bad
               FROM read_csv('${FILE}', types = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR'}))`;

describe('Online Retail reconciles exactly with the source file', () => {
  let engine: Engine;
  let run: RunRecord;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    run = await runJob(loadJobFile(join(ROOT, 'etl', 'jobs', 'online-retail.yml')), { engine, root: ROOT });
  });
  afterAll(() => engine.close());

  it('reads every row and accounts for each', () => {
    expect(run.rows_read).toBe(PUBLISHED.rows);
    expect(accounted(run)).toBe(run.rows_read);
    // Completed lines must not be negative: the non-credit-note negative lines (stock
    // adjustments) and the two "adjust bad debt" lines with a negative price are quarantined.
    expect(run.rejected).toBe(
      PUBLISHED.negativeQuantityRows - PUBLISHED.cancellationRows + PUBLISHED.negativePriceRows,
    );
    expect(run.inserted).toBe(PUBLISHED.rows - run.rejected);
    expect(run.duplicates).toBe(0);
  });

  it('quarantines exactly the rows the naive computation calls bad, with their reasons', async () => {
    const naive = await rows(
      engine,
      `${NAIVE} SELECT CASE WHEN UnitPrice < 0 THEN 'negative_value' ELSE 'negative_quantity' END AS reason, count(*) AS n
       FROM src WHERE bad GROUP BY ALL ORDER BY reason`,
    );
    const got = await rows(
      engine,
      'SELECT reason, count(*) AS n FROM etl_rejects GROUP BY ALL ORDER BY reason',
    );
    expect(got).toEqual(naive);
  });

  it('has the published revenue, counts and cancellations', async () => {
    const loaded = await one(
      engine,
      `SELECT sum(revenue)::DOUBLE AS revenue, count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
              count(DISTINCT customer_id) AS customers FROM fact_order_lines`,
    );
    const rejectedRevenue = await one(
      engine,
      `SELECT sum((raw->>'Quantity')::DOUBLE * (raw->>'UnitPrice')::DOUBLE) AS r FROM etl_rejects`,
    );
    expect(Number(loaded['revenue']) + Number(rejectedRevenue['r'])).toBeCloseTo(
      PUBLISHED.sumQuantityTimesPrice,
      2,
    );
    expect(loaded['cancelled']).toBe(PUBLISHED.cancellationRows);
    expect(loaded['customers']).toBe(PUBLISHED.customers);
  });

  it('matches the naive computation country by country and invoice by invoice', async () => {
    const naiveByCountry = await rows(
      engine,
      `${NAIVE} SELECT Country AS country, count(*) AS lines, round(sum(Quantity * UnitPrice), 2) AS revenue
       FROM src WHERE NOT bad GROUP BY ALL ORDER BY country`,
    );
    const byCountry = await rows(
      engine,
      `SELECT g.country, count(*) AS lines, round(sum(f.revenue)::DOUBLE, 2) AS revenue
       FROM fact_order_lines f JOIN dim_geography g USING (geography_key) GROUP BY ALL ORDER BY country`,
    );
    expect(byCountry).toEqual(naiveByCountry);
    const mismatched = await rows(
      engine,
      `${NAIVE}, naive AS (SELECT InvoiceNo AS order_id, count(*) AS lines FROM src GROUP BY 1)
       SELECT n.order_id FROM naive n LEFT JOIN (
         SELECT order_id, count(*) AS loaded FROM fact_order_lines GROUP BY 1) f USING (order_id)
       LEFT JOIN (SELECT raw->>'InvoiceNo' AS order_id, count(*) AS rejected FROM etl_rejects GROUP BY 1) r USING (order_id)
       WHERE coalesce(f.loaded, 0) + coalesce(r.rejected, 0) <> n.lines`,
    );
    expect(mismatched).toEqual([]);
  });

  it('numbers lines 1..n within each invoice in file order', async () => {
    const bad = await rows(
      engine,
      `${NAIVE}, naive AS (SELECT InvoiceNo AS order_id, count(*) AS n FROM src GROUP BY 1)
       SELECT f.order_id FROM fact_order_lines f JOIN naive USING (order_id)
       GROUP BY f.order_id, naive.n
       HAVING count(DISTINCT f.line_no) <> count(*) OR min(f.line_no) < 1 OR max(f.line_no) > naive.n`,
    );
    expect(bad).toEqual([]);
    const first = await rows(
      engine,
      "SELECT line_no, product_name FROM fact_order_lines WHERE order_id = '536365' ORDER BY line_no LIMIT 2",
    );
    expect(first).toEqual([
      { line_no: 1, product_name: 'WHITE HANGING HEART T-LIGHT HOLDER' },
      { line_no: 2, product_name: 'WHITE METAL LANTERN' },
    ]);
  });

  it('a second run changes nothing', async () => {
    const before = await tableChecksums(engine);
    const again = await runJob(loadJobFile(join(ROOT, 'etl', 'jobs', 'online-retail.yml')), {
      engine,
      root: ROOT,
    });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: run.inserted, changed: false });
    expect(await tableChecksums(engine)).toEqual(before);
  });
});
