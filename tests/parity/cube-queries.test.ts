import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MultiLoadResponse, QueryService } from '../../src/cube';
import { loadDashboards } from '../../src/dashboards/load';
import { AppError } from '../../src/errors';
import { warehouseVersion } from '../../src/etl';
import type { Model } from '../../src/model/types';
import { reportRunsOn } from '../../src/reports/common/definition';
import { getReport, REPORTS } from '../../src/reports/registry';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { FIXTURES, fixtureNames } from '../golden/support';
import { DEMO_NOW, ROOT } from '../helpers/demo';
import { deepDifferences, differences } from './compare';
import { type PublishedDemo, publishedDemo } from './published';

/**
 * Every golden query (fixtures/queries) answered through the QueryService on the embedded DuckDB
 * and on its copy published into an in-process ClickHouse: the same answer, also for a user whose
 * role restricts rows to one region, and over HTTP on Cube's load route of a server whose
 * warehouse is ClickHouse.
 */

const names = fixtureNames();
const input = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
const SECRET = 'parity-test-secret-0123456789-abcdefghij';
/** Relative ranges ("last 7 days") read at the demo's export moment, so they find its rows. */
const NOW = DEMO_NOW;

let demo: PublishedDemo;
let version: number;
let region: string;

function service(engine: PublishedDemo['duckdb'], model: Model): QueryService {
  return new QueryService({ engine, model, version: () => version, now: () => NOW });
}

/** The answer, or the error's code: an engine may refuse a query only where the other does too. */
async function answer(s: QueryService, query: unknown): Promise<MultiLoadResponse | { error: string }> {
  try {
    return await s.load(query);
  } catch (e) {
    if (e instanceof AppError) return { error: `${e.code}: ${e.message}` };
    throw e;
  }
}

/** Every difference between the two engines' answers to `query`, for the model given. */
async function compareOn(model: Model, query: unknown): Promise<{ problems: string[]; rows: number }> {
  const duck = service(demo.duckdb, model);
  const [d, c] = [await answer(duck, query), await answer(service(demo.clickhouse, model), query)];
  if ('error' in d || 'error' in c) {
    return {
      problems:
        JSON.stringify(d) === JSON.stringify(c)
          ? []
          : [`DuckDB ${JSON.stringify(d).slice(0, 200)}; ClickHouse ${JSON.stringify(c).slice(0, 200)}`],
      rows: 0,
    };
  }
  const problems: string[] = [];
  if (d.results.length !== c.results.length)
    problems.push(`results: ${d.results.length} vs ${c.results.length}`);
  const parts = duck.prepare(query).parts;
  for (const [i, r] of d.results.entries()) {
    const ordered = parts[i]!.logical.order.map((o) => o.alias);
    for (const p of differences(r.data, c.results[i]?.data ?? [], ordered))
      problems.push(`result ${i}: ${p}`);
  }
  return { problems, rows: d.results.reduce((n, r) => n + r.data.length, 0) };
}

beforeAll(async () => {
  demo = await publishedDemo();
  version = await warehouseVersion(demo.duckdb);
  region = demo.smallestRegion;
}, 600_000);

afterAll(async () => {
  await demo?.close();
});

describe('the published copy', () => {
  it('reconciles with the DuckDB warehouse', () => {
    expect(demo.published.ok).toBe(true);
    expect(demo.published.copied).toBeGreaterThan(0);
  });
});

describe('every golden query answers alike on DuckDB and ClickHouse', () => {
  const empty: string[] = [];
  it.each(names)('%s', async (name) => {
    const { problems, rows } = await compareOn(demo.model, input(name));
    expect(problems).toEqual([]);
    if (rows === 0) empty.push(name);
  });
  it('most answers have rows (agreeing on nothing would prove little)', () => {
    expect(empty.length, `answered no rows: ${empty.join(', ')}`).toBeLessThanOrEqual(names.length / 10);
  });
});

describe('a user restricted to one region', () => {
  const restricted = () => demo.restrictedModel();

  it.each(names)('%s', async (name) => {
    const { problems } = await compareOn(restricted(), input(name));
    expect(problems).toEqual([]);
  });

  it('sees only their region, counted by hand on ClickHouse', async () => {
    const query = { measures: ['orders.count'], dimensions: ['customers.region'] };
    const r = await service(demo.clickhouse, restricted()).load(query);
    expect(r.results[0]!.data).toHaveLength(1);
    expect(r.results[0]!.data[0]!['customers.region']).toBe(region);
    // Plain SQL on the published tables, written here, not compiled.
    const [hand] = (
      await demo.clickhouse.query({
        text: 'SELECT count() AS n FROM fact_order_lines f JOIN dim_customer c ON c.customer_key = f.customer_key WHERE c.region = {p1:String}',
        params: [region],
      })
    ).rows;
    expect(Number(r.results[0]!.data[0]!['orders.count'])).toBe(Number(hand!['n']));
  });
});

