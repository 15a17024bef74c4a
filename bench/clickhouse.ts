import { loadavg } from 'node:os';
import { join } from 'node:path';
import { QueryService } from '../src/cube/service';
import { DuckDbEngine, type Engine, openEngine } from '../src/engine';
import { loadModel } from '../src/model/load';
import type { Model } from '../src/model/types';
import { openTarget, publish } from '../src/publish';
import type { ReportContext } from '../src/reports/common/context';
import { reportRunsOn } from '../src/reports/common/definition';
import { REPORTS } from '../src/reports/registry';
import { runReport } from '../src/reports/run';
import { formatTable } from '../src/util/text-table';
// The parity suite's comparison (pure functions, no vitest): the same rule decides here whether
// the two engines gave the same answer before any timing counts.
import { differences } from '../tests/parity/compare';
import { CASES as QUERY_CASES } from './query';
import { CASES as REPORT_CASES } from './reports';
import { BENCH_DATA, fmt, median, option } from './util';
import { benchWarehouse, DEFAULT_SIZES } from './warehouse';

const ROOT = join(import.meta.dirname, '..');
const NOW = new Date('2026-07-01T00:00:00Z');

/** The load average now, printed beside every figure: the machine is shared. */
function load(): string {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
}

async function time(body: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await body();
  return performance.now() - t;
}

/**
 * `npm run bench -- clickhouse [--part query|reports|all] [--rows N] [--events N] [--responses N]
 * [--customers N] [--interactions N] [--reps N] [--only REPORT]`:
 * the bench warehouse published into an in-process ClickHouse (chdb) under bench/.data (the
 * publish is incremental: a second run copies nothing), then every cube query case of the query
 * bench through the QueryService, and every report case whose report runs on ClickHouse, on
 * DuckDB and on ClickHouse over the same data. Answers must agree before timings are printed;
 * the ratio is ClickHouse / DuckDB (below 1: ClickHouse faster).
 */
export async function main(args: string[]): Promise<void> {
  const reps = Number(option(args, 'reps', '3'));
  const part = option(args, 'part', 'all');
  if (!['all', 'query', 'reports'].includes(part))
    throw new Error(`--part is query, reports or all, got ${part}`);
  const sizes = {
    ...DEFAULT_SIZES,
    orderLines: Number(option(args, 'rows', String(DEFAULT_SIZES.orderLines))),
    webEvents: Number(option(args, 'events', String(DEFAULT_SIZES.webEvents))),
    responses: Number(option(args, 'responses', String(DEFAULT_SIZES.responses))),
    customers: Number(option(args, 'customers', String(DEFAULT_SIZES.customers))),
    interactions: Number(option(args, 'interactions', String(DEFAULT_SIZES.interactions))),
  };
  const path = await benchWarehouse(sizes);
  const model = loadModel(join(ROOT, 'cubes'));
  // Writable: publish records its state in the warehouse file.
  const duckdb = await DuckDbEngine.open({ path });
  const chdbUrl = `chdb:${join(
    BENCH_DATA,
    `chdb-${path
      .split('/')
      .pop()!
      .replace(/\.duckdb$/, '')}`,
  )}`;
  let clickhouse: Engine | undefined;
  try {
    await publishInto(duckdb, chdbUrl, model);
    // chdb binds one data directory per process: the publish target is closed, the engine opens it.
    clickhouse = await openEngine(chdbUrl);
    if (part !== 'reports') await queries(duckdb, clickhouse, model, reps);
    if (part !== 'query') {
      const only = option(args, 'only', '');
      await reports(duckdb, clickhouse, model, reps, only);
      if (!only || only === 'funnel') await againstWindowFunnel(duckdb, clickhouse, model, reps);
    }
  } finally {
    await clickhouse?.close();
    await duckdb.close();
  }
}

/**
 * A report's context over `engine`. Application state (segments, ETL runs) stays in DuckDB, as
 * with `serve --clickhouse`. As the server: what a report keeps per data version (the funnel's
 * actor-key check) is kept between runs; the comparing run pays for it.
 */
