import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { trendsReport } from '../../src/reports/trends/report';
import {
  actorOf,
  breakdownOf,
  byValue,
  closing,
  generatedEvents,
  localDay,
  type Period,
  periodOf,
  periodsBetween,
  previousDay,
  type RawEvent,
  type Regions,
  rejects,
  warehouseWith,
} from './insights-fixture';

type Actor = 'person' | 'customer' | 'anonymous' | 'session';
interface Case {
  series: string[];
  /** A series' filter on the plan property (series i counts only its event with plan = plans[i]). */
  plans?: (string | undefined)[];
  math: 'total' | 'unique' | 'per_actor';
  interval: Period;
  timezone?: string;
  actor?: Actor;
  breakdown?: string;
  breakdown_limit?: number;
  from?: string;
  as_of: string;
}

/** Trends by brute force over the raw events: every value recounted from the list. */
function bruteTrends(events: readonly RawEvent[], regions: Regions, c: Case) {
  const tz = c.timezone ?? 'UTC';
  const bdOf = breakdownOf(c.breakdown, regions);
  const inSeries = (e: RawEvent, i: number) =>
    e.event === c.series[i] && (c.plans?.[i] === undefined || e.props?.['plan'] === c.plans[i]);
  const rows = events
    .map((e) => ({
      e,
      day: localDay(e.ts, tz),
      actor: actorOf(e, c.actor ?? 'person'),
      bd: bdOf?.(e) ?? null,
    }))
    .filter(
      (r) =>
        c.series.some((_, i) => inSeries(r.e, i)) &&
        r.actor !== null &&
        r.day < c.as_of &&
        (c.from === undefined || r.day >= c.from),
    );
  if (rows.length === 0) return [];
  const first = c.from ?? rows.map((r) => r.day).sort()[0]!;
  const periods = periodsBetween(c.interval, first, previousDay(c.as_of));
  // Kept values: most rows first, then NULL first, then by value; the rest are "other".
  // A row counts once per series it is in.
  const counts = new Map<string | null, number>();
  for (const r of rows) {
    const n = c.series.filter((_, i) => inSeries(r.e, i)).length;
    counts.set(r.bd, (counts.get(r.bd) ?? 0) + n);
  }
  const limit = c.breakdown_limit ?? 25;
  const kept = new Set(
    [...counts]
      .sort((a, b) => b[1] - a[1] || byValue(a[0], b[0]))
      .slice(0, limit)
      .map(([v]) => v),
  );
  const keyOf = (bd: string | null) =>
    c.breakdown === undefined ? 'all' : kept.has(bd) ? JSON.stringify(bd) : 'other';
  const keys = [...new Set(rows.map((r) => keyOf(r.bd)))].sort();
  const math = (n: number, u: Set<string>) =>
    c.math === 'total' ? n : c.math === 'unique' ? u.size : u.size === 0 ? null : n / u.size;
  return c.series.flatMap((_event, index) =>
    keys.map((key) => {
      const mine = rows.filter((r) => inSeries(r.e, index) && keyOf(r.bd) === key);
      const data = periods.map((p) => {
        const inP = mine.filter((r) => periodOf(c.interval, r.day) === p);
        return math(inP.length, new Set(inP.map((r) => r.actor!)));
      });
      return {
        index,
        key,
        labels: periods,
        data,
        value: math(mine.length, new Set(mine.map((r) => r.actor!))),
        events: mine.length,
      };
    }),
  );
}

