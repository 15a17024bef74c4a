import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import {
  fitSegments,
  planSegments,
  segmentMembers,
  segments,
  segmentsReport,
} from '../../src/reports/segments/report';
import { sql } from '../../src/sql';
import { onlineRetailWarehouse, reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

type Result = Awaited<ReturnType<typeof segmentsReport>>;

interface Group {
  size: number;
  recency: [number, number];
  orders: [number, number];
  perOrder: [number, number];
  currency: string;
}

/** Three groups far apart in log R, F, M: recent big spenders, middling regulars, long-gone one-timers. */
const GROUPS: Group[] = [
  { size: 40, recency: [1, 5], orders: [20, 30], perOrder: [300, 400], currency: 'EUR' },
  { size: 60, recency: [40, 60], orders: [4, 6], perOrder: [50, 80], currency: 'EUR' },
  { size: 80, recency: [300, 360], orders: [1, 1], perOrder: [10, 20], currency: 'USD' },
];
const AS_OF = '2024-01-01';

/** Inserts the groups' completed order lines (one line per order) and returns each customer's group. */
async function insertGroups(engine: Engine): Promise<Map<string, number>> {
  let s = 12345;
  const uniform = (lo: number, hi: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (hi - lo) * (s / 2 ** 32);
  };
  const truth = new Map<string, number>();
  const values: string[] = [];
  GROUPS.forEach((g, gi) => {
    for (let c = 0; c < g.size; c++) {
      const id = `g${gi}-${String(c).padStart(3, '0')}`;
      truth.set(id, gi);
      const recency = Math.round(uniform(...g.recency));
      const orders = Math.round(uniform(...g.orders));
      for (let o = 0; o < orders; o++) {
        const at = new Date(Date.parse(`${AS_OF}T12:00:00Z`) - (recency + 3 * o) * 86_400_000);
        const price = uniform(...g.perOrder).toFixed(2);
        const ts = at.toISOString().slice(0, 19).replace('T', ' ');
        const dateKey = ts.slice(0, 10).replaceAll('-', '');
        values.push(
          `('${id}-o${o}', 1, TIMESTAMP '${ts}', ${dateKey}, '${id}', 1, ${price}, 0, ${price}, 'completed', '${g.currency}', 0, 0)`,
        );
      }
    }
  });
  // A cancelled line and a line without a customer: neither counts.
  values.push(
    `('x-1', 1, TIMESTAMP '2023-12-30 10:00:00', 20231230, 'g0-000', 1, 99999, 0, 99999, 'cancelled', 'EUR', 0, 0)`,
  );
  values.push(
    `('x-2', 1, TIMESTAMP '2023-12-30 10:00:00', 20231230, NULL, 1, 5, 0, 5, 'completed', 'EUR', 0, 0)`,
  );
  await engine.exec(`INSERT INTO fact_order_lines (order_id, line_no, ordered_at, date_key, customer_id, quantity,
    unit_price, discount, revenue, status, currency, row_hash, run_id) VALUES ${values.join(', ')}`);
  return truth;
}

const clusterOf = (r: Result) =>
  new Map(r.customers.map((c) => [String(c['customer_id']), Number(c['cluster'])]));

describe('segments on well-separated synthetic groups', () => {
  let engine: Engine;
  let truth: Map<string, number>;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    truth = await insertGroups(engine);
  });
  afterAll(() => engine.close());

  it('auto k finds the three groups, numbered by mean monetary, and recovers them', async () => {
    const r = await segmentsReport(reportContext(engine), { as_of: AS_OF, limit: 1000 });
    expect(r.k).toBe(3);
    expect(r.k_selection).toBe('auto');
    expect(r.silhouettes.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Math.max(...r.silhouettes.map((s) => s.silhouette!))).toBe(r.silhouette);
    expect(r.population).toEqual({
      customers: 180,
      excluded_lines_without_customer: 1,
      excluded_orders_without_customer: 1,
    });
    // Group g is cluster g: the groups were made in descending order of spend.
    const got = clusterOf(r);
    expect(got.size).toBe(180);
    for (const [id, g] of truth) expect([id, got.get(id)]).toEqual([id, g]);
    expect(r.clusters.map((c) => c.customers)).toEqual([40, 60, 80]);
    const means = r.clusters.map((c) => c.mean_monetary!);
    expect([...means].sort((a, b) => b - a)).toEqual(means);
    expect(r.clusters.reduce((s, c) => s + c.customer_share, 0)).toBeCloseTo(1, 12);
    expect(r.clusters.reduce((s, c) => s + c.revenue_share!, 0)).toBeCloseTo(1, 12);
    expect(r.customers.map((c) => Object.keys(c))).toContainEqual([
      'customer_id',
      'cluster',
      'recency_days',
      'frequency',
      'monetary',
    ]);
  });

  it('is deterministic: the same seed gives the same clusters and centroids', async () => {
    const params = { as_of: AS_OF, k: 5, restarts: 2, limit: 1000 };
    const a = await segmentsReport(reportContext(engine), params);
    const b = await segmentsReport(reportContext(engine), params);
    expect(b).toEqual(a);
    const c = await segmentsReport(reportContext(engine), { ...params, seed: 7 });
    expect(c.sample.seed).toBe(7);
    expect(c.k).toBe(5);
  });

  it('takes the RFM population parameters (a filter leaves two groups)', async () => {
    const r = await segmentsReport(reportContext(engine), {
      as_of: AS_OF,
      filters: [{ member: 'orders.currency', operator: 'equals', values: ['EUR'] }],
      limit: 1000,
    });
    expect(r.population.customers).toBe(100);
    expect(r.k).toBe(2);
    const got = clusterOf(r);
    for (const [id, g] of truth) expect(got.get(id)).toBe(g === 2 ? undefined : g);
  });

  it('answers an empty population and rejects bad parameters', async () => {
    const r = await segmentsReport(reportContext(engine), { as_of: '2000-01-01' });
    expect(r).toMatchObject({ k: null, clusters: [], customers: [], customers_total: 0, inertia: null });
    await expect(segmentsReport(reportContext(engine), { k_min: 5, k_max: 3 })).rejects.toThrow(
      /k_min: k_min is above k_max/,
    );
    await expect(segmentsReport(reportContext(engine), { features: ['tickets.nope'] })).rejects.toThrow(
      /tickets.nope/,
    );
    await expect(segmentsReport(reportContext(engine), { sample_size: 20_001 })).rejects.toThrow(
      /sample_size/,
    );
    await expect(segmentMembers(reportContext(engine), { as_of: AS_OF, k: 3 }, 3)).rejects.toThrow(
      'segments: no cluster 3; clusters are 0..2',
    );
  });
});

