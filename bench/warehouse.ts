import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine';
import { ensureWarehouse } from '../src/etl';
import { BENCH_DATA, fmt, freshFile } from './util';

export interface BenchSizes {
  readonly orderLines: number;
  readonly customers: number;
  readonly interactions: number;
  readonly webEvents: number;
  readonly responses: number;
}

export const DEFAULT_SIZES: BenchSizes = {
  orderLines: 10_000_000,
  customers: 1_000_000,
  interactions: 2_000_000,
  webEvents: 50_000_000,
  /** Candidate rows; about half survive the response funnel, so ~5M responses. */
  responses: 9_600_000,
};

const COUNTRIES = `['Germany','France','Spain','Italy','Netherlands','Sweden','United States','Canada']`;
const REGIONS = `['Western Europe','Western Europe','Southern Europe','Southern Europe','Western Europe','Northern Europe','North America','North America']`;

/**
 * A star-schema warehouse of the given size, generated in SQL (no rows pass through
 * JavaScript) and cached under bench/.data by size. Orders span 2023-07-01 .. 2026-06-30 with
 * yearly seasonality; customers and products follow skewed popularity.
 */
export async function benchWarehouse(sizes: BenchSizes = DEFAULT_SIZES): Promise<string> {
  const name = `warehouse-${sizes.orderLines}-${sizes.customers}-${sizes.interactions}-${sizes.webEvents}-${sizes.responses}.duckdb`;
  const path = join(BENCH_DATA, name);
  if (existsSync(path)) return path;
  const tmp = freshFile(`${name}.tmp`);
  process.stderr.write(
    `generating ${path} (${fmt(sizes.orderLines)} order lines, ${fmt(sizes.customers)} customers)\n`,
  );
  const engine = await DuckDbEngine.open({ path: tmp });
  const step = async (label: string, text: string) => {
    const t = performance.now();
    await engine.exec(text);
    process.stderr.write(`  ${label}: ${fmt((performance.now() - t) / 1000, 1)} s\n`);
  };
  try {
    await ensureWarehouse(engine);
    const c = sizes.customers;
    await step(
      'customers',
      `
      INSERT INTO dim_geography SELECT i + 1, (${REGIONS})[i + 1], (${COUNTRIES})[i + 1], NULL FROM range(8) t(i);
      INSERT INTO dim_channel SELECT i + 1, (['web','store','phone','marketplace','sales_rep'])[i + 1] FROM range(5) t(i);
      INSERT INTO dim_customer
      SELECT i + 1, 'C' || lpad(CAST(i + 1 AS VARCHAR), 7, '0'), 'Customer ' || (i + 1), 'c' || i || '@example.com', NULL,
             CASE WHEN hash(i, 'type') % 5 = 0 THEN 'b2b' ELSE 'b2c' END,
             CASE WHEN hash(i, 'type') % 5 = 0 THEN (['retail','manufacturing','healthcare','finance','technology'])[CAST(1 + hash(i, 'ind') % 5 AS BIGINT)] END,
             (${COUNTRIES})[CAST(1 + hash(i, 'geo') % 8 AS BIGINT)], (${REGIONS})[CAST(1 + hash(i, 'geo') % 8 AS BIGINT)],
             'City ' || (hash(i, 'city') % 40), NULL,
             TIMESTAMP '2020-01-01' + to_seconds(CAST(hash(i, 'signup') % 200000000 AS BIGINT)),
             (['organic','paid_search','social','referral','email'])[CAST(1 + hash(i, 'acq') % 5 AS BIGINT)], NULL, NULL,
             TIMESTAMP '1900-01-01', TIMESTAMP '9999-12-31', true, false, 0, 1
      FROM range(${c}) t(i)`,
    );
    await step(
      'products',
      `
      INSERT INTO dim_product
      SELECT i + 1, 'SKU' || lpad(CAST(i + 1 AS VARCHAR), 5, '0'), 'Product ' || (i + 1),
             (['Electronics','Home','Fashion','Sports','Beauty'])[CAST(1 + i % 5 AS BIGINT)],
             'Sub ' || (i % 20), 'Brand ' || (i % 37), round(5 + (hash(i, 'cost') % 20000) / 100.0, 2), NULL, false, 0, 1
      FROM range(5000) t(i);
      INSERT INTO dim_campaign
      SELECT i + 1, 'CMP' || lpad(CAST(i + 1 AS VARCHAR), 4, '0'), 'Campaign ' || (i + 1), (['email','sms','telemarketing'])[CAST(1 + i % 3 AS BIGINT)],
             NULL, NULL, TIMESTAMP '2023-07-01' + INTERVAL (i * 5) DAY, TIMESTAMP '2023-07-15' + INTERVAL (i * 5) DAY, 10000, 1000 + i * 10, NULL, NULL, false, 0, 1
      FROM range(200) t(i);
      INSERT INTO dim_employee SELECT i + 1, 'E' || lpad(CAST(i + 1 AS VARCHAR), 3, '0'), 'Employee ' || (i + 1), NULL, 'sales', 'Team ' || (i % 5), NULL, NULL, NULL, false, 0, 1 FROM range(50) t(i)`,
    );
    // Each order has 1-5 lines; a line's order is i // 3 on average. Popularity is skewed by
    // squaring a uniform number, and the date follows a sine of the day of year.
    await step(
      'order lines',
      `
      INSERT INTO fact_order_lines
      SELECT o.order_id, o.line_no, o.ordered_at,
             CAST(year(o.ordered_at) * 10000 + month(o.ordered_at) * 100 + day(o.ordered_at) AS INTEGER),
             'C' || lpad(CAST(o.customer_key AS VARCHAR), 7, '0'), o.customer_key, o.product_key, NULL,
             o.quantity, o.unit_price, o.discount, CAST(round(o.quantity * o.unit_price * (1 - o.discount), 4) AS DECIMAL(18, 4)),
             o.status, 'EUR', o.channel_key, o.geography_key,
             CASE WHEN hash(o.order_no, 'cmp') % 10 = 0 THEN 1 + hash(o.order_no, 'cmpk') % 200 END,
             CASE WHEN o.channel_key = 5 THEN 1 + hash(o.order_no, 'emp') % 50 END,
             NULL, NULL, NULL, 0, 1
      FROM (
        SELECT i // 3 AS order_no, 'SO' || lpad(CAST(i // 3 AS VARCHAR), 9, '0') AS order_id, CAST(i % 3 + 1 AS INTEGER) AS line_no,
               TIMESTAMP '2023-07-01' + to_seconds(CAST(((i // 3) * 94608000.0 / ${Math.ceil(sizes.orderLines / 3)}) + 20000 * sin(i // 3) AS BIGINT)) AS ordered_at,
               1 + CAST(floor(pow((hash(i // 3, 'cust') % 1000000) / 1000000.0, 2) * ${c}) AS BIGINT) AS customer_key,
               1 + CAST(floor(pow((hash(i, 'prod') % 1000000) / 1000000.0, 1.5) * 5000) AS BIGINT) AS product_key,
               CAST(1 + hash(i, 'qty') % 5 AS DECIMAL(18, 4)) AS quantity,
               CAST(round(2 + (hash(i, 'price') % 30000) / 100.0, 2) AS DECIMAL(18, 4)) AS unit_price,
               CAST(CASE WHEN hash(i, 'disc') % 10 = 0 THEN 0.1 ELSE 0 END AS DECIMAL(18, 4)) AS discount,
               CASE WHEN hash(i, 'st') % 40 = 0 THEN 'cancelled' WHEN hash(i, 'st') % 40 = 1 THEN 'returned' ELSE 'completed' END AS status,
               1 + hash(i // 3, 'ch') % 5 AS channel_key,
               1 + hash(i // 3, 'geo') % 8 AS geography_key
        FROM range(${sizes.orderLines}) t(i)) o`,
    );
    await step(
      'interactions',
      `
      INSERT INTO fact_interactions
      SELECT 'I' || i, 'C' || lpad(CAST(k AS VARCHAR), 7, '0'), k, ts,
             CAST(year(ts) * 10000 + month(ts) * 100 + day(ts) AS INTEGER),
             (['call','meeting','email','chat'])[CAST(1 + hash(i, 'kind') % 4 AS BIGINT)],
             CASE WHEN ts > TIMESTAMP '2026-06-30' THEN 'planned' ELSE 'done' END, 'outbound', 1 + hash(i, 'ch') % 5,
             60 + hash(i, 'dur') % 3600, NULL, 1 + hash(i, 'emp') % 50, NULL, 0, 1
      FROM (SELECT i, 1 + CAST(hash(i, 'c') % ${c} AS BIGINT) AS k,
                   TIMESTAMP '2023-07-01' + to_seconds(CAST(hash(i, 't') % 97000000 AS BIGINT)) AS ts FROM range(${sizes.interactions}) t(i))`,
    );
    if (sizes.webEvents > 0) {
      await step(
        'web events',
        `
        INSERT INTO fact_web_events
        SELECT 'W' || i, ts, CAST(year(ts) * 10000 + month(ts) * 100 + day(ts) AS INTEGER),
               ev, CASE WHEN known THEN 'C' || lpad(CAST(actor AS VARCHAR), 7, '0') END, CASE WHEN known THEN actor END,
               'A' || actor, 'S' || (i // 8), NULL, NULL, NULL, 'google', 'cpc', NULL, 30, NULL, 0, 1
        FROM (SELECT i, 1 + CAST(hash(i // 8, 'actor') % ${c} AS BIGINT) AS actor, hash(i // 8, 'known') % 3 = 0 AS known,
                     TIMESTAMP '2025-07-01' + to_seconds(CAST((i // 8) * 31536000.0 / ${Math.ceil(sizes.webEvents / 8)} + (i % 8) * 40 + hash(i, 'j') % 300 AS BIGINT)) AS ts,
                     CASE WHEN i % 8 = 0 THEN 'visit'
                          WHEN i % 8 IN (1, 2) THEN CASE WHEN hash(i // 8, 'v') % 100 < 55 THEN 'view_product' ELSE 'page_view' END
                          WHEN i % 8 = 3 THEN CASE WHEN hash(i // 8, 'v') % 100 < 18 THEN 'add_to_cart' ELSE 'page_view' END
                          WHEN i % 8 = 4 THEN CASE WHEN hash(i // 8, 'v') % 100 < 9 THEN 'checkout' ELSE 'search' END
                          WHEN i % 8 = 5 THEN CASE WHEN hash(i // 8, 'v') % 100 < 6 THEN 'purchase' ELSE 'page_view' END
                          ELSE 'page_view' END AS ev
              FROM range(${sizes.webEvents}) t(i))`,
      );
    }
    if (sizes.responses > 0) {
      await step(
        'campaign responses',
        `
        INSERT INTO fact_campaign_responses
        SELECT 'CMP' || lpad(CAST(camp AS VARCHAR), 4, '0'), camp, 'C' || lpad(CAST(cust AS VARCHAR), 7, '0'), cust, ev, ts,
               CAST(year(ts) * 10000 + month(ts) * 100 + day(ts) AS INTEGER), 1, CASE WHEN ev = 'sent' THEN 0.01 END,
               CASE WHEN hash(cust, camp) % 10 = 0 THEN 'control' ELSE 'target' END, 0, 1
        FROM (SELECT i, 1 + (i // 25000) % 200 AS camp, 1 + CAST(hash(i // 5, 'c') % ${c} AS BIGINT) AS cust,
                     (['sent','delivered','opened','clicked','converted'])[CAST(1 + i % 5 AS BIGINT)] AS ev,
                     TIMESTAMP '2023-07-01' + INTERVAL (((i // 25000) % 200) * 5) DAY + to_seconds(CAST((i % 5) * 3600 + hash(i, 't') % 600 AS BIGINT)) AS ts
              FROM range(${sizes.responses}) t(i))
        WHERE i % 5 = 0 OR hash(i // 5, i % 5) % 100 < 70 - (i % 5) * 12`,
      );
    }
    await engine.exec(
      `INSERT INTO etl_runs (run_id, job, target, started_at, status, changed) VALUES (1, 'bench', 'orders', now(), 'succeeded', true)`,
    );
    await engine.exec('CHECKPOINT');
  } finally {
    await engine.close();
  }
  renameSync(tmp, path);
  return path;
}
