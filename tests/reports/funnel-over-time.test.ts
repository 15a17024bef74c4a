import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { funnelReport } from '../../src/reports/funnel/report';
import { list, sql } from '../../src/sql';
import { reportContext } from '../helpers/reports';
import { memoryWarehouse } from '../helpers/warehouse';

/**
 * Conversion over time says which periods are not like the others: cut by the range (`partial`)
 * or holding entrants whose window had not closed by as_of (`window_closed` false), so that a
 * chart does not put a half month or a month still converting next to whole ones. Hand-worked.
 */

/** [UTC timestamp, event, actor]: every actor is anonymous. */
type Ev = [string, string, string];

const EVENTS: Ev[] = [
  // Monthly, range 2025-11-15 .. 2026-01-20: November and January are cut by it.
  ['2025-11-20 10:00:00', 'visit', 'a'],
  ['2025-11-21 10:00:00', 'purchase', 'a'],
  ['2025-12-05 10:00:00', 'visit', 'b'],
  ['2025-12-30 10:00:00', 'visit', 'c'],
  ['2026-01-02 09:00:00', 'purchase', 'c'],
  ['2026-01-10 10:00:00', 'visit', 'd'],
  // Outside the range: not counted, and no period of their own.
  ['2025-11-10 10:00:00', 'visit', 'e'],
  ['2026-01-25 10:00:00', 'visit', 'f'],
];

async function insert(engine: Engine, events: readonly Ev[]): Promise<void> {
  const rows = events.map(
    ([at, event, actor], i) =>
      sql`(${`e${i}`}, CAST(${at} AS TIMESTAMP), 0, ${event}, NULL, ${actor}, ${`s-${actor}`}, 0, 1)`,
  );
  await engine.exec(
    sql`INSERT INTO fact_web_events (event_id, occurred_at, date_key, event, customer_id, anonymous_id, session_id, row_hash, run_id) VALUES ${list(rows)}`,
  );
}

const range = (from: string, to: string) => [
  { member: 'web_events.occurred_at', operator: 'inDateRange', values: [from, to] },
];

describe('funnel: conversion over time marks the periods that are not comparable', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await insert(engine, EVENTS);
  });
  afterAll(async () => {
    await engine.close();
  });

  const overTime = async (params: Record<string, unknown>) =>
    (
      await funnelReport(reportContext(engine), {
        steps: ['visit', 'purchase'],
        conversion_over_time: 'month',
        ...params,
      })
    ).over_time;

  it('a range starting mid-month cuts the first month; one ending mid-month cuts the last and leaves its window open', async () => {
    // as_of = the day after the range's end, 2026-01-21.
    // November: starts before the 15th → partial; ends Dec 1, + 7 days = Dec 8 <= Jan 21 → closed.
    // December: whole; ends Jan 1, + 7 days = Jan 8 <= Jan 21 → closed.
    // January: ends Feb 1 after as_of → partial; Feb 1 + 7 days > Jan 21 → open.
    expect(await overTime({ filters: range('2025-11-15', '2026-01-20') })).toEqual([
      { period: '2025-11-01', entered: 1, converted: 1, conversion: 1, partial: true, window_closed: true },
      {
        period: '2025-12-01',
        entered: 2,
        converted: 1,
        conversion: 0.5,
        partial: false,
        window_closed: true,
      },
      { period: '2026-01-01', entered: 1, converted: 0, conversion: 0, partial: true, window_closed: false },
    ]);
  });

  it('a month whose end plus the window is exactly as_of is closed; a day later is open', async () => {
    // Range from Nov 1 (November whole). as_of Jan 8 = Jan 1 + 7 days: December closed.
    const base = { filters: range('2025-11-01', '2026-01-31'), window: '7d' };
    const dec = async (asOf: string) =>
      (await overTime({ ...base, as_of: asOf }))?.find((p) => p.period === '2025-12-01');
    expect(await dec('2026-01-08')).toMatchObject({ partial: false, window_closed: true });
    // A 7-day-and-1-second window no longer fits.
    expect(await overTime({ ...base, as_of: '2026-01-08', window: '7d1s' })).toContainEqual(
      expect.objectContaining({ period: '2025-12-01', window_closed: false }),
    );
    // as_of Jan 7: December's window is open; the months before it stay closed and whole.
    const rows = await overTime({ ...base, as_of: '2026-01-07' });
    expect(rows?.map((p) => [p.period, p.partial, p.window_closed])).toEqual([
      ['2025-11-01', false, true],
      ['2025-12-01', false, false],
    ]);
  });

  it('in Berlin time the window is elapsed time: a DST change between the two midnights counts', async () => {
    // Days in Europe/Berlin; summer time starts 2026-03-29 (02:00 → 03:00).
    // Visit at 2026-03-28 22:30 UTC = 23:30 CET, in the day 2026-03-28. Window 1 day.
    // That day ends 2026-03-29 00:00 CET = 03-28 23:00 UTC, + 24 h = 03-29 23:00 UTC.
    // as_of 2026-03-30 00:00 CEST = 03-29 22:00 UTC: before that, so the window is open (a visit at
    // 23:30 local has until 03-29 22:30 UTC, after the data ends), though the wall clocks say
    // 03-29 00:00 + 1 day = 03-30 00:00, not after as_of.
    const berlin = await memoryWarehouse();
    try {
      await insert(berlin, [
        ['2026-03-27 10:00:00', 'visit', 'g'],
        ['2026-03-28 22:30:00', 'visit', 'h'],
      ]);
      const r = await funnelReport(reportContext(berlin), {
        steps: ['visit', 'purchase'],
        conversion_over_time: 'day',
        window: '1d',
        timezone: 'Europe/Berlin',
        as_of: '2026-03-30',
      });
      expect(r.over_time?.map((p) => [p.period, p.partial, p.window_closed])).toEqual([
        // 03-27 ends 03-28 00:00 CET = 03-27 23:00 UTC, + 24 h = 03-28 23:00 UTC <= 03-29 22:00 UTC.
        ['2026-03-27', false, true],
        ['2026-03-28', false, false],
      ]);
    } finally {
      await berlin.close();
    }
  });
});
