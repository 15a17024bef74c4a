import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import type { Model } from '../../src/model/types';
import {
  type ClickHouseTarget,
  type Cluster,
  openCluster,
  openTarget,
  type PublishResult,
  publish,
} from '../../src/publish';
import { type ClickHouseCluster, startClickHouseCluster } from '../helpers/clickhouse-server';
import { loadDemo, ROOT } from '../helpers/demo';

// `rapport publish --cluster` against Debian's clickhouse-server 18.16 running as a real
// two-shard cluster on loopback. Everything read back here goes through the harness's plain
// HTTP (`server.sql`), not through the publisher's client.

const FACTS = [
  'fact_campaign_responses',
  'fact_deal_stages',
  'fact_interactions',
  'fact_order_lines',
  'fact_tickets',
  'fact_web_events',
];
const DIMENSIONS = [
  'dim_campaign',
  'dim_channel',
  'dim_customer',
  'dim_date',
  'dim_employee',
  'dim_geography',
  'dim_product',
];
const DB = 'rapport';

/** Count and the sums of a fact's measures, on DuckDB, as ClickHouse prints them in TSV. */
async function duckdbFigures(engine: Engine, table: string, columns: readonly string[]): Promise<string> {
  const sums = columns.map((c) => `CAST(sum("${c}") AS VARCHAR)`);
  const r = await engine.query(
    `SELECT ${['CAST(count(*) AS VARCHAR) AS n', ...sums].join(', ')} FROM "${table}"`,
  );
  return Object.values(r.rows[0] ?? {})
    .map((v) => (v === null ? '0' : String(v)))
    .join('\t');
}

/** The measures whose sums are compared per fact: integers and decimals written as 18.16 prints them. */
const MEASURES: Record<string, string[]> = {
  fact_order_lines: ['revenue', 'quantity', 'line_no', 'customer_key'],
  fact_interactions: ['duration_s', 'customer_key'],
  fact_campaign_responses: ['cost', 'customer_key'],
  fact_web_events: ['duration_s', 'product_key'],
  fact_deal_stages: ['amount', 'customer_key'],
  fact_tickets: ['satisfaction', 'customer_key'],
};

/** 18.16 prints Decimal(38, 4) sums with four decimals, as DuckDB prints DECIMAL(38, 4). */
const tsv = async (server: { sql(t: string): Promise<string> }, text: string) =>
  (await server.sql(`${text} FORMAT TSV`)).trim();

