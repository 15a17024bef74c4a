import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describeClock, selectJobs, warehouseClock } from '../../etl';
import { buildApp } from '../../server/app';
import { assertBindable, LOCAL_MODE_NOTICE } from '../../server/auth/local-mode';
import { DEFAULT_LIMITS, LIMIT_SOURCES, type LimitSettings, resolveLimits } from '../../server/limits';
import { openWarehouse, projectRoot, warehousePath } from '../context';
import { runJobsWithProgress } from './etl';

interface ServeOptions {
  db?: string;
  port: string;
  host: string;
  /** The limit flags, under commander's camel-case names (`--rate-limit` → `rateLimit`). */
  [flag: string]: string | undefined;
}

const LIMIT_KEYS = Object.keys(LIMIT_SOURCES) as (keyof LimitSettings)[];

/** Where commander puts a flag's value: `query-timeout` → `queryTimeout`. */
function attributeOf(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

async function serve(opts: ServeOptions): Promise<void> {
  const port = Number.parseInt(opts.port, 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${opts.port}`);
  const limits = resolveLimits(
    Object.fromEntries(LIMIT_KEYS.map((k) => [k, opts[attributeOf(LIMIT_SOURCES[k].flag)]])),
  );
  // Two connections per query slot (a report may hold one while it runs another) plus two
  // outside the cap: one for /health and one for an ETL load.
  const { engine, path } = await openWarehouse(opts.db, { poolSize: limits.maxConcurrentQueries * 2 + 2 });
  const clock = await warehouseClock(engine, projectRoot());
  const { now } = clock;
  const app = await buildApp({
    engine,
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
    process.exit(0);
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  await app.listen({ port, host: opts.host });
  app.log.info(
    { warehouse: path, now: describeClock(clock), limits },
    `rapport serving on http://${opts.host}:${port}`,
  );
}

/** The limit flags, each defaulting to its environment variable, then to DEFAULT_LIMITS. */
function withLimitOptions(c: Command): Command {
  for (const key of LIMIT_KEYS) {
    const s = LIMIT_SOURCES[key];
    const shown = s.unit === 'seconds' ? DEFAULT_LIMITS[key] / 1000 : DEFAULT_LIMITS[key];
    c.option(`--${s.flag} <${s.unit === 'count' ? 'n' : s.unit}>`, `${s.description} [${shown}, $${s.env}]`);
  }
  return c;
}

function limitsHelp(): string {
  return '\nLimits: flags win over environment variables, which win over the defaults in brackets.';
}

export function registerServe(program: Command): void {
  const withServeOptions = (c: Command) =>
    withLimitOptions(
      c
        .option('--db <path>', 'warehouse file (default data/warehouse.duckdb or $RAPPORT_DB)')
        .option('-p, --port <port>', 'port', process.env['PORT'] ?? '3000')
        .option('--host <host>', 'interface to listen on', process.env['HOST'] ?? '127.0.0.1'),
    ).addHelpText('after', limitsHelp());

  withServeOptions(program.command('serve').description('serve the API and dashboards over HTTP')).action(
    (opts: ServeOptions) => serve(opts),
  );

  withServeOptions(
    program
      .command('start')
      .description(
        'load the demo company into the warehouse if the file is missing, then serve (npm start); ' +
          "a warehouse holding only the demo is read at the demo's export moment (2026-07-01) unless RAPPORT_NOW is set",
      ),
  ).action(async (opts: ServeOptions) => {
    const path = warehousePath(opts.db);
    if (!existsSync(path)) {
      process.stderr.write(`no warehouse at ${path}: loading the demo company\n`);
      const root = projectRoot();
      const jobs = selectJobs(['demo-*'], false, join(root, 'etl', 'jobs'));
      const { engine } = await openWarehouse(opts.db);
      try {
        await runJobsWithProgress(engine, jobs, root);
      } finally {
        await engine.close();
      }
    }
    await serve(opts);
  });
}
