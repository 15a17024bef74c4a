import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { lifecycleReport } from '../../src/reports/lifecycle/report';
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

interface Case {
  event: string;
  period: Period;
  timezone?: string;
  actor?: 'person' | 'customer' | 'anonymous' | 'session';
  breakdown?: string;
  from?: string;
  as_of: string;
}

/** Lifecycle by brute force: each actor's set of active periods, walked period by period. */
function bruteLifecycle(events: readonly RawEvent[], regions: Regions, c: Case) {
  const tz = c.timezone ?? 'UTC';
  const bdOf = breakdownOf(c.breakdown, regions) ?? (() => null);
  const active = new Map<string, Set<string>>(); // [actor, bd] → periods
  for (const e of events) {
    const actor = actorOf(e, c.actor ?? 'person');
    const day = localDay(e.ts, tz);
    if (e.event !== c.event || actor === null || day >= c.as_of) continue;
    const key = JSON.stringify([actor, bdOf(e)]);
    if (!active.has(key)) active.set(key, new Set());
    active.get(key)!.add(periodOf(c.period, day));
  }
  const all = [...active.values()].flatMap((s) => [...s]).sort();
  const periods = periodsBetween(c.period, c.from ?? all[0]!, previousDay(c.as_of));
  const values = [...new Set([...active.keys()].map((k) => JSON.parse(k)[1] as string | null))].sort(byValue);
  return values.map((bd) => {
    const mine = [...active].filter(([k]) => JSON.parse(k)[1] === bd).map(([, s]) => s);
    const count = (f: (s: Set<string>, p: string, prev: string) => boolean) =>
      periods.map((p) => mine.filter((s) => f(s, p, periodOf(c.period, previousDay(p)))).length);
    const first = (s: Set<string>) => [...s].sort()[0];
    return {
      bd,
      labels: periods,
      new: count((s, p) => s.has(p) && first(s) === p),
      returning: count((s, p, prev) => s.has(p) && first(s) !== p && s.has(prev)),
      resurrecting: count((s, p, prev) => s.has(p) && first(s) !== p && !s.has(prev)),
      dormant: count((s, p, prev) => !s.has(p) && s.has(prev)).map((n) => (n === 0 ? 0 : -n)),
    };
  });
}

describe('lifecycle', () => {
  const { events, regions } = generatedEvents(31);
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    ({ engine, ctx } = await warehouseWith(events, regions));
  });
  afterAll(() => engine.close());

  const cases: Case[] = [
    { event: 'visit', period: 'week', as_of: '2025-03-04' },
    { event: 'page_view', period: 'day', as_of: '2025-02-20', from: '2025-01-20', timezone: 'Europe/Berlin' },
    { event: 'page_view', period: 'month', as_of: '2025-03-04', breakdown: 'properties.plan' },
    {
      event: 'view_product',
      period: 'week',
      as_of: '2025-03-01',
      actor: 'customer',
      breakdown: 'customers.region',
    },
    {
      event: 'visit',
      period: 'week',
      as_of: '2025-03-04',
      actor: 'anonymous',
      from: '2025-02-01',
      timezone: 'Europe/Berlin',
    },
  ];
  for (const c of cases) {
    it(`${c.event} by ${c.period}, ${c.actor ?? 'person'}, ${c.breakdown ?? 'no breakdown'}${c.timezone ? `, ${c.timezone}` : ''}`, async () => {
      const r = await lifecycleReport(ctx, c);
      const expected = bruteLifecycle(events, regions, c);
      // Most statuses occur, or the comparison would prove little.
      const seen = (['new', 'returning', 'resurrecting', 'dormant'] as const).filter((s) =>
        expected.some((x) => x[s].some((n) => n !== 0)),
      );
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(
        r.series.map((s) => ({
          bd: c.breakdown ? s.breakdown_value : null,
          labels: s.labels,
          new: s.new,
          returning: s.returning,
          resurrecting: s.resurrecting,
          dormant: s.dormant,
        })),
      ).toEqual(expected);
    });
  }
});

describe('lifecycle: hand-worked', () => {
  it('new, returning, resurrecting and dormant by day, in UTC and in Berlin; the event-name 400', async () => {
    const events: RawEvent[] = [
      { id: '1', ts: '2025-03-01 10:00:00', event: 'visit', anon: 'a' },
      { id: '2', ts: '2025-03-02 10:00:00', event: 'visit', anon: 'a' },
      { id: '3', ts: '2025-03-04 10:00:00', event: 'visit', anon: 'a' },
      // b: 03-02 23:30 UTC is 03-03 00:30 in Berlin.
      { id: '4', ts: '2025-03-02 23:30:00', event: 'visit', anon: 'b' },
      { id: '5', ts: '2025-03-02 23:30:00', event: 'visit', anon: 'b' },
    ];
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const utc = await lifecycleReport(ctx, { event: 'visit', period: 'day', as_of: '2025-03-06' });
      const s = utc.series[0]!;
      expect(s.labels).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05']);
      expect(s.new).toEqual([1, 1, 0, 0, 0]);
      expect(s.returning).toEqual([0, 1, 0, 0, 0]);
      expect(s.resurrecting).toEqual([0, 0, 0, 1, 0]);
      expect(s.dormant).toEqual([0, 0, -2, 0, -1]);
      const berlin = (
        await lifecycleReport(ctx, {
          event: 'visit',
          period: 'day',
          as_of: '2025-03-06',
          timezone: 'Europe/Berlin',
        })
      ).series[0]!;
      expect(berlin.new).toEqual([1, 0, 1, 0, 0]);
      // a is dormant on 03-03 and 03-05, b (active on 03-03 only) on 03-04.
      expect(berlin.dormant).toEqual([0, 0, -1, -1, -1]);
      await rejects(
        lifecycleReport(ctx, { event: 'page_veiw' }),
        'VALIDATION_FAILED',
        /did you mean "page_view"/,
      );
    });
  });
});
