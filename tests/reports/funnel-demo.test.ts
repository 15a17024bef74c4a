import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { type FunnelResult, funnel, funnelActors, planFunnel } from '../../src/reports/funnel';
import { loadDemo } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

const WEB = ['visit', 'view_product', 'add_to_cart', 'checkout', 'purchase'];

describe('funnel on the demo company', () => {
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    engine = (await loadDemo()).engine;
    ctx = reportContext(engine);
  }, 60_000);
  afterAll(() => engine.close());

  const run = async (params: Record<string, unknown>) =>
    (await funnel.run(ctx, funnel.schema.parse(params))).json as unknown as FunnelResult;
  const counts = (r: FunnelResult) => r.steps.map((s) => s.actors);
  /** as_of's default: the day after the fact's latest row. */
  const dayAfterLast = async (table: string, column: string) =>
    String(
      (await engine.query(`SELECT (max(${column})::DATE + 1)::VARCHAR AS d FROM ${table}`)).rows[0]!['d'],
    );
  /** The plain web funnel per mode, from the first test. */
  const web: Record<string, FunnelResult> = {};
  const ids = async (params: Record<string, unknown>, step: number, which: 'reached' | 'dropped') =>
    (await engine.query(await funnelActors(ctx, params, { step, which }))).rows.map((r) =>
      String(r['customer_id']),
    );

  it('the web funnel narrows from visit to purchase, in every mode', async () => {
    const byMode: Record<string, number[]> = {};
    for (const mode of ['ordered', 'strict', 'unordered']) {
      const r = await run({ steps: WEB, mode });
      web[mode] = r;
      expect(r.as_of).toBe(await dayAfterLast('fact_web_events', 'occurred_at'));
      const c = counts(r);
      byMode[mode] = c;
      expect(c[0]).toBeGreaterThan(1000);
      for (let i = 1; i < c.length; i++) expect(c[i]).toBeLessThan(c[i - 1]!);
      expect(c[4]).toBeGreaterThan(0);
      expect(r.steps[4]!.median_seconds_to_step).toBeGreaterThan(0);
      expect(r.steps[4]!.p90_seconds_to_step).toBeGreaterThanOrEqual(r.steps[4]!.median_seconds_to_step!);
      // Everyone who started either dropped out at a step or completed the funnel.
      expect(r.steps.reduce((n, s) => n + (s.dropped ?? 0), 0) + c[4]!).toBe(c[0]);
      expect(r.steps[4]!.dropped).toBeNull();
    }
    // strict chains are ordered chains, ordered chains are unordered sets.
    for (let i = 0; i < WEB.length; i++) {
      expect(byMode['strict']![i]).toBeLessThanOrEqual(byMode['ordered']![i]!);
      expect(byMode['ordered']![i]).toBeLessThanOrEqual(byMode['unordered']![i]!);
    }
  });

  it('a population filter equals the same condition on every step, and narrows the funnel', async () => {
    const google = { member: 'web_events.source', operator: 'equals', values: ['google'] };
    for (const mode of ['ordered', 'strict']) {
      const all = web[mode]!;
      const population = await run({ steps: WEB, mode, filters: [google] });
      const perStep = await run({ steps: WEB.map((event) => ({ event, filters: [google] })), mode });
      expect(counts(population)).toEqual(counts(perStep));
      expect(population.steps.map((s) => s.median_seconds_to_step)).toEqual(
        perStep.steps.map((s) => s.median_seconds_to_step),
      );
      expect(counts(population)[0]).toBeGreaterThan(0);
      for (let i = 0; i < WEB.length; i++) expect(counts(population)[i]).toBeLessThan(counts(all)[i]!);
    }
    // A filter on a joined cube (customers) keeps known customers only.
    const region = await run({ steps: WEB, filters: [{ member: 'customers.region', operator: 'set' }] });
    expect(counts(region)[0]).toBeGreaterThan(0);
    expect(counts(region)[0]).toBeLessThan(counts(web['ordered']!)[0]!);
  });

  it('a breakdown splits the actors of every step', async () => {
    const r = await run({ steps: WEB, breakdown: 'medium' });
    expect(r.breakdown!.dimension).toBe('web_events.medium');
    expect(r.breakdown!.values.length).toBeGreaterThan(2);
    for (let i = 0; i < WEB.length; i++) {
      expect(r.breakdown!.values.reduce((n, v) => n + v.steps[i]!.actors, 0)).toBe(r.steps[i]!.actors);
    }
  });

  it('campaign responses: sent > opened > clicked > converted; the actors behind a step are its customers', async () => {
    const params = {
      source: 'campaign_responses',
      steps: ['sent', 'opened', 'clicked', 'converted'],
      window: '30d',
    };
    const r = await run(params);
    const c = counts(r);
    expect(c[0]).toBeGreaterThan(100);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeLessThan(c[i - 1]!);
    expect(c[3]).toBeGreaterThan(0);
    for (let step = 1; step <= 4; step++) {
      const reached = await ids(params, step, 'reached');
      expect(new Set(reached).size).toBe(reached.length);
      expect(reached.length).toBe(c[step - 1]);
      if (step < 4) expect((await ids(params, step, 'dropped')).length).toBe(r.steps[step - 1]!.dropped);
    }
  });

  it('deal stages: lead > qualified > proposal > won', async () => {
    const params = { source: 'deals', steps: ['lead', 'qualified', 'proposal', 'won'], window: '365d' };
    const r = await run(params);
    const c = counts(r);
    expect(c[0]).toBeGreaterThan(100);
    for (let i = 1; i < c.length; i++) expect(c[i]).toBeLessThan(c[i - 1]!);
    expect(c[3]).toBeGreaterThan(0);
    expect((await ids(params, 4, 'reached')).length).toBe(c[3]);
  });

  it('web actors behind a step: the known customers among the actors of that level', async () => {
    const params = { steps: WEB };
    const plan = await planFunnel(ctx, params);
    const actors = (await engine.query(plan.actors)).rows;
    const customers = actors.filter((a) => /^C\d+$/.test(String(a['actor'])));
    expect(customers.length).toBeGreaterThan(100);
    expect(customers.length).toBeLessThan(actors.length);
    for (const [step, which] of [
      [1, 'reached'],
      [5, 'reached'],
      [3, 'dropped'],
    ] as const) {
      const got = (await ids(params, step, which)).sort();
      expect(got).toEqual(
        customers
          .filter((a) => (which === 'reached' ? Number(a['level']) >= step : Number(a['level']) === step))
          .map((a) => String(a['actor']))
          .sort(),
      );
    }
  });

  it('a saved step holds exactly the customers the report counted there, and nobody drops at the end', async () => {
    const params = { steps: WEB };
    const report = await run(params);
    for (const s of report.steps.slice(0, -1)) {
      // The report counts anonymous visitors too; the save keeps the known customers among them.
      expect(s.customers_dropped!).toBeLessThan(s.dropped!);
      expect((await ids(params, s.step_index, 'dropped')).length).toBe(s.customers_dropped);
      expect((await ids(params, s.step_index, 'reached')).length).toBe(s.customers);
    }
    const last = report.steps.at(-1)!;
    expect(last.dropped).toBeNull();
    expect(last.customers_dropped).toBeNull();
    await expect(ids(params, WEB.length, 'dropped')).rejects.toThrow(/nobody drops out at the last step/);
    // A funnel of customers only: every actor counted is a customer a save can hold.
    const own = await run({ steps: WEB, actor: 'customer' });
    expect(own.steps.map((s) => s.customers)).toEqual(own.steps.map((s) => s.actors));
  });

  it("a customer dimension as breakdown and as correlation property: per region, the funnel of that region's customers", async () => {
    const steps = ['visit', 'view_product', 'purchase'];
    const by = await run({ steps, actor: 'customer', breakdown: 'customers.region' });
    expect(by.breakdown?.dimension).toBe('customers.region');
    const values = by.breakdown!.values.filter((v) => v.value !== null);
    expect(values.length).toBeGreaterThan(2);
    // A customer's events may carry two regions (SCD2: the version at the event), and the
    // breakdown takes the one on the counted step-1 row, so the funnel filtered to a region counts
    // the same actors up to the customers with events in more than one region.
    const movers = Number(
      (
        await engine.query(
          `SELECT count(*) AS n FROM (SELECT w.customer_id FROM fact_web_events w JOIN dim_customer c USING (customer_key)
           WHERE w.customer_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT c.region) > 1)`,
        )
      ).rows[0]!['n'],
    );
    expect(movers).toBeLessThan(50);
    for (const v of values) {
      const one = await run({
        steps,
        actor: 'customer',
        filters: [{ member: 'customers.region', operator: 'equals', values: [v.value] }],
      });
      v.steps.forEach((s, i) => {
        expect(s.actors).toBeLessThanOrEqual(counts(one)[i]!);
        expect(s.actors).toBeGreaterThanOrEqual(counts(one)[i]! - movers);
      });
    }
    // Each actor is in one value.
    const all = counts(await run({ steps, actor: 'customer' }));
    expect([0, 1, 2].map((i) => by.breakdown!.values.reduce((t, v) => t + v.steps[i]!.actors, 0))).toEqual(
      all,
    );
    const corr = await run({ steps, actor: 'customer', correlation_properties: ['customers.region'] });
    for (const v of by.breakdown!.values) {
      const row = corr.correlation!.properties!.find((p) => p.value === v.value)!;
      expect([row.success_with, row.success_with + row.failure_with]).toEqual([v.steps[2]!.actors, v.actors]);
    }
  });
});
