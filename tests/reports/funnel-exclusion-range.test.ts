import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { funnelReport } from '../../src/reports/funnel/report';
import { list, sql } from '../../src/sql';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/** [seconds after 2025-03-01 00:00 UTC, event, plan property of the event (visits only)]. */
type Ev = [number, string, string?];

const T0 = Date.UTC(2025, 2, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * Funnel visit → view_product → purchase (7 days). Levels: P, Q, T, U complete; R stops at
 * view_product, S at visit. U's counted path is the later one (start 15 s): the latest start
 * that reaches the last step.
 */
const EVENTS: Record<string, Ev[]> = {
  // A coupon between steps 1 and 2.
  P: [
    [0, 'visit', 'pro'],
    [10, 'coupon_applied'],
    [20, 'view_product'],
    [30, 'purchase'],
  ],
  // A coupon between steps 2 and 3.
  Q: [
    [0, 'visit', 'pro'],
    [20, 'view_product'],
    [25, 'coupon_applied'],
    [30, 'purchase'],
  ],
  // A coupon after step 2, never buys: nothing between the steps reached.
  R: [
    [0, 'visit', 'free'],
    [20, 'view_product'],
    [25, 'coupon_applied'],
  ],
  S: [
    [0, 'visit', 'free'],
    [5, 'coupon_applied'],
  ],
  // A coupon after the purchase.
  T: [
    [0, 'visit', 'pro'],
    [20, 'view_product'],
    [30, 'purchase'],
    [40, 'coupon_applied'],
  ],
  // A coupon before the counted path's visit (15 s), after an earlier visit.
  U: [
    [0, 'visit', 'free'],
    [10, 'view_product'],
    [12, 'coupon_applied'],
    [15, 'visit', 'pro'],
    [20, 'view_product'],
    [30, 'purchase'],
  ],
};

async function insert(engine: Engine): Promise<void> {
  const rows = Object.entries(EVENTS).flatMap(([actor, evs]) =>
    evs.map(
      ([s, event, plan], i) =>
        sql`(${`${actor}-${i}`}, CAST(${at(s)} AS TIMESTAMP), 0, ${event}, NULL, ${`anon-${actor}`}, ${`s-${actor}`}, ${plan === undefined ? null : JSON.stringify({ plan })}, 0, 1)`,
    ),
  );
  await engine.exec(
    sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, session_id, properties, row_hash, run_id) VALUES ${list(rows)}`,
  );
}

describe('funnel: exclusion step ranges and property correlation', () => {
  let engine: Engine;
  const base = { as_of: '2025-04-01', steps: ['visit', 'view_product', 'purchase'], window: '7d' };

  beforeAll(async () => {
    engine = await memoryWarehouse();
    await insert(engine);
  });
  afterAll(async () => {
    await engine.close();
  });

  const run = (params: Record<string, unknown>) =>
    funnelReport(reportContext(engine), { ...base, ...params });
  const counts = async (params: Record<string, unknown>) => (await run(params)).steps.map((s) => s.actors);

  it('an exclusion removes an actor only when it falls between its two steps of the counted path', async () => {
    // Worked by hand from the table above (levels P3 Q3 R2 S1 T3 U3).
    expect(await counts({})).toEqual([6, 5, 4]);
    // Whole path: P (10 in 0..30) and Q (25 in 0..30); U's coupon (12) is before its path (15..30).
    expect(await counts({ exclusions: ['coupon_applied'] })).toEqual([4, 3, 2]);
    expect(await counts({ exclusions: [{ event: 'coupon_applied', from_step: 1, to_step: 3 }] })).toEqual([
      4, 3, 2,
    ]);
    // Steps 1 → 2: P only (10 in 0..20); U's path is 15..20.
    expect(await counts({ exclusions: [{ event: 'coupon_applied', to_step: 2 }] })).toEqual([5, 4, 3]);
    // Steps 2 → 3: Q only (25 in 20..30); R stopped at step 2, so its range is empty.
    expect(await counts({ exclusions: [{ event: 'coupon_applied', from_step: 2 }] })).toEqual([5, 4, 3]);
    const r = await run({ exclusions: [{ event: 'coupon_applied', from_step: 2 }] });
    // P stays: the excluded one is Q, so a P-only slice is unchanged.
    expect(r.steps[2]!.actors).toBe(3);
  });

  it('refuses a step range that is empty, beyond the funnel, or in an unordered funnel', async () => {
    await expect(
      run({ exclusions: [{ event: 'coupon_applied', from_step: 2, to_step: 2 }] }),
    ).rejects.toThrow(/from one step to a later one/);
    await expect(run({ exclusions: [{ event: 'coupon_applied', to_step: 4 }] })).rejects.toThrow(
      /within the funnel's 3 steps/,
    );
    await expect(
      run({ mode: 'unordered', exclusions: [{ event: 'coupon_applied', from_step: 2 }] }),
    ).rejects.toThrow(/unordered funnel has no order of steps/);
  });

  it('property correlation: each value of the step-1 event of the counted path, with odds ratio and Fisher p', async () => {
    const r = await run({ correlation_properties: ['properties.plan'] });
    expect(r.correlation?.events).toBeUndefined();
    expect([r.correlation?.successes, r.correlation?.failures]).toEqual([4, 2]);
    // Completed P, Q, T, U: all "pro" (U's counted visit is its second, "pro"); R and S "free".
    const byValue = Object.fromEntries((r.correlation?.properties ?? []).map((p) => [String(p.value), p]));
    expect(Object.keys(byValue).sort()).toEqual(['free', 'pro']);
    const pro = byValue['pro']!;
    expect([pro.property, pro.success_with, pro.failure_with, pro.direction, pro.test]).toEqual([
      'web_events.properties.plan',
      4,
      0,
      'success',
      'fisher',
    ]);
    // ((4 + 1)(2 + 1)) / ((0 + 1)(0 + 1)) and its inverse for "free".
    expect(pro.odds_ratio).toBeCloseTo(15, 12);
    expect(byValue['free']!.odds_ratio).toBeCloseTo(1 / 15, 12);
    // Hypergeometric, 6 actors, 4 completed, 4 pro: P(X=4) = 1/15 is the least likely table.
    expect(pro.p_value).toBeCloseTo(1 / 15, 12);
    // Two values tested: 2 × 1/15 > 0.05.
    expect(pro.significant).toBe(false);
  });

  it('event and property correlation together: Bonferroni over every variable tested', async () => {
    const r = await run({ correlation: true, correlation_properties: ['properties.plan'] });
    // Other events in the paths: coupon_applied (P and Q completed with it in their paths).
    expect(r.correlation?.events?.map((e) => e.event)).toEqual(['coupon_applied']);
    expect(r.correlation?.properties).toHaveLength(2);
    const pro = r.correlation!.properties!.find((p) => p.value === 'pro')!;
    expect(pro.significant).toBe(pro.p_value * 3 < 0.05);
  });
});
