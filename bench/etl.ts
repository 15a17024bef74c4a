import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine';
import { ensureWarehouse, loadJobFile, runJob } from '../src/etl';
import { formatTable } from '../src/util/text-table';
import { BENCH_DATA, fmt, freshFile, median, option, timed } from './util';

/**
 * The ETL benchmark: a generated orders CSV loaded by a job (cast, validate, dedupe, dimension
 * lookups and placeholders, merge) against DuckDB's own `read_csv` straight into a table, both
 * into a fresh warehouse file.
 */
async function generateCsv(path: string, rows: number): Promise<void> {
  const engine = await DuckDbEngine.open({ path: ':memory:' });
  try {
    await engine.exec(`
      COPY (
        SELECT 'SO' || lpad(CAST(i // 3 AS VARCHAR), 9, '0') AS order_id,
               i % 3 + 1 AS line_no,
               'C' || lpad(CAST(hash(i // 3) % 1000000 AS VARCHAR), 7, '0') AS customer_id,
               'SKU' || lpad(CAST(hash(i) % 5000 AS VARCHAR), 5, '0') AS sku,
               'Product ' || CAST(hash(i) % 5000 AS VARCHAR) AS product_name,
               1 + hash(i * 7) % 6 AS quantity,
               round(1 + (hash(i * 13) % 20000) / 100.0, 2) AS unit_price,
               CASE WHEN hash(i * 17) % 10 = 0 THEN 0.1 ELSE 0 END AS discount,
               CASE WHEN hash(i * 19) % 40 = 0 THEN 'cancelled' WHEN hash(i * 19) % 40 = 1 THEN 'returned' ELSE 'completed' END AS status,
               'EUR' AS currency,
               ['web', 'store', 'phone', 'marketplace'][CAST(1 + hash(i // 3) % 4 AS BIGINT)] AS channel,
               ['Germany', 'France', 'Spain', 'Italy', 'Netherlands', 'Poland', 'Sweden', 'Austria'][CAST(1 + hash(i // 3) % 8 AS BIGINT)] AS country,
               strftime(TIMESTAMP '2023-01-01' + to_seconds(CAST((i // 3) * 11 AS BIGINT) % 94608000), '%Y-%m-%d %H:%M:%S') AS ordered_at,
               strftime(TIMESTAMP '2023-01-01' + to_seconds(CAST((i // 3) * 11 AS BIGINT) % 94608000), '%Y-%m-%d %H:%M:%S') AS updated_at
        FROM range(${rows}) t(i)
      ) TO '${path}' (HEADER, DELIMITER ',')`);
  } finally {
    await engine.close();
  }
}

const JOB = (path: string) => `name: bench-orders
source:
  type: csv
  path: ${path}
target: orders
mapping:
  order_id: order_id
  line_no: line_no
  customer_id: customer_id
  sku: sku
  product_name: product_name
  quantity: quantity
  unit_price: unit_price
  discount: discount
  status: status
  currency: currency
  channel: channel
  country: country
  ordered_at: ordered_at
  updated_at: updated_at
`;

async function rawCeiling(csv: string): Promise<number> {
  const db = freshFile('raw.duckdb');
  const engine = await DuckDbEngine.open({ path: db });
  try {
    const { ms } = await timed(() => engine.exec(`CREATE TABLE orders AS SELECT * FROM read_csv('${csv}')`));
    return ms;
  } finally {
    await engine.close();
  }
}

async function etlRun(csv: string): Promise<{ ms: number; steps: Record<string, number> }> {
  const db = freshFile('etl.duckdb');
  const engine = await DuckDbEngine.open({ path: db });
  try {
    await ensureWarehouse(engine);
    const jobFile = join(BENCH_DATA, 'bench-orders.yml');
    writeFileSync(jobFile, JOB(csv));
    const steps: Record<string, number> = {};
    let last = performance.now();
    let current = '';
    const { ms, result } = await timed(() =>
      runJob(loadJobFile(jobFile), {
        engine,
        root: BENCH_DATA,
        onStep: (step) => {
          const now = performance.now();
          if (current) steps[current] = now - last;
          current = step;
          last = now;
        },
      }),
    );
    steps[current] = performance.now() - last;
    if (result.status !== 'succeeded' || result.inserted !== result.rows_read) {
      throw new Error(`unexpected run: ${JSON.stringify(result)}`);
    }
    return { ms, steps };
  } finally {
    await engine.close();
  }
}

export async function main(args: string[]): Promise<void> {
  const rows = Number(option(args, 'rows', '10000000'));
  const reps = Number(option(args, 'reps', '3'));
  const csv = join(BENCH_DATA, `orders-${rows}.csv`);
  freshFile('.keep');
  if (!existsSync(csv)) {
    process.stderr.write(`generating ${fmt(rows)} order lines into ${csv}\n`);
    await generateCsv(csv, rows);
  }
  const raw: number[] = [];
  const etl: number[] = [];
  const steps: Record<string, number[]> = {};
  for (let i = 0; i < reps; i++) {
    process.stderr.write(`rep ${i + 1}/${reps}: raw read_csv … `);
    raw.push(await rawCeiling(csv));
    process.stderr.write(`${fmt(raw.at(-1)! / 1000, 2)} s; ETL job … `);
    const r = await etlRun(csv);
    etl.push(r.ms);
    for (const [k, v] of Object.entries(r.steps)) steps[k] = [...(steps[k] ?? []), v];
    process.stderr.write(`${fmt(r.ms / 1000, 2)} s\n`);
  }
  const rawMs = median(raw);
  const etlMs = median(etl);
  console.log(
    formatTable([
      {
        load: 'raw ceiling: read_csv into a table',
        seconds: rawMs / 1000,
        rows_per_s: Math.round(rows / (rawMs / 1000)),
      },
      {
        load: 'rapport ETL job (orders contract)',
        seconds: etlMs / 1000,
        rows_per_s: Math.round(rows / (etlMs / 1000)),
      },
    ]),
  );
  console.log(
    `\nratio (ETL rows/s ÷ raw rows/s): ${fmt(rawMs / etlMs, 2)}   (median of ${reps}, ${fmt(rows)} rows)`,
  );
  console.log(
    `\nETL steps (median ms): ${Object.entries(steps)
      .map(([k, v]) => `${k} ${fmt(median(v))}`)
      .join(', ')}`,
  );
}