describe('a server whose warehouse is ClickHouse', () => {
  let duckApp: FastifyInstance;
  let chApp: FastifyInstance;
  let adminKey: string;
  const base = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  beforeAll(async () => {
    adminKey = (await addUser(demo.duckdb, { name: 'ada', role: 'admin', attributes: {} })).key;
    const common = { root: ROOT, now: () => NOW, jwtSecret: SECRET, model: demo.model };
    duckApp = await buildApp({ engine: demo.duckdb, ...common });
    chApp = await buildApp({ engine: demo.duckdb, warehouse: demo.clickhouse, ...common });
    await duckApp.listen({ port: 0, host: '127.0.0.1' });
    await chApp.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await duckApp?.close();
    await chApp?.close();
  });

  const token = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  async function load(app: FastifyInstance, query: unknown, auth: string) {
    const r = await fetch(`${base(app)}/cubejs-api/v1/load`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return {
      status: r.status,
      body: (await r.json()) as { data: Record<string, unknown>[]; dbType: string },
    };
  }

  it.each(['time-month', 'two-facts', 'timezone-berlin', 'filter-nested-and-or', 'rollup-named'])(
    '/cubejs-api/v1/load answers %s as the DuckDB server does, with and without a row rule',
    async (name) => {
      const query = input(name);
      const prepared = service(demo.duckdb, demo.model).prepare(query).parts[0]!;
      const ordered = prepared.logical.order.map((o) => o.alias);
      for (const claims of [{ role: 'analyst' }, { role: 'analyst', region }]) {
        const auth = await token(claims);
        const [d, c] = [await load(duckApp, query, auth), await load(chApp, query, auth)];
        expect([d.status, c.status]).toEqual([200, 200]);
        expect(c.body.dbType).toBe('clickhouse');
        expect(differences(d.body.data, c.body.data, ordered)).toEqual([]);
      }
    },
  );

  it('a filter on saved-segment membership is a plain 422 there (the members stay in DuckDB), a 200 on DuckDB', async () => {
    const query = {
      measures: ['orders.count'],
      filters: [{ member: 'customers.segment', operator: 'equals', values: ['no such segment'] }],
    };
    const auth = await token({ role: 'analyst' });
    const [d, c] = [await load(duckApp, query, auth), await load(chApp, query, auth)];
    expect(d.status).toBe(200);
    expect(c.status).toBe(422);
    const body = c.body as unknown as { code: string; message: string };
    expect(body.code).toBe('UNSUPPORTED_FEATURE');
    expect(body.message).toContain('customers.segment');
  });

  it('/cubejs-api/v1/sql shows the ClickHouse SQL with the row rule compiled in', async () => {
    const r = await fetch(
      `${base(chApp)}/cubejs-api/v1/sql?query=${encodeURIComponent(JSON.stringify({ measures: ['orders.count'] }))}`,
      {
        headers: { authorization: await token({ role: 'analyst', region }) },
      },
    );
    expect(r.status).toBe(200);
    const body = (await r.json()) as { sql: { sql: [string, unknown[]] } };
    const [text, params] = body.sql.sql;
    expect(text).toMatch(/\{p\d+:String\}/);
    expect(params).toContain(region);
  });

  it("Executive sales' cube tiles and KPIs (with their comparisons) read as on the DuckDB server", async () => {
    const tiles = async (app: FastifyInstance) => {
      const r = await fetch(`${base(app)}/v1/dashboards/sales-executive`, {
        headers: { authorization: `Bearer ${adminKey}` },
      });
      expect(r.status).toBe(200);
      return (await r.json()) as {
        tiles: {
          name: string;
          chart: string;
          data: Record<string, unknown>[];
          kpi?: unknown;
          error?: { code: string };
        }[];
      };
    };
    const [d, c] = [await tiles(duckApp), await tiles(chApp)];
    // The report tiles of dashboards/sales-executive.yml, by whether their report runs on ClickHouse.
    const dashboard = loadDashboards(join(ROOT, 'dashboards')).find((x) => x.id === 'sales-executive')!;
    const reportOf = new Map(dashboard.tiles.flatMap((t) => (t.report ? [[t.name, t.report] as const] : [])));
    expect(reportOf.size).toBeGreaterThan(0);
    const refusedThere = (name: string) => {
      const report = reportOf.get(name);
      return report !== undefined && !reportRunsOn(getReport(report), 'clickhouse');
    };
    expect(d.tiles.filter((t) => t.error !== undefined)).toEqual([]);
    expect(d.tiles.filter((t) => t.chart === 'kpi').length).toBeGreaterThanOrEqual(4);
    for (const t of d.tiles) {
      const other = c.tiles.find((x) => x.name === t.name)!;
      if (refusedThere(t.name)) {
        // A report still written for DuckDB: refused with the code, not a failure.
        expect(other.error?.code, t.name).toBe('REPORT_ENGINE_UNSUPPORTED');
        continue;
      }
      expect(other.error, t.name).toBeUndefined();
      expect(differences(t.data, other.data, []), t.name).toEqual([]);
      expect(deepDifferences(t.kpi, other.kpi), t.name).toEqual([]);
    }
  });

  it('a report still written for DuckDB is refused with a code naming it and the engine; a ported one answers', async () => {
    const post = (app: FastifyInstance, name: string) =>
      fetch(`${base(app)}/v1/reports/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
    const all = [...REPORTS.values()];
    const unported = all.find((r) => !reportRunsOn(r, 'clickhouse'));
    const ported = all.find((r) => reportRunsOn(r, 'clickhouse'));
    // Reports are ported one by one: while any is left, it is refused; once none is, all run.
    if (unported === undefined) expect(all.every((r) => reportRunsOn(r, 'clickhouse'))).toBe(true);
    else {
      const r = await post(chApp, unported.name);
      expect(r.status).toBe(422);
      const body = (await r.json()) as { code: string; message: string; details: { engine: string } };
      expect(body.code).toBe('REPORT_ENGINE_UNSUPPORTED');
      expect(body.message).toContain(`"${unported.name}"`);
      expect(body.details.engine).toBe('clickhouse');
      // The same report on the DuckDB server answers.
      expect((await post(duckApp, unported.name)).status).toBe(200);
    }
    if (ported !== undefined) expect((await post(chApp, ported.name)).status).toBe(200);
  });
});
