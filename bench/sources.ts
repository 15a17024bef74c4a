import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DuckDbEngine } from '../src/engine';
import { ensureWarehouse, parseJobText, runJob, STEPS } from '../src/etl';
import { formatTable } from '../src/util/text-table';
import { BENCH_DATA, fmt, freshFile, option, timed } from './util';

/**
 * `npm run bench -- sources [--rows N] [--batch N]`: a PostgreSQL table of web events extracted
 * with a server-side cursor, staged in DuckDB batch by batch and loaded by a job (typed stage,
 * validation, merge) into a fresh warehouse file, next to psql's `\copy … TO` a file: the
 * fastest way the server hands the same rows out, as the ceiling. Peak RSS growth during the
 * job shows that memory holds one batch, not the table.
 */
const PG = {
  host: process.env['PGHOST'] ?? '127.0.0.1',
  user: process.env['PGUSER'] ?? 'postgres',
  database: process.env['PGDATABASE'] ?? 'test',
};

async function createTable(client: pg.Client, schema: string, rows: number): Promise<void> {
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(`CREATE TABLE "${schema}".web_events AS
    SELECT 'EV' || lpad(g::text, 10, '0') AS event_id,
           TIMESTAMPTZ '2025-07-01 00:00Z' + (g * INTERVAL '7 seconds') AS occurred_at,
           (ARRAY['visit', 'page_view', 'search', 'view_product', 'add_to_cart', 'checkout', 'purchase'])[1 + g % 7] AS event,
           CASE WHEN g % 3 = 0 THEN 'C' || lpad((g % 50000)::text, 6, '0') END AS customer_id,
           'A' || md5((g / 5)::text) AS anonymous_id,
           'WS' || lpad((g / 5)::text, 9, '0') AS session_id,
           '/p/' || (g % 997) AS page,
           (g % 300)::int AS duration_s
    FROM generate_series(1, ${rows}) AS g`);
  await client.query(`ANALYZE "${schema}".web_events`);
}

function copyCeiling(schema: string, file: string): number {
  const t = performance.now();
  execFileSync('psql', [
    '-h',
    PG.host,
    '-U',
    PG.user,
    '-d',
    PG.database,
    '-q',
    '-c',
    `\\copy "${schema}".web_events TO '${file}'`,
  ]);
  return performance.now() - t;
}

function jobYaml(schema: string, batch: number): string {
  return `name: bench-pg-events
source: { type: postgres, connection: bench, table: ${schema}.web_events, batch_size: ${batch} }
target: web_events
mapping:
  event_id: event_id
  occurred_at: occurred_at
  event: event
  customer_id: customer_id
  anonymous_id: anonymous_id
  session_id: session_id
  page: page
  duration_s: duration_s
`;
}

export async function main(args: string[]): Promise<void> {
  const rows = Number(option(args, 'rows', '1000000'));
  const batch = Number(option(args, 'batch', '10000'));
  const schema = `rapport_bench_${randomBytes(4).toString('hex')}`;
  const root = join(BENCH_DATA, 'sources');
  mkdirSync(join(root, 'etl'), { recursive: true });
  writeFileSync(
    join(root, 'etl', 'sources.yml'),
    `connections:\n  bench: { type: postgres, host: ${PG.host}, user: ${PG.user}, database: ${PG.database} }\n`,
  );
  const client = new pg.Client(PG);
  await client.connect();
  try {
    process.stderr.write(`creating ${fmt(rows)} rows in ${schema}.web_events … `);
    await createTable(client, schema, rows);
    process.stderr.write('done\n');
    const dump = freshFile('pg-copy.tsv');
    const copyMs = copyCeiling(schema, dump);
    const engine = await DuckDbEngine.open({ path: freshFile('sources.duckdb') });
    await ensureWarehouse(engine);
    const baseline = process.memoryUsage();
    let peak = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const steps: Record<string, number> = {};
    let last = performance.now();
    let current = '';
    try {
      const { ms, result } = await timed(() =>
        runJob(parseJobText(jobYaml(schema, batch), join(root, 'job.yml')), {
          engine,
          root,
          onStep: (step) => {
            const now = performance.now();
            if (current) steps[current] = now - last;
            current = step;
            last = now;
          },
        }),
      );
      steps[current] = performance.now() - last;
      if (result.status !== 'succeeded' || result.inserted !== rows)
        throw new Error(`unexpected run: ${JSON.stringify(result)}`);
      const extractMs = steps['stage'] ?? 0;
      console.log(
        formatTable([
          {
            what: `psql \\copy … TO a file (${fmt(statSync(dump).size / 1e6)} MB): the ceiling`,
            seconds: fmt(copyMs / 1000, 2),
            rows_per_s: fmt(rows / (copyMs / 1000)),
          },
          {
            what: `extract: cursor, ${fmt(batch)}-row batches, DuckDB appender`,
            seconds: fmt(extractMs / 1000, 2),
            rows_per_s: fmt(rows / (extractMs / 1000)),
          },
          {
            what: 'the whole job (extract, validate, merge into a fresh file)',
            seconds: fmt(ms / 1000, 2),
            rows_per_s: fmt(rows / (ms / 1000)),
          },
        ]),
      );
      console.log(`steps (s): ${STEPS.map((s) => `${s} ${fmt((steps[s] ?? 0) / 1000, 2)}`).join(', ')}`);
      console.log(
        `peak growth during the job: JS heap ${fmt((peakHeap - baseline.heapUsed) / 1e6)} MB, ` +
          `RSS ${fmt((peak - baseline.rss) / 1e6)} MB (DuckDB's own buffers included)`,
      );
    } finally {
      clearInterval(sampler);
      await engine.close();
    }
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
