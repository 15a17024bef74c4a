import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { segmentsReport } from '../../src/reports/segments/report';
import { sql } from '../../src/sql';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

const FEATURES = [
  'interactions.count',
  'tickets.count',
  'web_events.sessions',
  'tickets.average_satisfaction',
];

describe('segments on the demo company', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = (await loadDemo()).engine;
  });
  afterAll(() => engine.close());

  it('runs end to end on R, F, M', async () => {
    const t = performance.now();
    const r = await segmentsReport(reportContext(engine), { limit: 0 });
    console.info(
      `demo segments: ${r.population.customers} customers, k = ${r.k}, silhouette ${r.silhouette?.toFixed(4)}, ` +
        `inertia ${r.inertia?.toFixed(2)}; silhouettes ${r.silhouettes.map((s) => `${s.k}:${s.silhouette?.toFixed(3)}`).join(' ')}; ` +
        `clusters ${r.clusters.map((c) => `${c.cluster}: ${c.customers} customers, ${(100 * c.revenue_share!).toFixed(1)}% revenue`).join('; ')}; ` +
        `${(performance.now() - t).toFixed(0)} ms`,
    );
    expect(r.k).toBeGreaterThanOrEqual(2);
    expect(r.clusters.reduce((s, c) => s + c.customers, 0)).toBe(r.population.customers);
    expect(r.population.excluded_orders_without_customer).toBeGreaterThan(0);
  });

  it('adds per-customer measures from the model; features and their cluster means equal direct SQL', async () => {
    const r = await segmentsReport(reportContext(engine), { features: FEATURES, limit: 50_000 });
    console.info(
      `demo segments with ${FEATURES.join(', ')}: k = ${r.k}, silhouette ${r.silhouette?.toFixed(4)}, inertia ${r.inertia?.toFixed(2)}`,
    );
    expect(r.features.map((f) => [f.name, f.transform, f.missing, f.id_dimension, f.time_dimension])).toEqual(
      [
        ['recency_days', 'log1p', 'none', undefined, undefined],
        ['frequency', 'log1p', 'none', undefined, undefined],
        ['monetary', 'log1p', 'none', undefined, undefined],
        ['interactions.count', 'log1p', 'zero', 'interactions.customer_id', 'interactions.occurred_at'],
        ['tickets.count', 'log1p', 'zero', 'tickets.customer_id', 'tickets.opened_at'],
        ['web_events.sessions', 'log1p', 'zero', 'web_events.customer_id', 'web_events.occurred_at'],
        ['tickets.average_satisfaction', 'log1p', 'mean', 'tickets.customer_id', 'tickets.opened_at'],
      ],
    );
    const ids = r.customers.map((c) => String(c['customer_id']));
    const clusters = r.customers.map((c) => Number(c['cluster']));
    expect(ids).toHaveLength(r.population.customers);
    // The extra features straight from the fact tables, before as_of.
    const rows = (
      await engine.query(sql`
        WITH assigned AS (SELECT unnest(${ids}::VARCHAR[]) AS customer_id, unnest(${clusters}::INTEGER[]) AS cluster),
        i AS (SELECT customer_id, count(*) AS n FROM fact_interactions WHERE occurred_at < ${r.as_of}::TIMESTAMP GROUP BY ALL),
        t AS (SELECT customer_id, count(*) AS n, avg(satisfaction) AS sat FROM fact_tickets
              WHERE opened_at < ${r.as_of}::TIMESTAMP GROUP BY ALL),
        w AS (SELECT customer_id, count(DISTINCT session_id) AS n FROM fact_web_events
              WHERE occurred_at < ${r.as_of}::TIMESTAMP AND customer_id IS NOT NULL GROUP BY ALL)
        SELECT a.customer_id, a.cluster, coalesce(i.n, 0)::DOUBLE AS interactions, coalesce(t.n, 0)::DOUBLE AS tickets,
               coalesce(w.n, 0)::DOUBLE AS sessions, t.sat::DOUBLE AS satisfaction
        FROM assigned a LEFT JOIN i USING (customer_id) LEFT JOIN t USING (customer_id) LEFT JOIN w USING (customer_id)`)
    ).rows;
    const raw = new Map(rows.map((x) => [String(x['customer_id']), x]));
    // Cluster means of the raw features.
    for (const p of r.clusters) {
      const members = rows.filter((x) => x['cluster'] === p.cluster);
      const mean = (key: string) => {
        const v = members.map((x) => x[key]).filter((x) => x !== null) as number[];
        return v.reduce((s, x) => s + x, 0) / v.length;
      };
      expect(p.feature_means['interactions.count']).toBeCloseTo(mean('interactions'), 9);
      expect(p.feature_means['tickets.count']).toBeCloseTo(mean('tickets'), 9);
      expect(p.feature_means['web_events.sessions']).toBeCloseTo(mean('sessions'), 9);
      expect(p.feature_means['tickets.average_satisfaction']).toBeCloseTo(mean('satisfaction'), 9);
    }
    // Every customer's cluster is its nearest centroid on features standardised by hand.
    const keys = ['interactions', 'tickets', 'sessions', 'satisfaction'];
    const centroids = r.centroids.map((c) => r.features.map((f) => c.standardised[f.name]!));
    const off = r.customers.filter((c) => {
      const x = raw.get(String(c['customer_id']))!;
      const values = [c['recency_days'], c['frequency'], c['monetary'], ...keys.map((k) => x[k])];
      const z = r.features.map((f, i) =>
        values[i] === null ? 0 : (Math.log1p(Number(values[i])) - f.mean) / f.sd,
      );
      const d = centroids.map((m) => m.reduce((s, v, i) => s + (z[i]! - v) ** 2, 0));
      const best = d.indexOf(Math.min(...d));
      const sorted = [...d].sort((a, b) => a - b);
      return best !== c['cluster'] && sorted[1]! - sorted[0]! > 1e-9;
    });
    expect(off).toEqual([]);
  });
});
