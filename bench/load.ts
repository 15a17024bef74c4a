/**
 * `npm run bench -- load [--duration 60] [--connections 50] [--lines 20000]`: a real `rapport
 * serve` under autocannon — cached and uncached queries and /health from many connections —
 * while ETL jobs load new versions of the orders through the server's ETL route. Every answer
 * to the totals query must be the (count, revenue) of one loaded version: a consistent snapshot.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DuckDbEngine } from '../src/engine';
import { ensureWarehouse, loadJobFile, runJob } from '../src/etl';
import { fmt, option } from './util';

const ROOT = join(import.meta.dirname, '..');
const JOB = 'load-orders';
const TOTALS = { measures: ['orders.count', 'orders.revenue'] };

export interface LoadOptions {
  readonly durationSeconds: number;
  readonly connections: number;
  /** Order lines of version 0; each later version adds 100 and reprices every line. */
  readonly lines: number;
}

export interface LoadReport {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Answers to the totals query that match no loaded version (torn or stale reads). */
  readonly inconsistent: string[];
  readonly etlRuns: number;
  readonly etlFailures: string[];
  /** Distinct versions the totals query saw during the run. */
  readonly versionsSeen: number;
  /** The totals after the last load, asked with no-cache. */
  readonly finalMatchesLastVersion: boolean;
}

/** Version k: lines 0 .. lines + 100k − 1, line i at (1000 + 100·(i mod 50) + k) cents, quantity 1 + i mod 5. */
function versionLines(options: LoadOptions, k: number): number {
  return options.lines + 100 * k;
}

function priceCents(i: number, k: number): number {
  return 1000 + 100 * (i % 50) + k;
}

/** The count and revenue (in cents) of version k, computed here rather than by the server. */
export function expectedTotals(options: LoadOptions, k: number): { count: number; revenueCents: number } {
  let revenueCents = 0;
  const n = versionLines(options, k);
  for (let i = 0; i < n; i++) revenueCents += (1 + (i % 5)) * priceCents(i, k);
  return { count: n, revenueCents };
}

