import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { Model } from '../../src/model/types';
import { withTempTable } from '../../src/reports/common/temp';
import { fitSegments, planSegments, segmentMembers, segments } from '../../src/reports/segments/report';
import { sql } from '../../src/sql';
import { usePublishedDemo } from './published';
import { outputDifferences, reportContext, runBoth, tableDifferences } from './report-outputs';

/**
 * The segments report (k-means on standardised log R, F, M and chosen measures) on the demo
 * warehouse (DuckDB) and on its copy published into an in-process ClickHouse: the same sample,
 * k, centroids, cluster profiles and customers' clusters, with options, a population filter and
 * for a user whose role restricts rows to one region. The sample is the customers whose MD5 of
 * `id:seed` comes first, checked against node's own MD5.
 */

const demo = usePublishedDemo();

const ORDERED = ['customer_id'];

const context = (engine: Engine, model?: Model) => reportContext(demo, engine, model);

describe('segments answer alike on DuckDB and ClickHouse', () => {
  it.each([
    ['defaults, every customer', { limit: 50_000 }],
    [
      'fixed k, a small sample, another seed, extra measures, in a time zone',
      {
        k: 4,
        sample_size: 400,
        seed: 7,
        restarts: 3,
        from: '2025-01-01',
        timezone: 'Asia/Tokyo',
        // Additive (0 when missing) and an average (the mean when missing).
        features: ['tickets.count', 'tickets.average_satisfaction'],
        limit: 50_000,
      },
    ],
    [
      'a population filter',
      {
        k_max: 5,
        filters: [{ member: 'customers.region', operator: 'equals', values: ['North America'] }],
        limit: 50_000,
      },
    ],
  ])('%s', async (_name, input) => {
    const { duck, click } = await runBoth(demo, segments, input);
    expect(duck.rows.data.length).toBeGreaterThan(0);
    expect(Number(duck.json['k'])).toBeGreaterThanOrEqual(2);
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('for a user restricted to one region (fewer customers than everyone)', async () => {
    const restricted = demo.restrictedModel();
    const all = await segments.run(context(demo.duckdb), segments.schema.parse({ k: 3, limit: 0 }));
    const { duck, click } = await runBoth(demo, segments, { k: 3, limit: 50_000 }, restricted);
    const total = (o: typeof duck) => Number(o.json['customers_total']);
    expect(total(duck)).toBeGreaterThan(0);
    expect(total(duck)).toBeLessThan(total(all));
    expect(outputDifferences(duck, click, ORDERED)).toEqual([]);
  });

  it('the members of a cluster (for a target group) are alike, and are the report customers in that cluster', async () => {
    const params = { k: 3, sample_size: 300, restarts: 2, limit: 50_000 };
    const members = async (engine: Engine) =>
      (await engine.query(await segmentMembers(context(engine), params, 1))).rows
        .map((r) => String(r['customer_id']))
        .sort();
    const duck = await members(demo.duckdb);
    expect(await members(demo.clickhouse)).toEqual(duck);
    const report = await segments.run(context(demo.clickhouse), segments.schema.parse(params));
    const expected = report.rows.data
      .filter((r) => Number(r['cluster']) === 1)
      .map((r) => String(r['customer_id']))
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(duck).toEqual(expected);
  });

  it('the table (CSV and Arrow) SQL answers alike', async () => {
    const params = segments.schema.parse({ k: 3, sample_size: 300, restarts: 2 });
    const table = await tableDifferences(demo, segments, params, ORDERED);
    expect(table.duckRows).toBeGreaterThan(0);
    expect(table.differences).toEqual([]);
  });
});

describe('the sample', () => {
  const SIZE = 300;

  /** The fit's sample (customer ids in sample order) on one engine, and the population's ids and monetary. */
  async function sampleOf(engine: Engine, seed: number) {
    const ctx = context(engine);
    const plan = await planSegments(ctx, { k: 2, restarts: 1, sample_size: SIZE, seed, limit: 0 });
    return withTempTable(engine, plan.table, async (session, table) => {
      const fit = await fitSegments(session, plan, table);
      const population = (await session.query(sql`SELECT customer_id, monetary FROM ${table}`)).rows.map(
        (r) => ({
          id: String(r['customer_id']),
          monetary: Number(r['monetary']),
        }),
      );
      return { ids: fit.sampleIds, population };
    });
  }

  const md5 = (s: string) => createHash('md5').update(s).digest('hex');

  it('is the customers whose MD5 of id:seed comes first, the same on both engines, spread evenly', async () => {
    const duck = await sampleOf(demo.duckdb, 42);
    const click = await sampleOf(demo.clickhouse, 42);
    expect(duck.ids).toHaveLength(SIZE);
    expect(click.ids).toEqual(duck.ids);
    // The same order computed in JS from the population's ids.
    const n = duck.population.length;
    expect(n).toBeGreaterThan(3 * SIZE);
    const expected = duck.population
      .map((c) => ({ id: c.id, h: md5(`${c.id}:42`) }))
      .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : a.id < b.id ? -1 : 1))
      .slice(0, SIZE)
      .map((c) => c.id);
    expect(duck.ids).toEqual(expected);
    // Deterministic for a seed; another seed draws another sample (overlap about SIZE²/n by chance).
    expect((await sampleOf(demo.duckdb, 42)).ids).toEqual(duck.ids);
    const other = await sampleOf(demo.clickhouse, 43);
    expect(other.ids).toHaveLength(SIZE);
    const overlap = other.ids.filter((id) => new Set(duck.ids).has(id)).length;
    expect(overlap).toBeLessThan((SIZE * SIZE) / n + 4 * Math.sqrt((SIZE * SIZE) / n) + 5);
    // Uniform over spend: SIZE/5 sampled customers in each fifth of the population by monetary,
    // within four binomial standard deviations.
    const rank = new Map(
      [...duck.population]
        .sort((a, b) => a.monetary - b.monetary || (a.id < b.id ? -1 : 1))
        .map((c, i) => [c.id, i]),
    );
    for (const ids of [duck.ids, other.ids]) {
      const fifths = [0, 0, 0, 0, 0];
      for (const id of ids) fifths[Math.floor((5 * rank.get(id)!) / n)]!++;
      const sd = Math.sqrt(SIZE * 0.2 * 0.8);
      for (const f of fifths) expect(Math.abs(f - SIZE / 5)).toBeLessThan(4 * sd);
    }
  });
});
