/**
 * A date range filter on the event time (what a dashboard's "Events in" filter sends) is the
 * insight's range, as `from` and as_of are: periods the range cuts are marked partial, and the
 * history before it still counts where a report looks back (lifecycle, first-time retention).
 * Hand-worked: a Wednesday-to-Thursday range over weeks starting on Mondays.
 */
import { describe, expect, it } from 'vitest';
import { lifecycleReport } from '../../src/reports/lifecycle/report';
import { retentionReport } from '../../src/reports/retention/report';
import { stickinessReport } from '../../src/reports/stickiness/report';
import { trendsReport } from '../../src/reports/trends/report';
import { closing, type RawEvent, warehouseWith } from './insights-fixture';

const events: RawEvent[] = [
  // a: before the range (10-20), then in the weeks of 11-03 and 11-17.
  { id: '1', ts: '2025-10-20 10:00:00', event: 'visit', anon: 'a' },
  { id: '2', ts: '2025-11-06 10:00:00', event: 'visit', anon: 'a' },
  { id: '3', ts: '2025-11-18 10:00:00', event: 'visit', anon: 'a' },
  // b: Tuesday 11-04, the day before the range, and 11-12.
  { id: '4', ts: '2025-11-04 10:00:00', event: 'visit', anon: 'b' },
  { id: '5', ts: '2025-11-12 10:00:00', event: 'visit', anon: 'b' },
  // c: 11-19, and 11-21, the day after the range.
  { id: '6', ts: '2025-11-19 10:00:00', event: 'visit', anon: 'c' },
  { id: '7', ts: '2025-11-21 10:00:00', event: 'visit', anon: 'c' },
  // e signed up before the range and again in it; f for the first time in it.
  { id: '8', ts: '2025-10-28 10:00:00', event: 'signup_completed', anon: 'e' },
  { id: '9', ts: '2025-11-06 10:00:00', event: 'signup_completed', anon: 'e' },
  { id: '10', ts: '2025-11-12 10:00:00', event: 'visit', anon: 'e' },
  { id: '11', ts: '2025-11-07 10:00:00', event: 'signup_completed', anon: 'f' },
  { id: '12', ts: '2025-11-13 10:00:00', event: 'visit', anon: 'f' },
];

/** Wednesday 2025-11-05 to Thursday 2025-11-20, both included. */
const range = [
  { member: 'web_events.occurred_at', operator: 'inDateRange', values: ['2025-11-05', '2025-11-20'] },
];
/** The same range as parameters. */
const asParams = { from: '2025-11-05', as_of: '2025-11-21' };