function reportContext(engine: Engine, state: Engine, model: Model): ReportContext {
  return { engine, state, model, now: () => NOW, dataVersion: () => 0 };
}

async function publishInto(duckdb: Engine, url: string, model: Model): Promise<void> {
  const target = await openTarget(url);
  try {
    process.stderr.write(`publishing into ${url} (load ${load()})\n`);
    const r = await publish({ from: duckdb, to: target, model });
    const rows = r.tables.map((t) => ({
      table: t.table,
      mode: t.mode,
      copied: t.copied,
      rows: t.rows,
      seconds: Math.round(t.seconds * 10) / 10,
      rows_per_s: t.copied > 0 && t.seconds > 0 ? Math.round(t.copied / t.seconds) : null,
    }));
    console.log(formatTable(rows));
    console.log(
      `publish: ${fmt(r.copied)} rows copied in ${fmt(r.seconds, 1)} s` +
        (r.copied > 0 ? ` = ${fmt(r.copied / r.seconds)} rows/s` : '') +
        `; reconciled: ${r.ok ? 'yes' : 'NO'}; load average ${load()}\n`,
    );
    if (!r.ok) throw new Error('the published tables do not reconcile: no timings on them');
  } finally {
    await target.close();
  }
}

async function queries(duckdb: Engine, clickhouse: Engine, model: Model, reps: number): Promise<void> {
  const service = (engine: Engine) => new QueryService({ engine, model, version: () => 1, now: () => NOW });
  const [duck, click] = [service(duckdb), service(clickhouse)];
  const answer = async (s: QueryService, query: object) =>
    (await s.load(query, { cache: 'no-cache' })).results[0]!.data;
  const rows: Record<string, unknown>[] = [];
  for (const c of QUERY_CASES) {
    // The first run of each side is the comparison (and the warm-up).
    const diff = differences(await answer(duck, c.query), await answer(click, c.query), []);
    if (diff.length > 0) {
      rows.push({ query: c.name, duckdb_ms: null, clickhouse_ms: null, ratio: `DIFFERS: ${diff[0]}` });
      process.stderr.write(`${c.name}: answers differ:\n  ${diff.join('\n  ')}\n`);
      continue;
    }
    // Interleaved so that machine noise hits both sides alike.
    const d: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < reps; i++) {
      d.push(await time(() => answer(duck, c.query)));
      k.push(await time(() => answer(click, c.query)));
    }
    rows.push({
      query: c.name,
      duckdb_ms: Math.round(median(d)),
      clickhouse_ms: Math.round(median(k)),
      ratio: Math.round((median(k) / median(d)) * 100) / 100,
      load: load(),
    });
    process.stderr.write(`${c.name}: ClickHouse ${fmt(median(k))} ms vs DuckDB ${fmt(median(d))} ms\n`);
  }
  console.log(formatTable(rows));
}

async function reports(
  duckdb: Engine,
  clickhouse: Engine,
  model: Model,
  reps: number,
  only: string,
): Promise<void> {
  const ctx = (engine: Engine) => reportContext(engine, duckdb, model);
  const rows: Record<string, unknown>[] = [];
  for (const c of REPORT_CASES.filter((x) => !only || x.report === only)) {
    const def = REPORTS.get(c.report);
    if (!def || !reportRunsOn(def, 'clickhouse')) {
      rows.push({ report: c.name, duckdb_s: null, clickhouse_s: null, ratio: 'not on ClickHouse yet' });
      continue;
    }
    const json = async (engine: Engine) => {
      c.fresh?.();
      return (await runReport(ctx(engine), c.report, c.params, 'json')).output!.rows.data;
    };
    const diff = differences(await json(duckdb), await json(clickhouse), []);
    if (diff.length > 0) {
      rows.push({ report: c.name, duckdb_s: null, clickhouse_s: null, ratio: `DIFFERS: ${diff[0]}` });
      process.stderr.write(`${c.name}: answers differ:\n  ${diff.join('\n  ')}\n`);
      continue;
    }
    // Timed as the report bench times it: in the case's format, its stream read to the end.
    const run = async (engine: Engine) => {
      c.fresh?.();
      const r = await runReport(ctx(engine), c.report, c.params, c.format ?? 'json');
      if (r.stream) for await (const _ of r.stream);
    };
    const d: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < reps; i++) {
      d.push(await time(() => run(duckdb)));
      k.push(await time(() => run(clickhouse)));
    }
    rows.push({
      report: c.name,
      duckdb_s: Math.round(median(d)) / 1000,
      clickhouse_s: Math.round(median(k)) / 1000,
      ratio: Math.round((median(k) / median(d)) * 100) / 100,
      load: load(),
    });
    process.stderr.write(
      `${c.name}: ClickHouse ${fmt(median(k) / 1000, 2)} s vs DuckDB ${fmt(median(d) / 1000, 2)} s\n`,
    );
  }
  console.log(formatTable(rows));
}

