import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, Row } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { addUser } from '../../src/server/auth/users';
import { loadDemo, ROOT } from '../helpers/demo';

/**
 * Random queries as a region-restricted user, each checked against ground truth written
 * directly in SQL over the star schema (facts joined to the customer version of their time,
 * kept when its region is the user's), never through the compiler.
 */

const REGION = 'Northern Europe';
const NOW = () => new Date('2026-07-01T00:00:00Z');
const COMPLETED = "f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0";

interface Fact {
  readonly cube: string;
  readonly table: string;
  readonly time: string;
  readonly measures: Readonly<Record<string, string>>;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly filters: readonly { member: string; operator: 'equals'; values: string[]; sql: string }[];
  readonly segments: Readonly<Record<string, string>>;
}

const CUSTOMER_DIMENSIONS = {
  'customers.type': 'c.type',
  'customers.region': 'c.region',
  'customers.industry': 'c.industry',
};
const CUSTOMER_FILTERS = [
  { member: 'customers.type', operator: 'equals' as const, values: ['b2b'], sql: "c.type = 'b2b'" },
  { member: 'customers.type', operator: 'equals' as const, values: ['b2c'], sql: "c.type = 'b2c'" },
];

const FACTS: readonly Fact[] = [
  {
    cube: 'orders',
    table: 'fact_order_lines',
    time: 'ordered_at',
    measures: {
      'orders.count': 'count(*)',
      'orders.revenue': `sum(f.revenue) FILTER (WHERE ${COMPLETED})`,
      'orders.customer_count': `count(DISTINCT f.customer_id) FILTER (WHERE ${COMPLETED})`,
    },
    dimensions: { ...CUSTOMER_DIMENSIONS, 'orders.status': 'f.status' },
    filters: [
      ...CUSTOMER_FILTERS,
      { member: 'orders.status', operator: 'equals', values: ['cancelled'], sql: "f.status = 'cancelled'" },
    ],
    segments: { 'orders.completed': COMPLETED, 'orders.b2b': "c.type = 'b2b'" },
  },
  {
    cube: 'interactions',
    table: 'fact_interactions',
    time: 'occurred_at',
    measures: { 'interactions.count': 'count(*)' },
    dimensions: { ...CUSTOMER_DIMENSIONS, 'interactions.kind': 'f.kind' },
    filters: [
      ...CUSTOMER_FILTERS,
      { member: 'interactions.kind', operator: 'equals', values: ['call'], sql: "f.kind = 'call'" },
    ],
    segments: {},
  },
  {
    cube: 'deals',
    table: 'fact_deal_stages',
    time: 'entered_at',
    measures: { 'deals.count': 'count(*)' },
    dimensions: { ...CUSTOMER_DIMENSIONS, 'deals.stage': 'f.stage' },
    filters: CUSTOMER_FILTERS,
    segments: {},
  },
  {
    cube: 'tickets',
    table: 'fact_tickets',
    time: 'opened_at',
    measures: { 'tickets.count': 'count(*)' },
    dimensions: CUSTOMER_DIMENSIONS,
    filters: CUSTOMER_FILTERS,
    segments: {},
  },
];

