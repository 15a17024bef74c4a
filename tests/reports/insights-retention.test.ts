import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import type { ReportContext } from '../../src/reports/common/context';
import { retentionMembers, retentionReport } from '../../src/reports/retention/report';
import {
  actorOf,
  breakdownOf,
  byValue,
  closing,
  generatedEvents,
  localDay,
  type Period,
  periodOf,
  previousDay,
  type RawEvent,
  type Regions,
  rejects,
  warehouseWith,
} from './insights-fixture';

interface Case {
  start_event: string;
  return_event?: string;
  period: Period;
  type: 'first_time' | 'recurring';
  periods?: number;
  timezone?: string;
  actor?: 'person' | 'customer' | 'anonymous' | 'session';
  breakdown?: string;
  from?: string;
  as_of: string;
}

interface Cohort {
  cohort: string;
  bd: string | null;
  members: Set<string>;
  values: number[];
}

/** Retention by brute force: cohorts and returns recounted from the raw list. */
function bruteRetention(events: readonly RawEvent[], regions: Regions, c: Case): Cohort[] {
  const tz = c.timezone ?? 'UTC';
  const back = c.return_event ?? c.start_event;
  const bdOf = breakdownOf(c.breakdown, regions) ?? (() => null);
  const rows = events
    .map((e) => ({ e, day: localDay(e.ts, tz), actor: actorOf(e, c.actor ?? 'person') }))
    .filter((r) => r.actor !== null && r.day < c.as_of);
  const last = periodOf(c.period, previousDay(c.as_of));
  const cohorts = new Map<string, Cohort>();
  const add = (actor: string, day: string, bd: string | null) => {
    const cohort = periodOf(c.period, day);
    if (cohort > last || (c.from !== undefined && cohort < periodOf(c.period, c.from))) return;
    const key = JSON.stringify([cohort, bd]);
    if (!cohorts.has(key)) cohorts.set(key, { cohort, bd, members: new Set(), values: [] });
    cohorts.get(key)!.members.add(actor);
  };
  const starts = rows.filter((r) => r.e.event === c.start_event);
  if (c.type === 'first_time') {
    for (const actor of new Set(starts.map((r) => r.actor!))) {
      const mine = starts.filter((r) => r.actor === actor);
      const t = mine.map((r) => r.e.ts).sort()[0]!;
      const firsts = mine.filter((r) => r.e.ts === t);
      // The least value among the tied first events; NULL only when all are NULL.
      const values = firsts
        .map((r) => bdOf(r.e))
        .filter((v): v is string => v !== null)
        .sort(byValue);
      add(actor, firsts[0]!.day, values[0] ?? null);
    }
  } else {
    for (const r of starts) add(r.actor!, r.day, bdOf(r.e));
  }
  const returns = new Set(
    rows.filter((r) => r.e.event === back).map((r) => JSON.stringify([r.actor, periodOf(c.period, r.day)])),
  );
  const periods = c.periods ?? 11;
  for (const co of cohorts.values()) {
    let p = co.cohort;
    for (let k = 0; k < periods && p <= last; k++) {
      co.values.push(
        k === 0 ? co.members.size : [...co.members].filter((a) => returns.has(JSON.stringify([a, p]))).length,
      );
      p = periodOf(c.period, nextDay(p, c.period));
    }
  }
  return [...cohorts.values()].sort((a, b) =>
    a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : byValue(a.bd, b.bd),
  );
}

