import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { stickiness, stickinessReport } from '../../src/reports/stickiness/report';
import {
  actorOf,
  breakdownOf,
  byValue,
  closing,
  daysIn,
  generatedEvents,
  localDay,
  nextPeriod,
  periodOf,
  periodsBetween,
  previousDay,
  type RawEvent,
  type Regions,
  rejects,
  warehouseWith,
} from './insights-fixture';

interface Case {
  event: string;
  period: 'week' | 'month';
  timezone?: string;
  actor?: 'person' | 'customer' | 'anonymous' | 'session';
  breakdown?: string;
  from?: string;
  as_of: string;
}

/** Stickiness by brute force: each actor's distinct local days per period, as a histogram. */
function bruteStickiness(events: readonly RawEvent[], regions: Regions, c: Case) {
  const tz = c.timezone ?? 'UTC';
  const bdOf = breakdownOf(c.breakdown, regions) ?? (() => null);
  const rows = events
    .map((e) => ({ e, day: localDay(e.ts, tz), actor: actorOf(e, c.actor ?? 'person'), bd: bdOf(e) }))
    .filter(
      (r) =>
        r.e.event === c.event &&
        r.actor !== null &&
        r.day < c.as_of &&
        (c.from === undefined || r.day >= c.from),
    );
  const first = c.from ?? rows.map((r) => r.day).sort()[0]!;
  // Where the data begins: the first local day of any event. A period starting before it is partial.
  const dataDay = events.map((e) => localDay(e.ts, tz)).sort()[0]!;
  const values = [...new Set(rows.map((r) => r.bd))].sort(byValue);
  return periodsBetween(c.period, first, previousDay(c.as_of)).flatMap((p) =>
    values.map((bd) => {
      const days = new Map<string, Set<string>>();
      for (const r of rows.filter((x) => x.bd === bd && periodOf(c.period, x.day) === p)) {
        if (!days.has(r.actor!)) days.set(r.actor!, new Set());
        days.get(r.actor!)!.add(r.day);
      }
      const actors = Array.from({ length: daysIn(c.period, p) }, () => 0);
      for (const d of days.values()) actors[d.size - 1]!++;
      return {
        period: p,
        bd,
        active: days.size,
        actors,
        partial: nextPeriod(c.period, p) > c.as_of || (c.from !== undefined && p < c.from) || p < dataDay,
      };
    }),
  );
}

describe('stickiness', () => {
  const { events, regions } = generatedEvents(5, 24);
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    ({ engine, ctx } = await warehouseWith(events, regions));
  });
  afterAll(() => engine.close());

  const cases: Case[] = [
    { event: 'visit', period: 'week', as_of: '2025-03-04' },
    { event: 'page_view', period: 'month', as_of: '2025-03-04', timezone: 'Europe/Berlin' },
    {
      event: 'page_view',
      period: 'week',
      as_of: '2025-02-26',
      from: '2025-01-08',
      breakdown: 'properties.plan',
    },
    {
      event: 'view_product',
      period: 'month',
      as_of: '2025-03-01',
      actor: 'customer',
      breakdown: 'customers.region',
    },
    { event: 'visit', period: 'week', as_of: '2025-03-04', actor: 'anonymous', timezone: 'Europe/Berlin' },
  ];
  for (const c of cases) {
    it(`${c.event} by ${c.period}, ${c.actor ?? 'person'}, ${c.breakdown ?? 'no breakdown'}${c.timezone ? `, ${c.timezone}` : ''}`, async () => {
      const r = await stickinessReport(ctx, c);
      const expected = bruteStickiness(events, regions, c);
      // The data has actors active on several days of a period, or the test would prove little.
      expect(expected.some((x) => x.actors.slice(1).some((n) => n > 0))).toBe(true);
      expect(
        r.periods.map((p) => ({
          period: p.period,
          bd: c.breakdown ? p.breakdown_value : null,
          active: p.active_actors,
          actors: p.actors,
          partial: p.partial,
        })),
      ).toEqual(expected);
    });
  }
});

describe('stickiness: hand-worked', () => {
  it('a session across midnight is two days; Berlin moves a late evening to the next day; the event-name 400', async () => {
    const events: RawEvent[] = [
      // a: one session 23:50 → 00:10 UTC, Monday and Tuesday in UTC; both Tuesday in Berlin.
      { id: '1', ts: '2025-03-03 23:50:00', event: 'visit', anon: 'a', session: 's1' },
      { id: '2', ts: '2025-03-04 00:10:00', event: 'visit', anon: 'a', session: 's1' },
      // b: two events at the same second: one day.
      { id: '3', ts: '2025-03-05 12:00:00', event: 'visit', anon: 'b' },
      { id: '4', ts: '2025-03-05 12:00:00', event: 'visit', anon: 'b' },
      // c: Tuesday, Wednesday, Thursday.
      { id: '5', ts: '2025-03-04 08:00:00', event: 'visit', anon: 'c' },
      { id: '6', ts: '2025-03-05 08:00:00', event: 'visit', anon: 'c' },
      { id: '7', ts: '2025-03-06 08:00:00', event: 'visit', anon: 'c' },
    ];
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const utc = await stickinessReport(ctx, { event: 'visit', as_of: '2025-03-10' });
      expect(utc.periods.map((p) => [p.period, p.actors, p.partial])).toEqual([
        ['2025-03-03', [1, 1, 1, 0, 0, 0, 0], false],
      ]);
      const berlin = await stickinessReport(ctx, {
        event: 'visit',
        as_of: '2025-03-10',
        timezone: 'Europe/Berlin',
      });
      expect(berlin.periods[0]!.actors).toEqual([2, 0, 1, 0, 0, 0, 0]);
      // as_of cuts the week: flagged partial, still 7 possible days.
      const cut = await stickiness.run(ctx, stickiness.schema.parse({ event: 'visit', as_of: '2025-03-06' }));
      expect(cut.rows.data.map((r) => [r['days'], r['actors'], r['share'], r['partial']])).toEqual([
        // a: 03-03 and 03-04; b: 03-05; c: 03-04 and 03-05 (03-06 is as_of).
        [1, 1, 1 / 3, true],
        [2, 2, 2 / 3, true],
        [3, 0, 0, true],
        [4, 0, 0, true],
        [5, 0, 0, true],
        [6, 0, 0, true],
        [7, 0, 0, true],
      ]);
      await rejects(
        stickinessReport(ctx, { event: 'vsit' }),
        'VALIDATION_FAILED',
        /event: "vsit" .*did you mean "visit"/,
      );
    });
  });
});