/** mulberry32: a small seeded generator, so a failure reproduces. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick, some: <T>(xs: readonly T[]) => xs.filter(() => next() < 0.4) };
}

interface Case {
  readonly query: Record<string, unknown>;
  readonly truth: string;
  readonly params: unknown[];
  readonly keys: readonly string[];
}

const tsText = (expr: string) => `strftime(${expr}, '%Y-%m-%dT%H:%M:%S.000')`;

/** A random grouped query over one fact and its ground truth in SQL. */
function randomCase(r: ReturnType<typeof random>): Case {
  const fact = r.pick(FACTS);
  const measures = r.some(Object.keys(fact.measures));
  if (measures.length === 0) measures.push(Object.keys(fact.measures)[0]!);
  const dimensions = r.some(Object.keys(fact.dimensions)).slice(0, 2);
  const filters = r.next() < 0.5 ? [r.pick(fact.filters)] : [];
  const segments =
    Object.keys(fact.segments).length > 0 && r.next() < 0.3 ? [r.pick(Object.keys(fact.segments))] : [];
  const granularity = r.next() < 0.4 ? r.pick(['month', 'quarter', 'year'] as const) : undefined;
  const year = r.next() < 0.5 ? r.pick([2024, 2025]) : undefined;
  const timeMember = `${fact.cube}.${fact.time}`;
  const query: Record<string, unknown> = {
    measures,
    dimensions,
    filters: filters.map(({ member, operator, values }) => ({ member, operator, values })),
    segments,
    limit: 50000,
  };
  const select = dimensions.map((d) => `${fact.dimensions[d]} AS "${d}"`);
  const keys = [...dimensions];
  if (granularity || year) {
    query['timeDimensions'] = [
      {
        dimension: timeMember,
        ...(granularity ? { granularity } : {}),
        ...(year ? { dateRange: [`${year}-01-01`, `${year}-12-31`] } : {}),
      },
    ];
    if (granularity) {
      select.push(
        `${tsText(`date_trunc('${granularity}', f.${fact.time})`)} AS "${timeMember}.${granularity}"`,
      );
      keys.push(`${timeMember}.${granularity}`);
    }
  }
  const where = [
    'c.region = $1',
    ...filters.map((f) => f.sql),
    ...segments.map((s) => fact.segments[s]!),
    ...(year ? [`f.${fact.time} >= '${year}-01-01' AND f.${fact.time} < '${year + 1}-01-01'`] : []),
  ];
  const truth = `
    SELECT ${[...select, ...measures.map((m) => `${fact.measures[m]} AS "${m}"`)].join(', ')}
    FROM ${fact.table} f JOIN dim_customer c ON c.customer_key = f.customer_key
    WHERE ${where.join(' AND ')}
    ${keys.length > 0 ? 'GROUP BY ALL' : ''}`;
  return { query, truth, params: [REGION], keys };
}

/** Rows as sorted lines of rounded values, so two answers compare whatever their order. */
function canonical(rows: readonly Row[], columns: readonly string[]): string[] {
  return rows
    .map((row) =>
      columns
        .map((c) => {
          const v = row[c];
          if (v === null || v === undefined) return 'null';
          const n = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
          return typeof n === 'number' || typeof n === 'bigint' ? Number(n).toFixed(2) : String(n);
        })
        .join(' | '),
    )
    .sort();
}

function parseCsv(text: string): Row[] {
  const [head, ...lines] = text.trim().split('\n');
  const columns = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v === '' ? null : v])));
}

