import { join } from 'node:path';
import { QueryService } from '../src/cube/service';
import { DuckDbEngine } from '../src/engine';
import { ensureWarehouse, runJob, selectJobs } from '../src/etl';
import { restrictModel } from '../src/model/access/restrict';
import { loadModel } from '../src/model/load';
import { newKey, parseKey, verifySecret } from '../src/server/auth/keys';
import { formatTable } from '../src/util/text-table';
import { fmt, median, option, timed } from './util';

/**
 * `npm run bench -- access [--reps N]`: what row-level security costs. On the demo company,
 * each query runs as the admin (no rule), as a region user (the rule as EXISTS over the
 * customer join) and as hand-written SQL with the same region condition; plus one scrypt
 * verification of an API key (paid once per key per five minutes by the server).
 */
const ROOT = join(import.meta.dirname, '..');
const REGION = 'Northern Europe';
const DONE = "f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0";

const CASES: { name: string; query: object; sql: string }[] = [
  {
    name: 'revenue by month',
    query: {
      measures: ['orders.revenue'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
    },
    sql: `SELECT date_trunc('month', f.ordered_at) AS m, sum(f.revenue) FILTER (WHERE ${DONE}) FROM fact_order_lines f
          JOIN dim_customer c ON c.customer_key = f.customer_key WHERE c.region = $1 GROUP BY 1`,
  },
  {
    name: 'customers by type',
    query: { measures: ['orders.customer_count'], dimensions: ['customers.type'] },
    sql: `SELECT c.type, count(DISTINCT f.customer_id) FILTER (WHERE ${DONE}) FROM fact_order_lines f
          JOIN dim_customer c ON c.customer_key = f.customer_key WHERE c.region = $1 GROUP BY 1`,
  },
  {
    name: 'three facts by region',
    query: {
      measures: ['orders.revenue', 'interactions.count', 'deals.count'],
      dimensions: ['customers.region'],
    },
    sql: `SELECT c.region, (SELECT count(*) FROM fact_interactions i JOIN dim_customer ci USING (customer_key) WHERE ci.region = $1),
                 (SELECT count(*) FROM fact_deal_stages d JOIN dim_customer cd USING (customer_key) WHERE cd.region = $1),
                 sum(f.revenue) FILTER (WHERE ${DONE})
          FROM fact_order_lines f JOIN dim_customer c ON c.customer_key = f.customer_key WHERE c.region = $1 GROUP BY 1`,
  },
];

export async function main(args: string[]): Promise<void> {
  const reps = Number(option(args, 'reps', '15'));
  const engine = await DuckDbEngine.open({ path: ':memory:' });
  await ensureWarehouse(engine);
  for (const job of selectJobs(['demo-*'], false, join(ROOT, 'etl', 'jobs')))
    await runJob(job, { engine, root: ROOT });
  const model = loadModel(join(ROOT, 'cubes'));
  const service = (m: typeof model) =>
    new QueryService({ engine, model: m, version: () => 1, cacheEntries: 1 });
  const admin = service(model);
  const region = service(
    restrictModel(model, { name: 'b', role: 'analyst', attributes: { region: REGION } }),
  );
  const run = async (s: QueryService, q: object) => {
    const ms: number[] = [];
    for (let i = 0; i < reps; i++) ms.push((await timed(() => s.load(q, { cache: 'no-cache' }))).ms);
    return median(ms);
  };
  const rows: Record<string, unknown>[] = [];
  try {
    for (const c of CASES) {
      const raw: number[] = [];
      for (let i = 0; i < reps; i++)
        raw.push((await timed(() => engine.query({ text: c.sql, params: [REGION] }))).ms);
      const a = await run(admin, c.query);
      const r = await run(region, c.query);
      rows.push({
        case: c.name,
        'admin ms': fmt(a, 1),
        'region user ms': fmt(r, 1),
        'hand SQL (region) ms': fmt(median(raw), 1),
        'region / hand': fmt(r / median(raw), 2),
      });
    }
    const k = await newKey();
    const secret = parseKey(k.key)!.secret;
    const verify: number[] = [];
    for (let i = 0; i < 10; i++) verify.push((await timed(() => verifySecret(secret, k.salt, k.hash))).ms);
    process.stdout.write(
      `${formatTable(rows)}\n\nscrypt verification of a key: ${fmt(median(verify), 1)} ms (median of 10)\n`,
    );
  } finally {
    await engine.close();
  }
}