function writeVersion(path: string, options: LoadOptions, k: number): void {
  const rows = ['order_id,line_no,ordered_at,quantity,unit_price,discount,status'];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < versionLines(options, k); i++) {
    const at = new Date(start + i * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    const cents = priceCents(i, k);
    rows.push(
      `O${i},1,${at},${1 + (i % 5)},${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')},0,completed`,
    );
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(root: string, db: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'rapport.js'), 'serve', '--db', db, '--port', String(port)],
    {
      cwd: root,
      // Fifty clients from one address would pass any per-client limit meant for people.
      env: { ...process.env, RAPPORT_ROOT: root, RAPPORT_RATE_LIMIT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const up = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, child };
  }
  child.kill('SIGKILL');
  throw new Error('the server did not start');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs the scenario and reports; throws only when the set-up itself fails. */
export async function runLoadScenario(options: LoadOptions): Promise<LoadReport> {
  const root = mkdtempSync(join(tmpdir(), 'rapport-load-'));
  const csv = join(root, 'orders.csv');
  const db = join(root, 'warehouse.duckdb');
  let server: { url: string; child: ChildProcess } | undefined;
  try {
    symlinkSync(join(ROOT, 'cubes'), join(root, 'cubes'));
    mkdirSync(join(root, 'etl', 'jobs'), { recursive: true });
    const jobFile = join(root, 'etl', 'jobs', `${JOB}.yml`);
    writeFileSync(
      jobFile,
      [
        `name: ${JOB}`,
        'source:',
        '  type: csv',
        `  path: ${JSON.stringify(csv)}`,
        'target: orders',
        'mapping:',
        ...['order_id', 'line_no', 'ordered_at', 'quantity', 'unit_price', 'discount', 'status'].map(
          (f) => `  ${f}: ${f}`,
        ),
        '',
      ].join('\n'),
    );
    writeVersion(csv, options, 0);
    const engine = await DuckDbEngine.open({ path: db });
    try {
      await ensureWarehouse(engine);
      await runJob(loadJobFile(jobFile), { engine, root });
    } finally {
      await engine.close();
    }
    const expected = new Map<string, number>();
    const remember = (k: number) => {
      const t = expectedTotals(options, k);
      expected.set(`${t.count}:${t.revenueCents}`, k);
    };
    remember(0);
    server = await startServer(root, db);
    const { url } = server;

    // Loads new versions one after another through the server until the load test ends.
    let version = 0;
    let loading = true;
    const etlFailures: string[] = [];
    const etl = (async () => {
      while (loading) {
        const k = version + 1;
        writeVersion(csv, options, k);
        remember(k);
        const r = await fetch(`${url}/v1/etl/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ job: JOB }),
        });
        if (r.status !== 201) etlFailures.push(`${r.status} ${await r.text()}`);
        else version = k;
      }
    })();

    const inconsistent: string[] = [];
    const seen = new Set<number>();
    const checkTotals = (status: number, body: string) => {
      if (status !== 200) return;
      try {
        const row = (JSON.parse(body) as { data: Record<string, unknown>[] }).data[0]!;
        const key = `${Number(row['orders.count'])}:${Math.round(Number(row['orders.revenue']) * 100)}`;
        const k = expected.get(key);
        if (k === undefined) inconsistent.push(key);
        else seen.add(k);
      } catch {
        inconsistent.push(body.slice(0, 200));
      }
    };
    const post = (query: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ query, ...extra });
    const headers = { 'content-type': 'application/json' };
    let day = 0;
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: options.durationSeconds,
      // Longer than the server's own limits (queue and query timeouts, 30 s each), so a slow
      // answer shows as the server's 503/504 rather than as a client giving up.
      timeout: 90,
      requests: [
        { method: 'POST', path: '/v1/query', headers, body: post(TOTALS), onResponse: checkTotals },
        {
          method: 'POST',
          path: '/v1/query',
          headers,
          body: post(TOTALS, { cache: 'no-cache' }),
          onResponse: checkTotals,
        },
        {
          method: 'POST',
          path: '/v1/query',
          headers,
          // A different week each time: mostly cache misses, grouped by day.
          setupRequest: (request) => {
            day = (day + 7) % 330;
            const from = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
            const to = new Date(Date.UTC(2025, 0, 8 + day)).toISOString().slice(0, 10);
            return {
              ...request,
              body: post({
                measures: ['orders.revenue', 'orders.quantity'],
                timeDimensions: [
                  { dimension: 'orders.ordered_at', granularity: 'day', dateRange: [from, to] },
                ],
              }),
            };
          },
        },
        { method: 'GET', path: '/health' },
      ],
    });
    loading = false;
    await etl;
    const final = await fetch(`${url}/v1/query`, {
      method: 'POST',
      headers,
      body: post(TOTALS, { cache: 'no-cache' }),
    });
    const finalRow = ((await final.json()) as { data: Record<string, unknown>[] }).data[0]!;
    const last = expectedTotals(options, version);
    return {
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      inconsistent,
      etlRuns: version,
      etlFailures,
      versionsSeen: seen.size,
      finalMatchesLastVersion:
        Number(finalRow['orders.count']) === last.count &&
        Math.round(Number(finalRow['orders.revenue']) * 100) === last.revenueCents,
    };
  } finally {
    if (server) await stop(server.child);
    rmSync(root, { recursive: true, force: true });
  }
}

export function formatReport(options: LoadOptions, r: LoadReport): string {
  return [
    `load: ${options.connections} connections for ${options.durationSeconds} s, ${fmt(options.lines)} order lines per version`,
    `  requests ${fmt(r.requests)}, ${fmt(r.requestsPerSecond)} req/s, latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`,
    `  non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, inconsistent answers ${r.inconsistent.length}`,
    `  ETL loads during the run ${r.etlRuns} (failed ${r.etlFailures.length}), versions seen by queries ${r.versionsSeen}, final answer matches the last load: ${r.finalMatchesLastVersion}`,
  ].join('\n');
}

export async function main(args: string[]): Promise<void> {
  const options: LoadOptions = {
    durationSeconds: Number(option(args, 'duration', '60')),
    connections: Number(option(args, 'connections', '50')),
    lines: Number(option(args, 'lines', '20000')),
  };
  const report = await runLoadScenario(options);
  console.log(formatReport(options, report));
  if (report.inconsistent.length > 0)
    console.log(`  first inconsistent answers: ${report.inconsistent.slice(0, 5).join(' | ')}`);
  if (report.etlFailures.length > 0) console.log(`  first ETL failure: ${report.etlFailures[0]}`);
}