describe('row-level security: a region-restricted user never sees another region', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let headers: Record<string, string>;
  let adminHeaders: Record<string, string>;
  const truth = async (sql: string, params: unknown[] = [REGION]) =>
    (await engine.query({ text: sql, params: params as string[] })).rows;

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    const { key } = await addUser(engine, {
      name: 'nordic',
      role: 'marketer',
      attributes: { region: REGION },
    });
    headers = { authorization: `Bearer ${key}` };
    const admin = await addUser(engine, { name: 'root', role: 'admin', attributes: {} });
    adminHeaders = { authorization: `Bearer ${admin.key}` };
    app = await buildApp({ engine, root: ROOT, now: NOW });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await engine?.close();
  });

  const query = async (q: unknown, accept = 'application/json') => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/query',
      headers: { ...headers, accept },
      payload: { query: q },
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body} for ${JSON.stringify(q)}`);
    return res;
  };

  const cubeLoad = async (q: unknown) => {
    const res = await app.inject({
      method: 'POST',
      url: '/cubejs-api/v1/load',
      headers: { authorization: headers['authorization']!.replace(/^Bearer /, '') },
      payload: { query: q },
    });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body} for ${JSON.stringify(q)}`);
    return res.json();
  };

  it('the restriction is not vacuous: other regions hold most of the data', async () => {
    const [all] = await truth(
      'SELECT count(*) AS n, count(*) FILTER (WHERE c.region = $1) AS mine FROM fact_order_lines f JOIN dim_customer c USING (customer_key)',
    );
    expect(Number(all!['mine'])).toBeGreaterThan(0);
    expect(Number(all!['n'])).toBeGreaterThan(3 * Number(all!['mine']));
  });

  it('120 random grouped queries (measures, dimensions, filters, segments, time dimensions; /v1 and Cube routes) equal the SQL ground truth', async () => {
    const r = random(20261123);
    for (let i = 0; i < 120; i++) {
      const c = randomCase(r);
      // Every third case goes through Cube's route, with the key as Cube's clients send it.
      const body =
        i % 3 === 2
          ? ((await cubeLoad(c.query)) as { data: Row[] })
          : ((await query(c.query)).json() as { data: Row[] });
      const columns = [...c.keys, ...(c.query['measures'] as string[])];
      const expected = await truth(c.truth, c.params);
      const context = `case ${i}: ${JSON.stringify(c.query)}\n${c.truth}`;
      expect(canonical(body.data, columns), context).toEqual(canonical(expected, columns));
      for (const row of body.data) {
        if ('customers.region' in row) expect(row['customers.region'], context).toBe(REGION);
      }
    }
  }, 60_000);

  it('ungrouped rows, totals and rollup subtotals stay in the region', async () => {
    const ungrouped = (
      await query({
        dimensions: ['orders.order_id', 'orders.line_no', 'customers.region'],
        timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: ['2025-03-01', '2025-03-31'] }],
        ungrouped: true,
        limit: 50000,
      })
    ).json() as { data: Row[] };
    const [lines] = await truth(
      "SELECT count(*) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key) WHERE c.region = $1 AND f.ordered_at >= '2025-03-01' AND f.ordered_at < '2025-04-01'",
    );
    expect(ungrouped.data).toHaveLength(Number(lines!['n']));
    expect(new Set(ungrouped.data.map((row) => row['customers.region']))).toEqual(new Set([REGION]));

    const rolled = (
      await query({
        measures: ['orders.count'],
        dimensions: ['customers.country'],
        rollup: ['customers.country'],
      })
    ).json() as { data: Row[] };
    const counted = (
      await query({ measures: ['orders.count'], dimensions: ['customers.country'], total: true })
    ).json() as {
      total: number;
    };
    const byCountry = await truth(
      'SELECT c.country, count(*) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key) WHERE c.region = $1 GROUP BY 1',
    );
    const grand = rolled.data.find((row) => (row['__subtotal'] as string[] | undefined)?.length);
    expect(Number(grand!['orders.count'])).toBe(byCountry.reduce((s, row) => s + Number(row['n']), 0));
    expect(counted.total).toBe(byCountry.length);
  });

  it('CSV and Arrow exports hold the ground truth and no other region', async () => {
    const res = await query(
      { measures: ['orders.revenue'], dimensions: ['customers.region', 'customers.type'], limit: 50000 },
      'text/csv',
    );
    const rows = parseCsv(res.body);
    const expected = await truth(
      `SELECT c.region AS "customers.region", c.type AS "customers.type", sum(f.revenue) FILTER (WHERE ${COMPLETED}) AS "orders.revenue"
       FROM fact_order_lines f JOIN dim_customer c USING (customer_key) WHERE c.region = $1 GROUP BY ALL`,
    );
    const cols = ['customers.region', 'customers.type', 'orders.revenue'];
    expect(canonical(rows, cols)).toEqual(canonical(expected, cols));
    const arrow = await query(
      { measures: ['orders.revenue'], dimensions: ['customers.region', 'customers.type'], limit: 50000 },
      'application/vnd.apache.arrow.stream',
    );
    const table = tableFromIPC(arrow.rawPayload)
      .toArray()
      .map((r) => ({ ...r.toJSON() }) as Row);
    expect(canonical(table, cols)).toEqual(canonical(expected, cols));
  });

  it('reports: RFM and k-means populations and cohort sizes are those of the region only', async () => {
    const rfm = (
      await app.inject({ method: 'POST', url: '/v1/reports/rfm', headers, payload: {} })
    ).json() as {
      population: { customers: number };
    };
    const [customers] = await truth(
      `SELECT count(DISTINCT f.customer_id) AS n FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
       WHERE c.region = $1 AND ${COMPLETED} AND f.ordered_at < '2026-07-01'`,
    );
    expect(rfm.population.customers).toBe(Number(customers!['n']));
    const clusters = (
      await app.inject({ method: 'POST', url: '/v1/reports/segments', headers, payload: {} })
    ).json() as {
      population: { customers: number };
    };
    expect(clusters.population.customers).toBe(Number(customers!['n']));

    const cohort = (
      await app.inject({ method: 'POST', url: '/v1/reports/cohort', headers, payload: {} })
    ).json() as {
      cohorts: { cohort: string; size: number }[];
    };
    const sizes = await truth(
      `WITH first AS (SELECT f.customer_id, min(f.ordered_at) AS t FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
                      WHERE c.region = $1 AND ${COMPLETED} GROUP BY 1)
       SELECT strftime(date_trunc('month', t), '%Y-%m-%d') AS cohort, count(*) AS size FROM first GROUP BY 1 ORDER BY 1`,
    );
    expect(cohort.cohorts.map((c) => [c.cohort, c.size])).toEqual(
      sizes.map((s) => [s['cohort'], Number(s['size'])]),
    );
  });

  it('dashboard tiles and filter values show the region only', async () => {
    const tile = (
      await app.inject({
        method: 'GET',
        url: '/v1/dashboards/sales-executive/tiles/revenue_by_month.json',
        headers,
      })
    ).json() as {
      data: Row[];
    };
    const months = await truth(
      `SELECT ${tsText("date_trunc('month', f.ordered_at)")} AS "orders.ordered_at.month", sum(f.revenue) FILTER (WHERE ${COMPLETED}) AS "orders.revenue"
       FROM fact_order_lines f JOIN dim_customer c USING (customer_key)
       WHERE c.region = $1 AND f.ordered_at >= '2025-07-01' AND f.ordered_at < '2026-07-01' GROUP BY 1`,
    );
    const cols = ['orders.ordered_at.month', 'orders.revenue'];
    expect(canonical(tile.data, cols)).toEqual(canonical(months, cols));

    const values = (
      await app.inject({ method: 'GET', url: '/v1/meta/values?member=customers.region', headers })
    ).json();
    expect(values.values).toEqual([REGION]);
  });

  it('saved segments: a region user saves and exports only their region, and cannot refresh a shared one', async () => {
    const post = (url: string, payload: unknown, h = headers) =>
      app.inject({ method: 'POST', url, headers: h, payload: payload as object });
    const saved = await post('/v1/segments', {
      name: 'nordic champions',
      definition: { source: 'rfm', segments: ['Champions'] },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const id = saved.json().segment_id;
    const members = (
      await truth('SELECT customer_id FROM saved_segment_members WHERE segment_id = $1', [id])
    ).map((r) => r['customer_id']);
    const everInRegion = new Set(
      (await truth('SELECT DISTINCT customer_id FROM dim_customer WHERE region = $1')).map(
        (r) => r['customer_id'],
      ),
    );
    expect(members.length).toBeGreaterThan(0);
    expect(members.filter((m) => !everInRegion.has(m))).toEqual([]);

    // An admin's list with customers of two regions: the region user's export shows theirs only.
    const [inside] = await truth(
      'SELECT customer_id FROM dim_customer WHERE is_current AND region = $1 LIMIT 1',
    );
    const [outside] = await truth(
      'SELECT customer_id FROM dim_customer WHERE is_current AND region <> $1 LIMIT 1',
    );
    const ids = [inside!['customer_id'], outside!['customer_id']];
    const shared = await post(
      '/v1/segments',
      { name: 'mixed', definition: { source: 'ids', customer_ids: ids } },
      adminHeaders,
    );
    expect(shared.statusCode, shared.body).toBe(201);
    const exported = await app.inject({
      method: 'GET',
      url: '/v1/segments/mixed/members',
      headers: { ...headers, accept: 'application/json' },
    });
    expect(exported.json().data.map((r: Row) => [r['customer_id'], r['region']])).toEqual([
      [inside!['customer_id'], REGION],
    ]);
    const asAdmin = await app.inject({
      method: 'GET',
      url: '/v1/segments/mixed/members',
      headers: { ...adminHeaders, accept: 'application/json' },
    });
    expect(asAdmin.json().data).toHaveLength(2);

    const refresh = await post('/v1/segments/mixed/refresh', {});
    expect(refresh.statusCode).toBe(403);
    expect(refresh.json().code).toBe('FORBIDDEN');

    // Reading segments: counts and id lists cover the customers the user sees, nothing else.
    const get = (url: string, h = headers) => app.inject({ method: 'GET', url, headers: h });
    const mixed = (await get('/v1/segments/mixed')).json();
    expect([mixed.member_count, mixed.definition.customer_ids]).toEqual([1, [inside!['customer_id']]]);
    const mixedAsAdmin = (await get('/v1/segments/mixed', adminHeaders)).json();
    expect([mixedAsAdmin.member_count, mixedAsAdmin.definition.customer_ids]).toEqual([2, ids]);
    const everywhere = await post(
      '/v1/segments',
      { name: 'all champions', definition: { source: 'rfm', segments: ['Champions'] } },
      adminHeaders,
    );
    expect(everywhere.statusCode, everywhere.body).toBe(201);
    const listed = (await get('/v1/segments')).json().data as { segment_id: string; member_count: number }[];
    for (const seg of listed) {
      const [n] = await truth(
        `SELECT count(*) AS n FROM saved_segment_members WHERE segment_id = $2
           AND customer_id IN (SELECT customer_id FROM dim_customer WHERE is_current AND region = $1)`,
        [REGION, seg.segment_id],
      );
      expect(seg.member_count, seg.segment_id).toBe(Number(n!['n']));
    }
    const champions = listed.find((seg) => seg.segment_id === 'all-champions')!;
    expect(champions.member_count).toBeGreaterThan(0);
    expect(champions.member_count).toBeLessThan(everywhere.json().member_count);

    // Deleting a shared segment is refused like refreshing it; the admin still may.
    const del = (h: Record<string, string>) =>
      app.inject({ method: 'DELETE', url: '/v1/segments/all-champions', headers: h });
    const refused = await del(headers);
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'FORBIDDEN']);
    expect((await get('/v1/segments/all-champions', adminHeaders)).statusCode).toBe(200);
    expect((await del(adminHeaders)).statusCode).toBe(204);
  });

  it("customer dimensions computed from interactions (last contact, contact planned) read only the user's interactions", async () => {
    const at = "TIMESTAMP '2026-07-01 00:00:00'";
    const manager = await addUser(engine, {
      name: 'mgr3',
      role: 'analyst',
      attributes: { employee_id: 'E003' },
    });
    const count = async (h: Record<string, string>, filter: unknown) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/query',
        headers: h,
        payload: { query: { measures: ['customers.count'], filters: [filter] } },
      });
      expect(res.statusCode, res.body).toBe(200);
      return Number(res.json().data[0]['customers.count']);
    };
    const contacted = { member: 'customers.last_contact_at', operator: 'set' };
    const planned = { member: 'customers.has_planned_contact', operator: 'equals', values: ['true'] };
    const mgr = { authorization: `Bearer ${manager.key}` };
    // The manager sees every customer but only their own interactions.
    const own = (status: string, when: string) =>
      truth(
        `SELECT count(DISTINCT i.customer_id) AS n FROM fact_interactions i JOIN dim_employee e USING (employee_key)
         WHERE e.employee_id = $1 AND i.status = '${status}' AND i.occurred_at ${when} ${at}
           AND i.customer_id IN (SELECT customer_id FROM dim_customer)`,
        ['E003'],
      );
    const [done] = await own('done', '<');
    const [ahead] = await own('planned', '>=');
    const [everyone] = await truth(
      `SELECT count(DISTINCT customer_id) AS n FROM fact_interactions WHERE status = 'done' AND occurred_at < ${at}`,
      [],
    );
    expect(Number(done!['n'])).toBeLessThan(Number(everyone!['n']));
    expect(await count(mgr, contacted)).toBe(Number(done!['n']));
    expect(await count(mgr, planned)).toBe(Number(ahead!['n']));

    // The region user: the last contact among interactions whose customer version is in the region.
    const res = await query({
      dimensions: ['customers.customer_id', 'customers.last_contact_at'],
      filters: [contacted],
      limit: 50000,
    });
    const expected = await truth(
      `SELECT c.customer_id AS "customers.customer_id", ${tsText('max(i.occurred_at)')} AS "customers.last_contact_at"
       FROM (SELECT DISTINCT customer_id FROM dim_customer WHERE region = $1) c
       JOIN fact_interactions i ON i.customer_id = c.customer_id
       JOIN dim_customer ic ON ic.customer_key = i.customer_key
       WHERE ic.region = $1 AND i.status = 'done' AND i.occurred_at < ${at} GROUP BY 1`,
    );
    const cols = ['customers.customer_id', 'customers.last_contact_at'];
    expect(expected.length).toBeGreaterThan(0);
    expect(canonical(res.json().data, cols)).toEqual(canonical(expected, cols));
  });

  it('Customer 360: a customer of another region is not found, one of the region is', async () => {
    const [other] = await truth(
      'SELECT customer_id FROM dim_customer WHERE is_current AND region <> $1 AND region IS NOT NULL LIMIT 1',
    );
    const [mine] = await truth(
      'SELECT customer_id FROM dim_customer WHERE is_current AND region = $1 LIMIT 1',
    );
    const get = (id: unknown) => app.inject({ method: 'GET', url: `/v1/customers/${id}`, headers });
    expect((await get(other!['customer_id'])).statusCode).toBe(404);
    expect((await get(mine!['customer_id'])).statusCode).toBe(200);
    const search = (await app.inject({ method: 'GET', url: '/v1/customers?search=a', headers })).json() as {
      data: Row[];
    };
    const ids = search.data.map((row) => row['customer_id']);
    const allowed = new Set(
      (await truth('SELECT customer_id FROM dim_customer WHERE is_current AND region = $1')).map(
        (row) => row['customer_id'],
      ),
    );
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => !allowed.has(id))).toEqual([]);
  });
});