/** z of a raw value as the report defines it: (log1p(x) − mean) / sd. */
function standardise(r: Result, c: Record<string, unknown>): number[] {
  return r.features.map((f) => (Math.log1p(Number(c[f.name])) - f.mean) / f.sd);
}

/** Nearest centroid by plain squared distance, and the gap to the runner-up (to tell ties). */
function nearestOf(z: number[], centroids: number[][]): { cluster: number; d2: number; gap: number } {
  const d = centroids.map((c) => c.reduce((s, x, f) => s + (z[f]! - x) ** 2, 0));
  const sorted = [...d].sort((a, b) => a - b);
  return {
    cluster: d.indexOf(sorted[0]!),
    d2: sorted[0]!,
    gap: (sorted[1] ?? Number.POSITIVE_INFINITY) - sorted[0]!,
  };
}

describe('segments on Online Retail', () => {
  let engine: Engine;
  let auto: Result;
  beforeAll(async () => {
    engine = await onlineRetailWarehouse();
    const t = performance.now();
    auto = await segmentsReport(reportContext(engine), { limit: 50_000 });
    const ms = performance.now() - t;
    console.info(
      `Online Retail segments: ${auto.population.customers} customers, k = ${auto.k}, silhouette ${auto.silhouette?.toFixed(4)}, ` +
        `inertia ${auto.inertia?.toFixed(2)} (sample ${auto.sample.customers}); silhouettes ${auto.silhouettes
          .map((s) => `${s.k}:${s.silhouette?.toFixed(3)}`)
          .join(' ')}; ${ms.toFixed(0)} ms`,
    );
  });
  afterAll(() => engine.close());

  it('runs end to end with every customer in a cluster', async () => {
    const [n] = (
      await engine.query(`SELECT count(DISTINCT customer_id) AS n FROM fact_order_lines
        WHERE status = 'completed' AND quantity > 0 AND unit_price >= 0 AND customer_id IS NOT NULL`)
    ).rows;
    expect(auto.customers_total).toBe(n!['n']);
    expect(auto.customers).toHaveLength(auto.customers_total);
    expect(auto.k).toBeGreaterThanOrEqual(2);
    expect(auto.k).toBeLessThanOrEqual(10);
    expect(auto.clusters.reduce((s, c) => s + c.customers, 0)).toBe(auto.customers_total);
    expect(auto.silhouette).toBeGreaterThan(0.25);
    // The whole population fits in the sample, so sample and population inertia agree.
    expect(auto.sample.customers).toBe(auto.customers_total);
    expect(auto.inertia).toBeCloseTo(auto.sample_inertia!, 6);
    // Raw centroids are the standardised ones transformed back.
    for (const c of auto.centroids) {
      for (const f of auto.features) {
        expect(c.raw[f.name]).toBeCloseTo(Math.expm1(f.mean + c.standardised[f.name]! * f.sd), 9);
      }
    }
  });

  it('assigns in SQL exactly as nearest-centroid assignment in JS, on the sample and everyone', async () => {
    const params = { sample_size: 1500, k: 4, limit: 50_000 };
    const r = await segmentsReport(reportContext(engine), params);
    const plan = await planSegments(reportContext(engine), params);
    const fit = await fitSegments(engine, plan, sql`(${plan.table}) AS f`);
    expect(fit.sampleIds).toHaveLength(1500);
    expect(r.sample.customers).toBe(1500);
    const centroids = r.centroids.map((c) => r.features.map((f) => c.standardised[f.name]!));
    const byId = new Map(r.customers.map((c) => [String(c['customer_id']), c]));
    let inertia = 0;
    const mismatches: unknown[] = [];
    for (const c of r.customers) {
      const n = nearestOf(standardise(r, c), centroids);
      inertia += n.d2;
      if (n.cluster !== c['cluster'] && n.gap > 1e-9) mismatches.push({ c, n });
    }
    expect(mismatches).toEqual([]);
    expect(r.inertia).toBeCloseTo(inertia, 6);
    // The sample's labels from the fit are its customers' clusters in SQL.
    fit.sampleIds.forEach((id, i) => {
      expect([id, byId.get(id)?.['cluster']]).toEqual([id, fit.sampleLabels[i]]);
    });
  });

  it('profiles equal direct SQL aggregates per cluster', async () => {
    const ids = auto.customers.map((c) => String(c['customer_id']));
    const clusters = auto.customers.map((c) => Number(c['cluster']));
    const direct = (
      await engine.query(sql`
        WITH assigned AS (SELECT unnest(${ids}::VARCHAR[]) AS customer_id, unnest(${clusters}::INTEGER[]) AS cluster),
        per AS (
          SELECT customer_id, date_diff('day', max(ordered_at)::DATE, ${auto.as_of}::DATE) AS r,
                 count(DISTINCT order_id) AS f, sum(quantity * unit_price)::DOUBLE AS m
          FROM fact_order_lines
          WHERE status = 'completed' AND quantity > 0 AND unit_price >= 0 AND customer_id IS NOT NULL
            AND ordered_at < ${auto.as_of}::TIMESTAMP
          GROUP BY customer_id)
        SELECT cluster, count(*) AS customers, sum(m) AS revenue, sum(m) / sum(sum(m)) OVER () AS share,
               avg(r) AS r, avg(f) AS f, avg(m) AS m
        FROM per JOIN assigned USING (customer_id) GROUP BY cluster ORDER BY cluster`)
    ).rows;
    expect(direct).toHaveLength(auto.k!);
    direct.forEach((d, i) => {
      const p = auto.clusters[i]!;
      expect(p.cluster).toBe(d['cluster']);
      expect(p.customers).toBe(d['customers']);
      expect(p.revenue).toBeCloseTo(Number(d['revenue']), 2);
      expect(p.revenue_share!).toBeCloseTo(Number(d['share']), 10);
      expect(p.mean_recency_days!).toBeCloseTo(Number(d['r']), 10);
      expect(p.mean_frequency!).toBeCloseTo(Number(d['f']), 10);
      expect(p.mean_monetary!).toBeCloseTo(Number(d['m']), 4);
    });
  });

  it('is deterministic on real data, and table() and segmentMembers() give the report’s clusters', async () => {
    const again = await segmentsReport(reportContext(engine), { limit: 50_000 });
    expect(again.centroids).toEqual(auto.centroids);
    expect(again.customers).toEqual(auto.customers);
    const params = segments.schema.parse({ k: 3, limit: 50_000 });
    const json = await segments.run(reportContext(engine), params);
    const table = await segments.table!(reportContext(engine), params);
    expect(table.columns).toEqual(['customer_id', 'cluster', 'recency_days', 'frequency', 'monetary']);
    const streamed = (await engine.query(table.sql)).rows;
    expect(streamed).toEqual(json.rows.data);
    const members = (await engine.query(await segmentMembers(reportContext(engine), { k: 3 }, 0))).rows;
    const zero = json.rows.data.filter((c) => c['cluster'] === 0).map((c) => c['customer_id']);
    expect(members.map((m) => m['customer_id']).sort()).toEqual(zero.sort());
  });
});