describe('trends', () => {
  const { events, regions } = generatedEvents(11);
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    ({ engine, ctx } = await warehouseWith(events, regions));
  });
  afterAll(() => engine.close());

  const cases: Case[] = [
    { series: ['visit', 'purchase'], math: 'total', interval: 'day', as_of: '2025-03-01' },
    {
      series: ['visit', 'page_view'],
      math: 'unique',
      interval: 'week',
      timezone: 'Europe/Berlin',
      as_of: '2025-02-20',
    },
    {
      series: ['view_product'],
      math: 'per_actor',
      interval: 'month',
      actor: 'customer',
      as_of: '2025-03-04',
    },
    {
      series: ['signup_completed', 'visit'],
      math: 'unique',
      interval: 'day',
      breakdown: 'properties.plan',
      from: '2025-01-10',
      as_of: '2025-02-01',
      timezone: 'Europe/Berlin',
    },
    {
      series: ['add_to_cart'],
      math: 'total',
      interval: 'week',
      breakdown: 'customers.region',
      actor: 'anonymous',
      as_of: '2025-03-03',
    },
    {
      series: ['page_view', 'visit'],
      math: 'unique',
      interval: 'week',
      breakdown: 'properties.plan',
      breakdown_limit: 2,
      actor: 'session',
      as_of: '2025-03-03',
    },
  ];
  cases.push(
    // Two series of one event, one filtered on a property; a third filtered series.
    {
      series: ['visit', 'visit', 'purchase'],
      plans: [undefined, 'pro', 'team'],
      math: 'unique',
      interval: 'week',
      breakdown: 'customers.region',
      as_of: '2025-03-03',
    },
    {
      series: ['page_view', 'page_view'],
      plans: ['free', 'pro'],
      math: 'total',
      interval: 'day',
      as_of: '2025-02-15',
    },
  );
  for (const c of cases) {
    it(`${c.math} by ${c.interval}, ${c.actor ?? 'person'}, ${c.breakdown ?? 'no breakdown'}${c.timezone ? `, ${c.timezone}` : ''}${c.plans ? ', filtered series' : ''}`, async () => {
      const { plans, ...rest } = c;
      const series = c.series.map((event, i) =>
        plans?.[i] === undefined
          ? event
          : {
              event,
              filters: [{ member: 'web_events.properties.plan', operator: 'equals', values: [plans[i]] }],
            },
      );
      const r = await trendsReport(ctx, { ...rest, series });
      const expected = bruteTrends(events, regions, c);
      const got = r.series.map((s) => ({
        index: s.index,
        key:
          c.breakdown === undefined ? 'all' : s.breakdown_other ? 'other' : JSON.stringify(s.breakdown_value),
        labels: s.labels,
        data: s.data,
        value: s.value,
        events: s.events,
      }));
      const order = (x: { index: number; key: string }, y: { index: number; key: string }) =>
        x.index - y.index || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0);
      expect(got.sort(order)).toEqual(expected.sort(order));
      // Something was counted, and periods are contiguous with the last one holding the day before as_of.
      expect(expected.some((s) => s.events > 0)).toBe(true);
    });
  }
});

describe('trends: hand-worked', () => {
  it('a Berlin evening is the next day in Berlin; empty days are zeros; ties count twice', async () => {
    const events: RawEvent[] = [
      { id: '1', ts: '2025-03-01 23:30:00', event: 'visit', anon: 'a' }, // Berlin: 03-02 00:30
      { id: '2', ts: '2025-03-01 10:00:00', event: 'visit', anon: 'b' },
      { id: '3', ts: '2025-03-01 10:00:00', event: 'visit', anon: 'b' }, // tie: still two events
      { id: '4', ts: '2025-03-04 12:00:00', event: 'visit', anon: 'a' },
    ];
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const utc = await trendsReport(ctx, { series: ['visit'], as_of: '2025-03-05' });
      expect(utc.series[0]!.labels).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04']);
      expect(utc.series[0]!.data).toEqual([3, 0, 0, 1]);
      const berlin = await trendsReport(ctx, {
        series: ['visit'],
        as_of: '2025-03-05',
        timezone: 'Europe/Berlin',
        math: 'unique',
      });
      expect(berlin.series[0]!.data).toEqual([1, 1, 0, 1]);
      const perActor = await trendsReport(ctx, {
        series: ['visit'],
        as_of: '2025-03-05',
        math: 'per_actor',
        interval: 'month',
      });
      expect(perActor.series[0]!.data).toEqual([2]); // 4 events, 2 visitors
    });
  });

  it('refuses an unknown event with a suggestion; accepts a custom event that is present', async () => {
    const { engine, ctx } = await warehouseWith([
      { id: '1', ts: '2025-03-01 10:00:00', event: 'signup_completed', anon: 'a' },
    ]);
    await closing(engine, async () => {
      await rejects(
        trendsReport(ctx, { series: ['visit', 'vist'] }),
        'VALIDATION_FAILED',
        /series\.1\.event: "vist" .*did you mean "visit"/,
      );
      await rejects(
        trendsReport(ctx, { series: ['signup_complete'] }),
        'VALIDATION_FAILED',
        /did you mean "signup_completed"/,
      );
      // Saved-segment membership is a filter: as a breakdown it would list customer ids.
      await rejects(
        trendsReport(ctx, { series: ['signup_completed'], breakdown: 'customers.segment' }),
        'VALIDATION_FAILED',
        /breakdown: customers\.segment filters by saved segment membership and cannot be a breakdown/,
      );
      const ok = await trendsReport(ctx, { series: ['signup_completed'] });
      expect(ok.series[0]!.data).toEqual([1]);
      expect(ok.as_of).toBe('2025-03-02');
    });
  });
});