describe('rapport publish --cluster into a two-shard ClickHouse 18.16 cluster', () => {
  let servers: ClickHouseCluster;
  let engine: Engine;
  let model: Model;
  let to: ClickHouseTarget;
  let cluster: Cluster;
  let first: PublishResult;

  beforeAll(async () => {
    servers = await startClickHouseCluster({ shards: 2 });
    ({ engine } = await loadDemo());
    model = loadModel(join(ROOT, 'cubes'));
    const urls = servers.servers.map((s) => `${s.url}${DB}`);
    to = await openTarget(urls[0]!);
    cluster = await openCluster(to, urls[0]!, servers.name, urls);
    first = await publish({ from: engine, to, model, cluster });
  });

  afterAll(async () => {
    await Promise.all(cluster?.shards.map((s) => s.close()) ?? []);
    await to?.close();
    await engine?.close();
    await servers?.stop();
  });

  it('creates local MergeTree tables and Distributed tables on every shard, and full dimension copies', async () => {
    const expected = [
      ...FACTS.map((f) => `${f}\tDistributed`),
      ...FACTS.map((f) => `${f}_local\tMergeTree`),
      ...DIMENSIONS.map((d) => `${d}\tMergeTree`),
    ].sort();
    for (const server of servers.servers) {
      const tables = await tsv(
        server,
        `SELECT name, engine FROM system.tables WHERE database = '${DB}' ORDER BY name`,
      );
      expect(tables.split('\n').sort()).toEqual(expected);
    }
    expect(first.ok).toBe(true);
  });

  it('lands every fact on both shards and reads it back whole through the Distributed table', async () => {
    const [one, two] = servers.servers;
    for (const fact of FACTS) {
      const duck = await engine.query(`SELECT count(*) AS n FROM ${fact}`);
      const total = Number(duck.rows[0]?.['n']);
      const onOne = Number(await tsv(one!, `SELECT count() FROM ${DB}.${fact}_local`));
      const onTwo = Number(await tsv(two!, `SELECT count() FROM ${DB}.${fact}_local`));
      expect(onOne, fact).toBeGreaterThan(0);
      expect(onTwo, fact).toBeGreaterThan(0);
      expect(onOne + onTwo, fact).toBe(total);
      const columns = MEASURES[fact]!;
      const click = await tsv(
        one!,
        `SELECT ${['toString(count())', ...columns.map((c) => `toString(sum(${c}))`)].join(', ')} FROM ${DB}.${fact}`,
      );
      expect(click, fact).toBe(await duckdbFigures(engine, fact, columns));
    }
  });

  it('keeps a customer on one shard (rows without one spread by their natural key)', async () => {
    const [one, two] = servers.servers;
    const ids = async (s: { sql(t: string): Promise<string> }) =>
      new Set(
        (
          await tsv(
            s,
            `SELECT DISTINCT customer_id FROM ${DB}.fact_order_lines_local WHERE customer_id IS NOT NULL`,
          )
        ).split('\n'),
      );
    const a = await ids(one!);
    const b = await ids(two!);
    expect(a.size).toBeGreaterThan(100);
    expect(b.size).toBeGreaterThan(100);
    expect([...a].filter((id) => b.has(id))).toEqual([]);
  });

  it('puts a whole copy of every dimension on each shard', async () => {
    for (const dim of DIMENSIONS) {
      const n = (await engine.query(`SELECT count(*) AS n FROM ${dim}`)).rows[0]?.['n'];
      for (const server of servers.servers) {
        expect(Number(await tsv(server, `SELECT count() FROM ${DB}.${dim}`)), dim).toBe(Number(n));
      }
    }
  });

  it('writes timestamps to the second in UTC (DateTime: 18.16 has no DateTime64)', async () => {
    const duck = await engine.query(
      `SELECT strftime(min(ordered_at), '%Y-%m-%d %H:%M:%S') || chr(9) || strftime(max(ordered_at), '%Y-%m-%d %H:%M:%S') AS v FROM fact_order_lines`,
    );
    const click = await tsv(
      servers.servers[0]!,
      `SELECT min(ordered_at), max(ordered_at) FROM ${DB}.fact_order_lines`,
    );
    expect(click).toBe(duck.rows[0]?.['v']);
    expect(
      await tsv(servers.servers[1]!, `SELECT toTypeName(ordered_at) FROM ${DB}.fact_order_lines LIMIT 1`),
      // TSV escapes the quotes: DateTime(\'UTC\')
    ).toBe("DateTime(\\'UTC\\')");
  });

  it('copies nothing the second time, then exactly the rows of a later load, on both shards', async () => {
    const again = await publish({ from: engine, to, model, cluster });
    expect(again.copied).toBe(0);
    expect(again.ok).toBe(true);
    const run = Number((await engine.query('SELECT max(run_id) + 1 AS r FROM etl_runs')).rows[0]?.['r']);
    await engine.exec(`
      INSERT INTO fact_interactions
      SELECT * REPLACE ('LATE-' || interaction_id AS interaction_id, ${run} AS run_id)
      FROM (SELECT * FROM fact_interactions ORDER BY interaction_id LIMIT 40)`);
    const next = await publish({ from: engine, to, model, cluster });
    expect(next.tables.filter((t) => t.copied > 0).map((t) => [t.table, t.mode, t.copied])).toEqual([
      ['fact_interactions', 'increment', 40],
    ]);
    expect(next.ok).toBe(true);
    const [one, two] = servers.servers;
    const late = `SELECT count() FROM ${DB}.fact_interactions_local WHERE startsWith(interaction_id, 'LATE-')`;
    expect(Number(await tsv(one!, late)) + Number(await tsv(two!, late))).toBe(40);
    const duck = await engine.query('SELECT count(*) AS n FROM fact_interactions');
    expect(Number(await tsv(two!, `SELECT count() FROM ${DB}.fact_interactions`))).toBe(
      Number(duck.rows[0]?.['n']),
    );
  });

  it('republishes a changed dimension and a changed fact whole on every shard, leaving no scratch tables', async () => {
    const run = Number((await engine.query('SELECT max(run_id) + 2 AS r FROM etl_runs')).rows[0]?.['r']);
    await engine.exec(
      `UPDATE dim_campaign SET budget = budget + 1000, run_id = ${run} WHERE campaign_key = (SELECT min(campaign_key) FROM dim_campaign)`,
    );
    // A ticket rated again by a later run (the loader deletes and re-inserts a changed row).
    await engine.exec(
      `UPDATE fact_tickets SET satisfaction = 1, run_id = ${run} WHERE ticket_id = (SELECT min(ticket_id) FROM fact_tickets WHERE satisfaction = 5)`,
    );
    const next = await publish({ from: engine, to, model, cluster });
    expect(next.tables.filter((t) => t.copied > 0).map((t) => [t.table, t.mode])).toEqual([
      ['dim_campaign', 'whole'],
      ['fact_tickets', 'whole'],
    ]);
    expect(next.ok).toBe(true);
    const tickets = await engine.query(
      'SELECT CAST(count(*) AS VARCHAR) || chr(9) || CAST(sum(satisfaction) AS VARCHAR) AS v FROM fact_tickets',
    );
    const [one, two] = servers.servers;
    expect(await tsv(two!, `SELECT count(), sum(satisfaction) FROM ${DB}.fact_tickets`)).toBe(
      tickets.rows[0]?.['v'],
    );
    const local = `SELECT count() FROM ${DB}.fact_tickets_local`;
    expect(Number(await tsv(one!, local))).toBeGreaterThan(0);
    expect(Number(await tsv(two!, local))).toBeGreaterThan(0);
    const duck = await engine.query(
      'SELECT CAST(count(*) AS VARCHAR) || chr(9) || CAST(sum(budget) AS VARCHAR) AS v FROM dim_campaign',
    );
    for (const server of servers.servers) {
      expect(await tsv(server, `SELECT count(), sum(budget) FROM ${DB}.dim_campaign`)).toBe(
        duck.rows[0]?.['v'],
      );
      expect(
        await tsv(
          server,
          `SELECT count() FROM system.tables WHERE database = '${DB}' AND position(name, '__') > 0`,
        ),
      ).toBe('0');
    }
  });

  it('reports throughput', () => {
    const copied = first.tables.reduce((n, t) => n + t.copied, 0);
    const seconds = first.tables.reduce((n, t) => n + t.seconds, 0);
    process.stdout.write(
      `publish into the 18.16 cluster: ${copied} rows in ${seconds.toFixed(2)} s = ${Math.round(copied / seconds)} rows/s\n`,
    );
    expect(copied).toBe(first.tables.reduce((n, t) => n + t.rows, 0));
  });
});
