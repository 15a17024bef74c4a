import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { funnelActors } from '../../src/reports/funnel';
import { chiSquareYates, fisherExact } from '../../src/reports/funnel/correlation';
import { funnelReport } from '../../src/reports/funnel/report';
import { list, sql } from '../../src/sql';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/** [seconds after 2025-03-01 00:00 UTC, event, session]. Actors starting with C are customers. */
type Ev = [number, string, string];

const T0 = Date.UTC(2025, 2, 1);
const DAY = 86_400;
const at = (s: number) => new Date(T0 + s * 1000).toISOString().slice(0, 19).replace('T', ' ');

const EVENTS: Record<string, Ev[]> = {
  // Applies a coupon between visit and purchase: an exclusion of coupon_applied removes A.
  A: [
    [0, 'visit', 'sA'],
    [50, 'coupon_applied', 'sA'],
    [200, 'purchase', 'sA'],
  ],
  B: [
    [0, 'visit', 'sB'],
    [3600, 'purchase', 'sB'],
  ],
  // The coupon comes after the purchase: outside the path, C1 stays. Two sessions, one converts.
  C1: [
    [DAY, 'visit', 'sC1a'],
    [DAY + 300, 'purchase', 'sC1a'],
    [DAY + 500, 'coupon_applied', 'sC1a'],
    [DAY + 4000, 'visit', 'sC1b'],
  ],
  // Never buys; a coupon after the visit does not exclude a path that ends at step 1.
  D: [
    [2 * DAY, 'visit', 'sD'],
    [2 * DAY + 10, 'coupon_applied', 'sD'],
  ],
  E: [
    [7200, 'visit', 'sE'],
    [7260, 'purchase', 'sE'],
  ],
};