/** A day inside the next period. */
function nextDay(start: string, period: Period): string {
  const d = new Date(`${start}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + (period === 'day' ? 1 : period === 'week' ? 7 : 32));
  return d.toISOString().slice(0, 10);
}

describe('retention', () => {
  const { events, regions } = generatedEvents(23);
  let engine: Engine;
  let ctx: ReportContext;
  beforeAll(async () => {
    ({ engine, ctx } = await warehouseWith(events, regions));
  });
  afterAll(() => engine.close());

  const cases: Case[] = [
    { start_event: 'visit', period: 'week', type: 'first_time', as_of: '2025-03-04' },
    {
      start_event: 'visit',
      return_event: 'page_view',
      period: 'week',
      type: 'recurring',
      as_of: '2025-03-04',
      timezone: 'Europe/Berlin',
    },
    {
      start_event: 'signup_completed',
      return_event: 'purchase',
      period: 'day',
      type: 'first_time',
      periods: 20,
      as_of: '2025-02-15',
      breakdown: 'properties.plan',
    },
    {
      start_event: 'page_view',
      period: 'month',
      type: 'recurring',
      as_of: '2025-03-04',
      breakdown: 'customers.region',
      actor: 'customer',
    },
    {
      start_event: 'visit',
      return_event: 'view_product',
      period: 'week',
      type: 'first_time',
      as_of: '2025-03-01',
      from: '2025-01-15',
      actor: 'anonymous',
      periods: 4,
    },
  ];
  for (const c of cases) {
    it(`${c.type} ${c.start_event} → ${c.return_event ?? c.start_event} by ${c.period}, ${c.actor ?? 'person'}, ${c.breakdown ?? 'no breakdown'}`, async () => {
      const r = await retentionReport(ctx, c);
      const expected = bruteRetention(events, regions, c);
      expect(expected.length).toBeGreaterThan(1);
      expect(expected.some((x) => x.values.slice(1).some((v) => v > 0))).toBe(true);
      expect(
        r.cohorts.map((x) => ({
          cohort: x.cohort,
          bd: c.breakdown ? x.breakdown_value : null,
          values: x.values,
        })),
      ).toEqual(expected.map((x) => ({ cohort: x.cohort, bd: x.bd, values: x.values })));
      for (const x of r.cohorts) expect(x.percentages).toEqual(x.values.map((v) => v / x.size));
    });
  }

  it('a cohort saved as a target group: its customers who came back at offset k, or did not', async () => {
    const c: Case = { start_event: 'visit', period: 'week', type: 'first_time', as_of: '2025-03-04' };
    const customers = new Set(Object.keys(regions));
    const expected = bruteRetention(events, regions, c);
    let checked = 0;
    for (const co of expected) {
      for (const k of [0, 1, 2]) {
        if (k >= co.values.length) continue;
        const members = async (which: 'returned' | 'not_returned') =>
          (await engine.query(await retentionMembers(ctx, c, { cohort: co.cohort, offset: k, which }))).rows
            .map((x) => String(x['customer_id']))
            .sort();
        const p = nextDay(co.cohort, 'week');
        const target =
          k === 0 ? co.cohort : k === 1 ? periodOf('week', p) : periodOf('week', nextDay(p, 'week'));
        const came = (a: string) =>
          k === 0 ||
          events.some(
            (e) =>
              e.event === 'visit' &&
              actorOf(e, 'person') === a &&
              periodOf('week', localDay(e.ts)) === target &&
              e.ts < c.as_of,
          );
        const known = [...co.members].filter((a) => customers.has(a));
        expect(await members('returned')).toEqual(known.filter(came).sort());
        expect(await members('not_returned')).toEqual(known.filter((a) => !came(a)).sort());
        checked += known.filter(came).length;
      }
    }
    expect(checked).toBeGreaterThan(0);
    await rejects(
      retentionMembers(
        ctx,
        { ...c, actor: 'session' },
        { cohort: '2025-01-06', offset: 1, which: 'returned' },
      ),
      'VALIDATION_FAILED',
      /not customers/,
    );
  });
});

describe('retention: hand-worked', () => {
  it('ties, a Berlin Sunday night that is Monday, first time versus recurring, the event-name 400', async () => {
    const events: RawEvent[] = [
      // a: first visits tied, plans pro and free: the cohort's value is the least, "free".
      { id: '1', ts: '2025-03-03 09:00:00', event: 'visit', anon: 'a', props: { plan: 'pro' } },
      { id: '2', ts: '2025-03-03 09:00:00', event: 'visit', anon: 'a', props: { plan: 'free' } },
      { id: '3', ts: '2025-03-11 09:00:00', event: 'visit', anon: 'a' },
      // b: Sunday 2025-03-09 23:30 UTC is Monday 00:30 in Berlin: week of 03-03 in UTC, 03-10 in Berlin.
      { id: '4', ts: '2025-03-09 23:30:00', event: 'visit', anon: 'b' },
      { id: '5', ts: '2025-03-17 08:00:00', event: 'visit', anon: 'b' },
    ];
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const utc = await retentionReport(ctx, { start_event: 'visit', as_of: '2025-03-24' });
      expect(utc.cohorts.map((x) => [x.cohort, x.values])).toEqual([['2025-03-03', [2, 1, 1]]]);
      const berlin = await retentionReport(ctx, {
        start_event: 'visit',
        as_of: '2025-03-24',
        timezone: 'Europe/Berlin',
      });
      expect(berlin.cohorts.map((x) => [x.cohort, x.values])).toEqual([
        ['2025-03-03', [1, 1, 0]],
        ['2025-03-10', [1, 1]],
      ]);
      const recurring = await retentionReport(ctx, {
        start_event: 'visit',
        as_of: '2025-03-24',
        type: 'recurring',
      });
      expect(recurring.cohorts.map((x) => [x.cohort, x.values])).toEqual([
        ['2025-03-03', [2, 1, 1]],
        ['2025-03-10', [1, 0]],
        ['2025-03-17', [1]],
      ]);
      const byPlan = await retentionReport(ctx, {
        start_event: 'visit',
        as_of: '2025-03-24',
        breakdown: 'properties.plan',
      });
      expect(byPlan.cohorts.map((x) => [x.breakdown_value, x.values])).toEqual([
        [null, [1, 0, 1]],
        ['free', [1, 1, 0]],
      ]);
      await rejects(
        retentionReport(ctx, { start_event: 'visit', return_event: 'purchse' }),
        'VALIDATION_FAILED',
        /return_event: "purchse" .*did you mean "purchase"/,
      );
    });
  });
});
