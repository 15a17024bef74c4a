import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describeClock, type RunRecord, selectJobs, warehouseClock } from '../../etl';
import { buildApp } from '../../server/app';
import { assertBindable, LOCAL_MODE_NOTICE } from '../../server/auth/local-mode';
import { LIMIT_SOURCES, resolveLimits } from '../../server/limits';
import { formatTable } from '../../util/text-table';
import {
  clickhouseUrl,
  openClickHouseWarehouse,
  openWarehouse,
  projectRoot,
  warehousePath,
} from '../context';
import { LIMIT_KEYS } from '../specs';
import { runJobsWithProgress } from './etl-run';

export interface ServeOptions {
  db?: string;
  /** The ClickHouse that answers cube queries and reports [$RAPPORT_CLICKHOUSE_URL]. */
  clickhouse?: string;
  port: string;
  host: string;
  /** The limit flags, under commander's camel-case names (`--rate-limit` → `rateLimit`). */
  [flag: string]: string | undefined;
}

/** Where commander puts a flag's value: `query-timeout` → `queryTimeout`. */
function attributeOf(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The address to type into a browser: a wildcard host is reached on loopback. */
function browserUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  return `http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}/`;
}

export async function serve(opts: ServeOptions): Promise<void> {
  const port = Number.parseInt(opts.port, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${opts.port}`);
  const limits = resolveLimits(
    Object.fromEntries(LIMIT_KEYS.map((k) => [k, opts[attributeOf(LIMIT_SOURCES[k].flag)]])),
  );
  // Two connections per query slot (a report may hold one while it runs another) plus two
  // outside the cap: one for /health and one for an ETL load.
  // ClickHouse first: a wrong URL or an unreachable server stops here, before the file is locked.
  const url = clickhouseUrl(opts.clickhouse);
  const warehouse = url === undefined ? undefined : await openClickHouseWarehouse(url);
  const { engine, path } = await openWarehouse(opts.db, {
    poolSize: limits.maxConcurrentQueries * 2 + 2,
  }).catch(async (e: unknown) => {
    await warehouse?.close();
    throw e;
  });
  const clock = await warehouseClock(engine, projectRoot());
  const { now } = clock;
  const app = await buildApp({
    engine,
    ...(warehouse === undefined ? {} : { warehouse }),
    root: projectRoot(),
    now,
    logger: { level: process.env['LOG_LEVEL'] ?? 'info' },
    limits,
    schedules: true,
  });
  if (app.localMode) {
    try {
      assertBindable(true, opts.host);
    } catch (e) {
      await app.close();
      await engine.close();
      await warehouse?.close();
      throw e;
    }
    process.stderr.write(`${LOCAL_MODE_NOTICE}\n`);
    app.log.warn({ localMode: true }, LOCAL_MODE_NOTICE);
  } else {
    app.log.info(
      { localMode: false },
      'access control: every API request needs a key (or a JWT on /cubejs-api)',
    );
  }
  const close = async () => {
    await app.close();
    await engine.close();
    await warehouse?.close();
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port, host: opts.host });
  app.log.info(
    {
      warehouse: path,
      ...(url === undefined ? {} : { clickhouse: url.replace(/^(https?:\/\/[^:/@]*:)[^@]*@/, '$1***@') }),
      now: describeClock(clock),
      limits,
    },
    `rapport serving on http://${opts.host}:${port}`,
  );
  const bound = (app.server.address() as AddressInfo | null)?.port ?? port;
  process.stderr.write(`\nOpen ${browserUrl(opts.host, bound)} in a browser (Ctrl-C stops the server).\n`);
}

/** The load's summary for a person: rows loaded and rejected per job, and where the rejects are. */
export function loadSummary(records: readonly RunRecord[], dbFlag: string): string {
  const rows = records.map((r) => ({
    job: r.job,
    status: r.status,
    rows_read: r.rows_read,
    loaded: r.inserted + r.updated + r.unchanged,
    rejected: r.rejected,
    duplicates: r.duplicates,
    seconds: Math.round(r.duration_ms / 100) / 10,
  }));
  const lines = [formatTable(rows)];
  const rejected = records.filter((r) => r.rejected > 0);
  if (rejected.length > 0) {
    const total = rejected.reduce((n, r) => n + r.rejected, 0);
    lines.push(
      '',
      `${total.toLocaleString('en-US')} rows were rejected (the demo's exports carry deliberate dirt); see them with:`,
      ...rejected.map((r) => `  rapport etl rejects --job ${r.job}${dbFlag}`),
    );
  }
  for (const r of records.filter((x) => x.status === 'failed')) lines.push(`${r.job} failed: ${r.error}`);
  return lines.join('\n');
}

export async function start(opts: ServeOptions): Promise<void> {
  const path = warehousePath(opts.db);
  if (!existsSync(path)) {
    const root = projectRoot();
    const jobs = selectJobs(['demo-*'], false, join(root, 'etl', 'jobs'));
    process.stderr.write(`no warehouse at ${path}: loading the demo company\n`);
    const { engine } = await openWarehouse(opts.db);
    let records: RunRecord[];
    try {
      records = await runJobsWithProgress(engine, jobs, root, { perJob: true, title: 'loading the demo' });
    } finally {
      await engine.close();
    }
    const dbFlag = opts.db ? ` --db ${opts.db}` : '';
    process.stderr.write(`\n${loadSummary(records, dbFlag)}\n\n`);
  }
  await serve(opts);
}