async function insert(engine: Engine): Promise<void> {
  const rows = Object.entries(EVENTS).flatMap(([actor, evs]) =>
    evs.map(
      ([s, event, session], i) =>
        sql`(${`${actor}-${i}`}, CAST(${at(s)} AS TIMESTAMP), 0, ${event}, ${actor.startsWith('C') ? actor : null}, ${`anon-${actor}`}, ${session}, 0, 1)`,
    ),
  );
  await engine.exec(
    sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, session_id, row_hash, run_id) VALUES ${list(rows)}`,
  );
}

/** Brute force: per actor (or session), entered, converted and seconds to purchase (first visit → next purchase). */
function bruteForce(by: 'actor' | 'session', exclude: string | undefined) {
  const groups = new Map<string, Ev[]>();
  for (const [actor, evs] of Object.entries(EVENTS)) {
    for (const e of evs) {
      const key = by === 'actor' ? actor : e[2];
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
  }
  const out: { key: string; start: number; seconds: number | null }[] = [];
  for (const [key, evs] of groups) {
    const visit = evs.find((e) => e[1] === 'visit');
    if (!visit) continue;
    const purchase = evs.find((e) => e[1] === 'purchase' && e[0] >= visit[0] && e[0] <= visit[0] + 7 * DAY);
    const end = purchase?.[0] ?? visit[0];
    if (exclude && evs.some((e) => e[1] === exclude && e[0] > visit[0] && e[0] < end)) continue;
    out.push({ key, start: visit[0], seconds: purchase ? purchase[0] - visit[0] : null });
  }
  return out;
}

describe('funnel: exclusions, conversion over time, time to convert, sessions', () => {
  let engine: Engine;
  const base = { as_of: '2025-04-01', steps: ['visit', 'purchase'], window: '7d' };

  beforeAll(async () => {
    engine = await memoryWarehouse();
    await insert(engine);
  });
  afterAll(async () => {
    await engine.close();
  });

  const run = (params: Record<string, unknown>) =>
    funnelReport(reportContext(engine), { ...base, ...params });

  it('an exclusion event inside the counted path removes the actor from every step', async () => {
    for (const exclusions of [[], ['coupon_applied']]) {
      const r = await run({ exclusions });
      const expected = bruteForce('actor', exclusions[0]);
      expect(r.steps.map((s) => s.actors)).toEqual([
        expected.length,
        expected.filter((x) => x.seconds !== null).length,
      ]);
    }
    // Hand count: A is the only one excluded.
    expect((await run({ exclusions: ['coupon_applied'] })).steps.map((s) => s.actors)).toEqual([4, 3]);
  });

  it('refuses an exclusion that is also a step, and an unknown exclusion event', async () => {
    await expect(run({ exclusions: ['purchase'] })).rejects.toThrow(/"purchase" is a step of the funnel/);
    await expect(run({ exclusions: ['coupon_aplied'] })).rejects.toThrow(/did you mean "coupon_applied"/);
  });

  it('conversion over time counts actors by the day of their step 1', async () => {
    for (const exclusions of [[], ['coupon_applied']]) {
      const r = await run({ exclusions, conversion_over_time: 'day' });
      const byDay = new Map<string, { entered: number; converted: number }>();
      for (const x of bruteForce('actor', exclusions[0])) {
        const day = at(x.start).slice(0, 10);
        const v = byDay.get(day) ?? { entered: 0, converted: 0 };
        v.entered++;
        if (x.seconds !== null) v.converted++;
        byDay.set(day, v);
      }
      // No range, as_of 2025-04-01: no day is cut, and each day's end plus 7 days is before as_of.
      const closed = (day: string) =>
        Date.parse(`${day}T00:00:00Z`) + 8 * DAY * 1000 <= Date.parse('2025-04-01');
      expect(r.over_time).toEqual(
        [...byDay.entries()].sort().map(([period, v]) => ({
          period,
          ...v,
          conversion: v.converted / v.entered,
          partial: false,
          window_closed: closed(period),
        })),
      );
      expect(r.over_time?.every((p) => p.window_closed)).toBe(true);
    }
  });

  it('time to convert: equal-width bins from the fastest to the slowest, empty bins included', async () => {
    expect((await run({})).time_to_convert).toBeUndefined();
    const r = await run({ time_to_convert_bins: 3 });
    // Converters: A 200 s, B 3600 s, C1 300 s, E 60 s → width (3600 − 60) / 3 = 1180.
    expect(r.time_to_convert).toEqual([
      { from_seconds: 60, to_seconds: 1240, actors: 3 },
      { from_seconds: 1240, to_seconds: 2420, actors: 0 },
      { from_seconds: 2420, to_seconds: 3600, actors: 1 },
    ]);
    const secs = bruteForce('actor', undefined).flatMap((x) => (x.seconds === null ? [] : [x.seconds]));
    expect(r.time_to_convert?.reduce((a, b) => a + b.actors, 0)).toBe(secs.length);
  });

  it('a session is an actor: C1 has two sessions, one converts; the target group keeps its customer', async () => {
    const r = await run({ actor: 'session' });
    const expected = bruteForce('session', undefined);
    expect(r.steps.map((s) => s.actors)).toEqual([
      expected.length,
      expected.filter((x) => x.seconds !== null).length,
    ]);
    expect(r.steps.map((s) => s.customers)).toEqual([2, 1]);
    const ctx = reportContext(engine);
    const members = async (which: 'reached' | 'dropped', step: number) =>
      (await engine.query(await funnelActors(ctx, { ...base, actor: 'session' }, { step, which }))).rows.map(
        (x) => x['customer_id'],
      );
    expect(await members('reached', 2)).toEqual(['C1']);
    // C1's furthest session converted: C1 did not drop out.
    expect(await members('dropped', 1)).toEqual([]);
  });

  it('breaks down by an event property, its value at step 1', async () => {
    await engine.exec(
      'UPDATE fact_web_events SET properties = CASE WHEN anonymous_id IN (\'anon-A\', \'anon-B\') THEN \'{"$browser": "Firefox"}\' ELSE \'{"$browser": "Safari"}\' END',
    );
    const r = await run({ breakdown: 'web_events.properties.$browser' });
    expect(r.breakdown?.values.map((v) => [v.value, v.steps.map((s) => s.actors)])).toEqual([
      ['Firefox', [2, 2]],
      ['Safari', [3, 2]],
    ]);
    // page is no JSON dimension: page.x is no key of it.
    await expect(run({ breakdown: 'web_events.page.x' })).rejects.toThrow(
      /unknown dimension "web_events\.page\.x" in breakdown/,
    );
  });

  it('correlation: coupon_applied, done by one who completed and by the one who did not', async () => {
    const r = await run({ correlation: true });
    // Completed: A, B, C1, E; not: D. In their paths: A's coupon (before purchase), D's coupon
    // (within the window after the visit); C1's came after its purchase.
    expect(r.correlation?.successes).toBe(4);
    expect(r.correlation?.failures).toBe(1);
    expect(r.correlation?.events).toHaveLength(1);
    const c = r.correlation!.events![0]!;
    expect([c.event, c.success_with, c.failure_with, c.direction, c.test]).toEqual([
      'coupon_applied',
      1,
      1,
      'failure',
      'fisher',
    ]);
    // ((1 + 1)(0 + 1)) / ((1 + 1)(3 + 1))
    expect(c.odds_ratio).toBeCloseTo(0.25, 12);
    // scipy.stats.fisher_exact([[1, 1], [3, 0]]).pvalue
    expect(c.p_value).toBeCloseTo(0.4, 12);
  });

  it('session actors need a source with sessions', async () => {
    await expect(
      funnelReport(reportContext(engine), { steps: ['lead', 'won'], source: 'deals', actor: 'session' }),
    ).rejects.toThrow(/deals has no sessions/);
  });
});

describe('funnel correlation tests against scipy 1.x (values frozen)', () => {
  it("Fisher's exact test, two-sided", () => {
    // scipy.stats.fisher_exact([[3, 1], [1, 3]]), the tea-tasting table; and [[10, 2], [3, 15]].
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(0.48571428571428565, 12);
    expect(fisherExact(10, 2, 3, 15)).toBeCloseTo(0.0005367241191434357, 12);
  });
  it("Pearson's chi-square with Yates' correction", () => {
    // scipy.stats.chi2_contingency(table, correction=True)[1]
    expect(chiSquareYates(120, 80, 300, 500) / 1.2982174609090961e-8).toBeCloseTo(1, 5);
    expect(chiSquareYates(1500, 900, 2500, 3100) / 2.283399786477286e-48).toBeCloseTo(1, 5);
  });
});
