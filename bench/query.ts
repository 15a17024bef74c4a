import { spawn } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { QueryService } from '../src/cube/service';
import { DuckDbEngine } from '../src/engine';
import { loadModel } from '../src/model/load';
import { buildApp } from '../src/server/app';
import { formatTable } from '../src/util/text-table';
import { fmt, median, option } from './util';
import { benchWarehouse, DEFAULT_SIZES } from './warehouse';

const ROOT = join(import.meta.dirname, '..');
const NOW = new Date('2026-07-01T00:00:00Z');
const DONE = "status = 'completed' AND quantity > 0 AND unit_price >= 0";
const F = (alias: string) => DONE.replaceAll(/(status|quantity|unit_price)/g, `${alias}.$1`);

/** Each case: a cube query and the best hand-written DuckDB SQL for the same answer. */
export const CASES: { name: string; query: object; sql: string }[] = [
  {
    name: 'revenue by month x country',
    query: {
      measures: ['orders.revenue'],
      dimensions: ['orders.country'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
    },
    sql: `SELECT g.country, date_trunc('month', f.ordered_at) AS m, sum(f.revenue) FILTER (WHERE ${F('f')}) AS revenue
          FROM fact_order_lines f LEFT JOIN dim_geography g ON f.geography_key = g.geography_key GROUP BY 1, 2 ORDER BY 2 LIMIT 10000`,
  },
  {
    name: 'distinct customers by segment',
    query: { measures: ['orders.customer_count'], dimensions: ['customers.type'] },
    sql: `SELECT c.type, count(DISTINCT f.customer_id) FILTER (WHERE ${F('f')}) AS n FROM fact_order_lines f
          LEFT JOIN dim_customer c ON f.customer_key = c.customer_key GROUP BY 1 ORDER BY 2 DESC LIMIT 10000`,
  },
  {
    name: 'relative range: last 12 months by channel',
    query: {
      measures: ['orders.revenue', 'orders.order_count'],
      dimensions: ['orders.channel'],
      timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'last 12 months' }],
    },
    sql: `SELECT ch.channel, sum(f.revenue) FILTER (WHERE ${F('f')}) AS revenue, count(DISTINCT f.order_id) FILTER (WHERE ${F('f')}) AS orders
          FROM fact_order_lines f LEFT JOIN dim_channel ch ON f.channel_key = ch.channel_key
          WHERE f.ordered_at >= TIMESTAMP '2025-07-01' AND f.ordered_at < TIMESTAMP '2026-07-01' GROUP BY 1 ORDER BY 2 DESC LIMIT 10000`,
  },
  {
    name: 'two facts: revenue and calls by region',
    query: { measures: ['orders.revenue', 'interactions.count'], dimensions: ['customers.region'] },
    sql: `WITH o AS (SELECT c.region, sum(f.revenue) FILTER (WHERE ${F('f')}) AS revenue FROM fact_order_lines f LEFT JOIN dim_customer c ON f.customer_key = c.customer_key GROUP BY 1),
               i AS (SELECT c.region, count(*) AS n FROM fact_interactions f LEFT JOIN dim_customer c ON f.customer_key = c.customer_key GROUP BY 1)
          SELECT coalesce(o.region, i.region), o.revenue, i.n FROM o FULL JOIN i ON o.region IS NOT DISTINCT FROM i.region ORDER BY 2 DESC LIMIT 10000`,
  },
  {
    name: 'rollup: region > country',
    query: {
      measures: ['orders.revenue'],
      dimensions: ['customers.region', 'customers.country'],
      rollup: true,
    },
    sql: `SELECT c.region, c.country, sum(f.revenue) FILTER (WHERE ${F('f')}) AS revenue, grouping(c.region, c.country)
          FROM fact_order_lines f LEFT JOIN dim_customer c ON f.customer_key = c.customer_key
          GROUP BY GROUPING SETS ((c.region, c.country), (c.region), ()) ORDER BY 3 DESC LIMIT 10000`,
  },
  {
    name: 'top subcategories with a category filter',
    query: {
      measures: ['orders.revenue'],
      dimensions: ['products.subcategory'],
      filters: [{ member: 'products.category', operator: 'equals', values: ['Home', 'Sports'] }],
      limit: 20,
    },
    sql: `SELECT p.subcategory, sum(f.revenue) FILTER (WHERE ${F('f')}) AS revenue FROM fact_order_lines f
          LEFT JOIN dim_product p ON f.product_key = p.product_key WHERE p.category IN ('Home', 'Sports') GROUP BY 1 ORDER BY 2 DESC LIMIT 20`,
  },
  {
    name: 'average order value by quarter',
    query: {
      measures: ['orders.average_order_value'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'quarter' }],
    },
    sql: `SELECT date_trunc('quarter', ordered_at), sum(revenue) FILTER (WHERE ${DONE}) / NULLIF(count(DISTINCT order_id) FILTER (WHERE ${DONE}), 0)
          FROM fact_order_lines GROUP BY 1 ORDER BY 1 LIMIT 10000`,
  },
  {
    name: 'weekly b2b orders (cross-cube segment)',
    query: {
      measures: ['orders.order_count'],
      segments: ['orders.b2b'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'week', dateRange: ['2025-01-01', '2025-12-31'] },
      ],
    },
    sql: `SELECT date_trunc('week', f.ordered_at), count(DISTINCT f.order_id) FILTER (WHERE ${F('f')}) FROM fact_order_lines f
          LEFT JOIN dim_customer c ON f.customer_key = c.customer_key
          WHERE f.ordered_at >= TIMESTAMP '2025-01-01' AND f.ordered_at < TIMESTAMP '2026-01-01' AND c.type = 'b2b' GROUP BY 1 ORDER BY 1 LIMIT 10000`,
  },
  {
    name: 'status counts, contains filter on city',
    query: {
      measures: ['orders.count'],
      dimensions: ['orders.status'],
      filters: [{ member: 'customers.city', operator: 'contains', values: ['ity 1'] }],
    },
    sql: `SELECT f.status, count(*) FROM fact_order_lines f LEFT JOIN dim_customer c ON f.customer_key = c.customer_key
          WHERE contains(lower(c.city), 'ity 1') GROUP BY 1 ORDER BY 2 DESC LIMIT 10000`,
  },
];