/** The report bench's funnel case: the one the issue measures against ClickHouse's windowFunnel. */
const FUNNEL_CASE = REPORT_CASES.find((c) => c.report === 'funnel')!;

/**
 * The funnel report on DuckDB against ClickHouse's own `windowFunnel` in chdb over the same
 * rows and steps, interleaved. windowFunnel answers the level each actor reaches and nothing
 * else (no customers, no times to convert): the least work any funnel can do, so "ahead of
 * windowFunnel" is the bar. Its level counts must equal the report's actors per step first.
 * Its timestamps are seconds (`toDateTime`); the bench's events carry whole seconds.
 */
async function againstWindowFunnel(
  duckdb: Engine,
  clickhouse: Engine,
  model: Model,
  reps: number,
): Promise<void> {
  const params = FUNNEL_CASE.params as { steps: string[]; window: string; as_of: string };
  if (params.window !== '7d')
    throw new Error(`the windowFunnel reference is written for 7d, got ${params.window}`);
  const conditions = params.steps.map((s) => `event = '${s}'`).join(', ');
  const inList = params.steps.map((s) => `'${s}'`).join(', ');
  // Bench constants only (no user values): the steps are the case's literal event names.
  const sql = `
    SELECT level, count() AS actors FROM (
      SELECT coalesce(customer_id, anonymous_id) AS actor,
             windowFunnel(${7 * 86400})(toDateTime(occurred_at), ${conditions}) AS level
      FROM fact_web_events
      WHERE event IN (${inList}) AND occurred_at < toDateTime64('${params.as_of} 00:00:00', 6, 'UTC')
      GROUP BY actor)
    WHERE level > 0 GROUP BY level ORDER BY level`;
  const ctx = reportContext(duckdb, duckdb, model);
  const report = async () => (await runReport(ctx, 'funnel', params, 'json')).output!.rows.data;
  // Actors reaching step k are those whose level is k or more.
  const levels = (await clickhouse.query(sql)).rows.map((r) => [Number(r['level']), Number(r['actors'])]);
  const reached = params.steps.map((_, k) => levels.filter(([l]) => l! > k).reduce((t, [, n]) => t + n!, 0));
  const ours = (await report()).map((r) => Number((r as Record<string, unknown>)['actors']));
  if (JSON.stringify(reached) !== JSON.stringify(ours)) {
    throw new Error(`windowFunnel reaches ${reached.join(' / ')}, the report ${ours.join(' / ')}`);
  }
  const d: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < reps; i++) {
    d.push(await time(report));
    w.push(await time(() => clickhouse.query(sql)));
  }
  console.log(
    formatTable([
      {
        funnel: FUNNEL_CASE.name,
        report_duckdb_s: Math.round(median(d)) / 1000,
        windowfunnel_chdb_s: Math.round(median(w)) / 1000,
        ratio: Math.round((median(d) / median(w)) * 100) / 100,
        actors: ours.map((n) => fmt(n)).join(' / '),
        load: load(),
      },
    ]),
  );
  process.stderr.write('(ratio = report / windowFunnel; below 1: the report is ahead)\n');
}
