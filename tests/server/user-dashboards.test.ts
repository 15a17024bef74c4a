import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../src/cli/check-project';
import type { Engine } from '../../src/engine';
import type { Role } from '../../src/model/access/types';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { loadDemo, ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';

const NOW = new Date('2026-05-15T00:00:00Z');
const COMPLETED = "f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0";

/** A dashboard as a user would build it: one KPI over the last 12 months, a region filter. */
const REVIEW = {
  title: 'Revenue review',
  description: 'Built in the browser',
  filters: [
    { name: 'period', type: 'date_range', default: 'last 12 months' },
    { name: 'region', type: 'dimension', dimension: 'customers.region' },
  ],
  tiles: [
    {
      name: 'revenue',
      title: 'Revenue',
      chart: 'kpi',
      query: { measures: ['orders.revenue'] },
      time: 'orders.ordered_at',
      compare: [],
      width: 4,
      height: 1,
    },
  ],
};

describe('dashboards saved beside the shipped ones', () => {
  let engine: Engine;
  let app: FastifyInstance;
  const keys = new Map<string, string>();
  const scratch = scratchDir('rapport-user-dash-');

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    const users: [string, Role, Record<string, string>][] = [
      ['ada', 'admin', {}],
      ['ana', 'analyst', {}],
      ['mia', 'marketer', {}],
      ['eve', 'executive', {}],
      ['wes', 'analyst', { region: 'Western Europe' }],
    ];
    for (const [name, role, attributes] of users)
      keys.set(name, (await addUser(engine, { name, role, attributes })).key);
    app = await buildApp({ engine, root: ROOT, now: () => NOW });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await engine?.close();
    scratch.remove();
  });

  const as = (user: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${keys.get(user)}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /** Completed revenue of the 12 whole months before May 2026, optionally of one region: by hand. */
  const revenue = async (region?: string) => {
    const { rows } = await engine.query({
      text: `SELECT sum(f.revenue)::DOUBLE AS r FROM fact_order_lines f LEFT JOIN dim_customer c USING (customer_key)
             WHERE ${COMPLETED} AND f.ordered_at >= TIMESTAMP '2025-05-01' AND f.ordered_at < TIMESTAMP '2026-05-01'
             AND ($1::VARCHAR IS NULL OR c.region = $1)`,
      params: [region ?? null],
    });
    return Number(rows[0]!['r']);
  };

  it('roles: analysts and marketers create, the maker or an admin changes, executives view', async () => {
    expect((await as('eve', 'POST', '/v1/dashboards', REVIEW)).statusCode).toBe(403);
    const made = await as('ana', 'POST', '/v1/dashboards', REVIEW);
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ id: 'revenue-review', created_by: 'ana', source: 'saved' });
    // The same title again gets the next free id.
    const again = await as('mia', 'POST', '/v1/dashboards', REVIEW);
    expect(again.json().id).toBe('revenue-review-2');

    const list = (await as('eve', 'GET', '/v1/dashboards')).json().data as { id: string; source: string }[];
    expect(list.filter((d) => d.source === 'saved').map((d) => d.id)).toEqual([
      'revenue-review',
      'revenue-review-2',
    ]);
    expect(list.filter((d) => d.source === 'file')).toHaveLength(9);

    const renamed = { ...REVIEW, title: 'Revenue review (Ana)' };
    const byOther = await as('mia', 'PUT', '/v1/dashboards/revenue-review', renamed);
    expect(byOther.statusCode).toBe(403);
    expect(byOther.json().message).toContain('made by ana');
    expect((await as('eve', 'PUT', '/v1/dashboards/revenue-review', renamed)).statusCode).toBe(403);
    const byMaker = await as('ana', 'PUT', '/v1/dashboards/revenue-review', renamed);
    expect(byMaker.statusCode).toBe(200);
    expect((await as('eve', 'GET', '/v1/dashboards/revenue-review')).json().title).toBe(
      'Revenue review (Ana)',
    );
    expect((await as('ana', 'DELETE', '/v1/dashboards/revenue-review-2')).statusCode).toBe(403);
    expect((await as('ada', 'DELETE', '/v1/dashboards/revenue-review-2')).statusCode).toBe(204);
    expect((await as('ada', 'GET', '/v1/dashboards/revenue-review-2')).statusCode).toBe(404);
  });

  it('shipped dashboards are read-only here: 409 with what to do instead', async () => {
    for (const method of ['PUT', 'DELETE'] as const) {
      const r = await as('ada', method, '/v1/dashboards/sales-executive', REVIEW);
      expect(r.statusCode).toBe(409);
      expect(r.json().message).toContain('shipped as dashboards/sales-executive.yml');
    }
    const taken = await as('ana', 'POST', '/v1/dashboards?id=sales-executive', REVIEW);
    expect(taken.statusCode).toBe(409);
  });

  it('a mistake is a 400 naming the field: unknown member, missing title, bad id', async () => {
    const bad = {
      ...REVIEW,
      tiles: [{ ...REVIEW.tiles[0], query: { measures: ['orders.revnue'] } }],
    };
    const r = await as('ana', 'POST', '/v1/dashboards', bad);
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/tiles\.0\.query.*orders\.revnue/);
    expect((await as('ana', 'POST', '/v1/dashboards', { ...REVIEW, title: '' })).statusCode).toBe(400);
    expect((await as('ana', 'POST', '/v1/dashboards?id=Bad%20Id', REVIEW)).statusCode).toBe(400);
    const noTiles = await as('ana', 'POST', '/v1/dashboards', { ...REVIEW, tiles: [] });
    expect(noTiles.statusCode).toBe(400);
    expect(noTiles.json().message).toContain('tiles');
  });

  it('a saved dashboard runs under the viewer’s row rules, with its data as of', async () => {
    const all = (await as('ana', 'GET', '/v1/dashboards/revenue-review')).json();
    const west = (await as('wes', 'GET', '/v1/dashboards/revenue-review')).json();
    const kpi = (d: { tiles: { kpi: { value: number } }[] }) => d.tiles[0]!.kpi.value;
    expect(kpi(all)).toBeCloseTo(await revenue(), 2);
    expect(kpi(west)).toBeCloseTo(await revenue('Western Europe'), 2);
    expect(kpi(west)).toBeLessThan(kpi(all));
    // The orders job's last successful run, read from the log on its own, and the clock: the
    // demo's files, loaded today, are read as of NOW (the answer is the earlier of the two).
    const { rows } = await engine.query(
      "SELECT strftime(least(max(finished_at), TIMESTAMP '2026-05-15 00:00:00'), '%Y-%m-%dT%H:%M:%S') AS t FROM etl_runs WHERE target = 'orders' AND status = 'succeeded'",
    );
    expect(all.data_as_of.slice(0, 19)).toBe(rows[0]!['t']);
    const page = await as('eve', 'GET', '/dashboards/revenue-review');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Data as of');
  });

  it('exports YAML that `rapport check` accepts, and imports it back to the same dashboard', async () => {
    const exported = await as('eve', 'GET', '/v1/dashboards/revenue-review/yaml');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('yaml');
    const project = join(scratch.dir, 'project');
    mkdirSync(join(project, 'dashboards'), { recursive: true });
    cpSync(join(ROOT, 'cubes'), join(project, 'cubes'), { recursive: true });
    writeFileSync(join(project, 'dashboards', 'revenue-review.yml'), exported.body);
    expect(checkProject(project)).toMatchObject({ problems: [] });
    // The check is not vacuous: a broken member in the same file is found.
    writeFileSync(
      join(project, 'dashboards', 'broken.yml'),
      exported.body.replace('orders.revenue', 'orders.revnue'),
    );
    expect(checkProject(project).problems.map((p) => p.file)).toEqual(['dashboards/broken.yml']);

    const imported = await as('mia', 'POST', '/v1/dashboards/import', { yaml: exported.body, id: 'copy' });
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toMatchObject({ id: 'copy', created_by: 'mia' });
    const original = (await as('ana', 'GET', '/v1/dashboards/revenue-review')).json();
    const copy = (await as('ana', 'GET', '/v1/dashboards/copy')).json();
    expect({ ...copy, id: original.id }).toEqual(original);
    const reexport = (await as('ana', 'GET', '/v1/dashboards/copy/yaml')).body;
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(reexport)).toBe(body(exported.body));
    // Importing over an existing id needs replace, and a shipped file can be exported and imported as a copy.
    expect(
      (await as('mia', 'POST', '/v1/dashboards/import', { yaml: exported.body, id: 'copy' })).statusCode,
    ).toBe(409);
    const service = (await as('ana', 'GET', '/v1/dashboards/service/yaml')).body;
    const yamlError = await as('ana', 'POST', '/v1/dashboards/import', { yaml: 'title: [' });
    expect(yamlError.statusCode).toBe(400);
    const fork = await as('ana', 'POST', '/v1/dashboards/import', { yaml: service, id: 'my-service' });
    expect(fork.statusCode).toBe(201);
    expect(fork.json().tiles).toBe((await as('ana', 'GET', '/v1/dashboards/service')).json().tiles.length);
  });
});