async function time(body: () => Promise<unknown>, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await body();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * `--part compare` (each query over HTTP against its hand-written SQL), `--part throughput`
 * (cached requests per second) or both [all]; `--db PATH` runs on a copy of the warehouse.
 */
export async function main(args: string[]): Promise<void> {
  const reps = Number(option(args, 'reps', '5'));
  const orderLines = Number(option(args, 'rows', String(DEFAULT_SIZES.orderLines)));
  const part = option(args, 'part', 'all');
  if (!['all', 'compare', 'throughput'].includes(part))
    throw new Error(`--part is compare, throughput or all, got ${part}`);
  // --db: another copy of the bench warehouse (the server opens it for writing, which fails while
  // another process reads the shared one).
  const db = option(args, 'db', '');
  const path = db === '' ? await benchWarehouse({ ...DEFAULT_SIZES, orderLines }) : db;
  if (part !== 'throughput') await compare(path, reps);
  if (part !== 'compare') await throughput(path, args);
}

async function compare(path: string, reps: number): Promise<void> {
  const engine = await DuckDbEngine.open({ path, readOnly: true });
  // No rate limit: a benchmark must measure answers, not refusals.
  const app = await buildApp({
    engine,
    root: ROOT,
    now: () => NOW,
    continueWaitMs: 600_000,
    limits: { rateLimitPerMinute: 0 },
  });
  try {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const service = new QueryService({
      engine,
      model: loadModel(join(ROOT, 'cubes')),
      version: () => 1,
      now: () => NOW,
    });
    const rows: Record<string, unknown>[] = [];
    for (const c of CASES) {
      const http = () =>
        fetch(`${address}/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: c.query, cache: 'no-cache' }),
        }).then(async (r) => {
          if (r.status !== 200) throw new Error(`${c.name}: ${r.status} ${await r.text()}`);
          return r.json();
        });
      await http();
      await engine.query(c.sql);
      // Interleaved so that machine noise hits both sides alike.
      const api: number[] = [];
      const raw: number[] = [];
      for (let i = 0; i < reps; i++) {
        api.push(...(await time(http, 1)));
        raw.push(...(await time(() => engine.query(c.sql), 1)));
      }
      const compile = await time(async () => service.prepare(c.query), 200);
      rows.push({
        query: c.name,
        raw_sql_ms: median(raw),
        http_ms: median(api),
        ratio: Math.round((median(api) / median(raw)) * 100) / 100,
        compile_ms: Math.round(median(compile) * 1000) / 1000,
      });
      process.stderr.write(`${c.name}: ${fmt(median(api), 1)} ms vs ${fmt(median(raw), 1)} ms\n`);
    }
    console.log(formatTable(rows));
  } finally {
    await app.close();
    await engine.close();
  }
}

/**
 * Cached requests per second: autocannon in this process against `rapport serve` in its own (as
 * in production), with the rate limit off. Every answer must be 2xx: a refusal is fast, and
 * counting it would measure the refusals (the default limit refused 154,994 of about 156,000).
 */
async function throughput(path: string, args: string[]): Promise<void> {
  for (const level of ['warn', 'info']) {
    const server = await spawnServer(path, level);
    try {
      const cachedQuery = encodeURIComponent(JSON.stringify(CASES[0]!.query));
      const url = `${server.url}/v1/query?query=${cachedQuery}`;
      // Warm the cache: until then the server may answer Cube's "Continue wait" (a 200, not an answer).
      for (;;) {
        const r = await fetch(url);
        const text = await r.text();
        if (r.status !== 200) throw new Error(`warming the cache: ${r.status} ${text.slice(0, 200)}`);
        if (!text.includes('"Continue wait"')) break;
      }
      const result = await autocannon({
        url,
        connections: Number(option(args, 'connections', '32')),
        duration: Number(option(args, 'duration', '10')),
      });
      // Only 2xx answers count: a refusal (429, 503) is fast and would inflate the figure.
      // `errors` counts connection errors, timeouts included.
      const failed = result.non2xx + result.errors;
      const answered = result['2xx'] + result.non2xx;
      if (failed > 0) {
        throw new Error(
          `the cached-throughput run (LOG_LEVEL=${level}) got ${fmt(failed)} answers that were not 2xx ` +
            `(${fmt(result['4xx'])} 4xx, ${fmt(result['5xx'])} 5xx, ${fmt(result.errors)} connection errors ` +
            `of which ${fmt(result.timeouts)} timeouts) out of ${fmt(answered + result.errors)}: ` +
            'its requests/s would measure refusals, so no figure is printed',
        );
      }
      console.log(
        `\ncached requests/s (autocannon, ${result.connections} connections, ${result.duration} s, LOG_LEVEL=${level}): ` +
          `${fmt(result['2xx'] / result.duration)} (every one of ${fmt(result['2xx'])} answers 2xx), ` +
          `mean per second ${fmt(result.requests.average)}, p50 latency ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      );
    } finally {
      await server.stop();
    }
  }
}

/** `rapport serve` on the bench warehouse in a child process; resolves once it listens. */
async function spawnServer(
  db: string,
  logLevel: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const child = spawn(
    process.execPath,
    // The rate limit off (its default, 1,200 a minute, would refuse nearly every request).
    [join(ROOT, 'bin', 'rapport.js'), 'serve', '--db', db, '--port', String(port), '--rate-limit', '0'],
    {
      env: { ...process.env, LOG_LEVEL: logLevel },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  for (let i = 0; i < 100 && exited === undefined; i++) {
    await new Promise((r) => setTimeout(r, 200));
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      const stop = () =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill();
        });
      return { url, stop };
    }
  }
  child.kill();
  throw new Error(
    exited === undefined
      ? 'the server did not start'
      : `the server exited (${exited}) before listening: see its error above`,
  );
}