describe('insights: a date range filter on the event time is the range', () => {
  it('trends and stickiness mark the weeks it cuts partial and count only its days', async () => {
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const params = { series: ['visit'], math: 'unique', interval: 'week' };
      const t = await trendsReport(ctx, { ...params, filters: range });
      expect(t.from).toBe('2025-11-05');
      expect(t.as_of).toBe('2025-11-21');
      const s = t.series[0]!;
      expect(s.labels).toEqual(['2025-11-03', '2025-11-10', '2025-11-17']);
      // The first week starts two days before the range, the last ends three days after it.
      expect(s.partial).toEqual([true, false, true]);
      // 11-03: a (b's 11-04 is before the range); 11-10: b, e, f; 11-17: a, c (c's 11-21 is after).
      expect(s.data).toEqual([1, 3, 2]);
      expect(s.actors).toBe(5);
      const same = await trendsReport(ctx, { ...params, ...asParams });
      expect(same.series).toEqual(t.series);

      const k = await stickinessReport(ctx, { event: 'visit', period: 'week', filters: range });
      expect(k.periods.map((p) => [p.period, p.partial, p.active_actors])).toEqual([
        ['2025-11-03', true, 1],
        ['2025-11-10', false, 3],
        ['2025-11-17', true, 2],
      ]);
    });
  });

  it('the period the data begins in is partial too: its first days hold no data, range or not', async () => {
    // The data begins on Thursday 2025-10-23 (a signup); the visits begin the next Monday.
    const late: RawEvent[] = [
      { id: '1', ts: '2025-10-23 10:00:00', event: 'signup_completed', anon: 'a' },
      { id: '2', ts: '2025-10-24 10:00:00', event: 'visit', anon: 'a' },
      { id: '3', ts: '2025-10-27 10:00:00', event: 'visit', anon: 'b' },
      { id: '4', ts: '2025-11-03 10:00:00', event: 'visit', anon: 'c' },
    ];
    const { engine, ctx } = await warehouseWith(late);
    await closing(engine, async () => {
      const params = { series: ['visit'], math: 'unique', interval: 'week', as_of: '2025-11-10' };
      // No range: the week of 10-20 starts before the data (10-23), the others are whole.
      const t = await trendsReport(ctx, params);
      expect(t.series[0]!.labels).toEqual(['2025-10-20', '2025-10-27', '2025-11-03']);
      expect(t.series[0]!.partial).toEqual([true, false, false]);
      // A range starting before the data says no more than the data: still partial.
      const wide = await trendsReport(ctx, { ...params, from: '2025-10-13' });
      expect(wide.series[0]!.labels).toEqual(['2025-10-13', '2025-10-20', '2025-10-27', '2025-11-03']);
      expect(wide.series[0]!.partial).toEqual([true, true, false, false]);
      // Stickiness marks the same week (and leaves it out of its chart's sums).
      const k = await stickinessReport(ctx, { event: 'visit', period: 'week', as_of: '2025-11-10' });
      expect(k.periods.map((p) => [p.period, p.partial])).toEqual([
        ['2025-10-20', true],
        ['2025-10-27', false],
        ['2025-11-03', false],
      ]);
      // Lifecycle reads each period whole (history included), so only the data's start and
      // as_of cut one: the week of 10-20 holds 10-23 on, and everyone in it is new.
      const l = await lifecycleReport(ctx, { event: 'visit', period: 'week', as_of: '2025-11-06' });
      expect(l.series[0]!.labels).toEqual(['2025-10-20', '2025-10-27', '2025-11-03']);
      expect(l.series[0]!.partial).toEqual([true, false, true]);
      expect(l.series[0]!.new).toEqual([1, 1, 1]);
      // Days: the data's first day is a whole day.
      const d = await trendsReport(ctx, {
        ...params,
        interval: 'day',
        from: '2025-10-23',
        as_of: '2025-10-25',
      });
      expect(d.series[0]!.partial).toEqual([false, false]);
    });
  });

  it('lifecycle and first-time retention still see the history before it', async () => {
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      const l = await lifecycleReport(ctx, { event: 'visit', period: 'week', filters: range });
      const s = l.series[0]!;
      expect(s.labels).toEqual(['2025-11-03', '2025-11-10', '2025-11-17']);
      // 11-03: a is back after a gap (its 10-20 visit), b is new; 11-10: b returns, e and f are new,
      // a is dormant; 11-17: a is back again, c is new, b, e and f are dormant.
      expect(s.new).toEqual([1, 2, 1]);
      expect(s.returning).toEqual([0, 1, 0]);
      expect(s.resurrecting).toEqual([1, 0, 1]);
      expect(s.dormant).toEqual([0, -1, -3]);
      expect((await lifecycleReport(ctx, { event: 'visit', period: 'week', ...asParams })).series).toEqual(
        l.series,
      );

      const r = await retentionReport(ctx, {
        start_event: 'signup_completed',
        return_event: 'visit',
        period: 'week',
        type: 'first_time',
        filters: range,
      });
      // e first signed up on 10-28, before the range: only f starts a cohort in it.
      expect(r.cohorts.map((c) => [c.cohort, c.size, c.values[1]])).toEqual([['2025-11-03', 1, 1]]);
    });
  });

  it('leaves a bound it cannot read as a day as a row condition', async () => {
    const { engine, ctx } = await warehouseWith(events);
    await closing(engine, async () => {
      // afterDate is strict (after 11-05 00:00), not "from 11-05": it filters rows and sets no range.
      const t = await trendsReport(ctx, {
        series: ['visit'],
        math: 'unique',
        interval: 'week',
        filters: [{ member: 'web_events.occurred_at', operator: 'afterDate', values: ['2025-11-05'] }],
      });
      expect(t.from).toBeNull();
      expect(t.series[0]!.labels[0]).toBe('2025-11-03');
      expect(t.series[0]!.partial[0]).toBe(false);
      // A range starting inside a day: the rows from 12:00 on 11-06 (a's 10:00 visit that day is
      // out; b, e, f, a, c and c's 11-21 are in), no range.
      const noon = await trendsReport(ctx, {
        series: ['visit'],
        math: 'total',
        interval: 'day',
        filters: [
          {
            member: 'web_events.occurred_at',
            operator: 'inDateRange',
            values: ['2025-11-06T12:00:00', '2025-11-30'],
          },
        ],
      });
      expect(noon.from).toBeNull();
      expect(noon.series[0]!.events).toBe(6);
    });
  });
});
