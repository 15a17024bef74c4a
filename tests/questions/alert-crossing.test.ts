import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../src/cube/service';
import { DeliveryScheduler } from '../../src/delivery/scheduler';
import type { Engine } from '../../src/engine';
import { type AlertDeps, type AlertMessage, checkAlert } from '../../src/questions/alerts/check';
import { fires, isCrossed } from '../../src/questions/alerts/crossing';
import { alertHistory, createAlert } from '../../src/questions/alerts/store';
import type { Alert } from '../../src/questions/alerts/types';
import { createQuestion } from '../../src/questions/store';
import { scheduleAlert } from '../../src/server/routes/alerts';
import { memoryWarehouse } from '../helpers/warehouse';

const NOW = new Date('2026-07-01T08:00:00Z');

describe('an alert fires once per crossing', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
  });
  afterAll(async () => engine?.close());

  /** Deps whose question answers the next value of `values` on each check; sends are kept. */
  function deps(values: number[], sent: AlertMessage[], startMinute = 0): AlertDeps {
    let i = 0;
    return {
      engine,
      now: () => new Date(NOW.getTime() + (startMinute + i) * 60_000),
      run: async () => ({ data: [{ 'orders.count': values[i++] }] }) as unknown as LoadResult,
      send: async (_alert, message) => {
        sent.push(message);
        return 'sent';
      },
    };
  }

  it('above 100 over 90, 110, 120, 95, 130, 130, 100, 101: fires at 110, 130 and 101 only', async () => {
    const q = await createQuestion(engine, { name: 'n', query: { measures: ['orders.count'] } }, 'ana', NOW);
    const alert: Alert = await createAlert(
      engine,
      { name: 'over 100', question: q.id, condition: 'above', threshold: 100, destinations: [] },
      'ana',
      NOW,
    );
    const values = [90, 110, 120, 95, 130, 130, 100, 101];
    // By hand: crossed when > 100 → F T T F T T F T; fires on F→T: 110, 130 (5th), 101.
    const sent: AlertMessage[] = [];
    const first = deps(values.slice(0, 4), sent);
    const events = [];
    for (let k = 0; k < 4; k++) events.push(await checkAlert(first, alert));
    // A "restart": new deps, the state comes from the history table alone.
    const second = deps(values.slice(4), sent, 4);
    for (let k = 0; k < 4; k++) events.push(await checkAlert(second, alert));
    expect(events.map((e) => e.crossed)).toEqual([false, true, true, false, true, true, false, true]);
    expect(events.map((e) => e.fired)).toEqual([false, true, false, false, true, false, false, true]);
    expect(sent.map((m) => m.data['value'])).toEqual([110, 130, 101]);
    const history = await alertHistory(engine, alert.id);
    expect(history.map((e) => e.value)).toEqual([...values].reverse());
    expect(history.filter((e) => e.fired).length).toBe(3);
  });

  it('a check that cannot tell keeps the state: no second firing after it', async () => {
    const q = await createQuestion(engine, { name: 'n2', query: { measures: ['orders.count'] } }, 'ana', NOW);
    const alert = await createAlert(
      engine,
      { name: 'over 5', question: q.id, condition: 'above', threshold: 5, destinations: [] },
      'ana',
      NOW,
    );
    const sent: AlertMessage[] = [];
    const d = deps([10], sent);
    await checkAlert(d, alert);
    // The question breaks (no value), then answers a crossed value again.
    const broken: AlertDeps = { ...d, run: async () => ({ data: [] }) as unknown as LoadResult };
    const failed = await checkAlert(broken, alert);
    expect(failed).toMatchObject({ crossed: true, fired: false, value: null });
    expect(failed.error).toContain('no value');
    const again = await checkAlert(deps([12], sent, 10), alert);
    expect(again).toMatchObject({ crossed: true, fired: false });
    expect(sent.length).toBe(1);
  });

  it('on the scheduler: one check per due time, none repeated on a second tick or after a restart', async () => {
    const q = await createQuestion(engine, { name: 'n3', query: { measures: ['orders.count'] } }, 'ana', NOW);
    const alert = await createAlert(
      engine,
      {
        name: 'every 5',
        question: q.id,
        condition: 'above',
        threshold: 100,
        destinations: [],
        schedule: '*/5 * * * *',
        timezone: 'UTC',
      },
      'ana',
      NOW,
    );
    let t = new Date('2026-07-01T08:00:30Z');
    const values = [200, 200, 50];
    let i = 0;
    const sent: AlertMessage[] = [];
    const d: AlertDeps = {
      engine,
      now: () => t,
      run: async () => ({ data: [{ 'orders.count': values[i++] }] }) as unknown as LoadResult,
      send: async (_a, m) => {
        sent.push(m);
        return 'sent';
      },
    };
    const first = new DeliveryScheduler({ engine, now: () => t });
    scheduleAlert(first, d, alert);
    t = new Date('2026-07-01T08:05:10Z');
    await first.tick();
    await first.tick(); // the same due time: claimed already
    t = new Date('2026-07-01T08:10:10Z');
    await first.tick();
    // A restart: a new scheduler over the same warehouse, down over 08:15; one catch-up check.
    const second = new DeliveryScheduler({ engine, now: () => t });
    scheduleAlert(second, d, alert);
    t = new Date('2026-07-01T08:20:10Z');
    await second.tick();
    await second.tick();
    const history = (await alertHistory(engine, alert.id)).reverse();
    expect(history.map((e) => [e.value, e.crossed, e.fired])).toEqual([
      [200, true, true],
      [200, true, false],
      [50, false, false],
    ]);
    expect(sent.length).toBe(1);
  });

  it('outside_forecast reads the last complete month and its forecast band', async () => {
    // Months 2024-01 … 2026-06 on a line (100 + 10 a month) with a small saw (−5, 0, +5), then a
    // running July, which must be left out. The line's June value is 100 + 10·29 + saw = 395.
    const month = (i: number) =>
      `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01T00:00:00.000`;
    const line = (i: number) => 100 + 10 * i + ((i % 3) - 1) * 5;
    const rows = (june: number) => [
      ...Array.from({ length: 29 }, (_, i) => ({
        'orders.ordered_at.month': month(i),
        'orders.count': line(i),
      })),
      { 'orders.ordered_at.month': month(29), 'orders.count': june },
      { 'orders.ordered_at.month': month(30), 'orders.count': 1 },
    ];
    const q = await createQuestion(
      engine,
      {
        name: 'monthly',
        query: {
          measures: ['orders.count'],
          timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month' }],
        },
      },
      'ana',
      NOW,
    );
    const alert = await createAlert(
      engine,
      { name: 'band', question: q.id, condition: 'outside_forecast', destinations: [] },
      'ana',
      NOW,
    );
    const check = async (june: number, minute: number) => {
      const d: AlertDeps = {
        engine,
        now: () => new Date(NOW.getTime() + minute * 60_000),
        run: async () => ({ data: rows(june) }) as unknown as LoadResult,
        send: async () => 'sent',
      };
      return checkAlert(d, alert);
    };
    const onLine = await check(line(29), 0);
    expect(onLine).toMatchObject({ period: '2026-06-01', value: line(29), crossed: false, fired: false });
    expect(onLine.lower!).toBeLessThan(line(29));
    expect(onLine.upper!).toBeGreaterThan(line(29));
    // Twice the line's value is far outside any band a straight series gives.
    expect(await check(2 * line(29), 1)).toMatchObject({ value: 790, crossed: true, fired: true });
  });

  it('change_pct and below, worked by hand', () => {
    // 100 → 125 is +25%: past 20, not past 30; 100 → 80 is −20%: not past 20 (strictly more).
    expect(isCrossed('change_pct', 20, { value: 125, previous: 100 })).toBe(true);
    expect(isCrossed('change_pct', 30, { value: 125, previous: 100 })).toBe(false);
    expect(isCrossed('change_pct', 20, { value: 80, previous: 100 })).toBe(false);
    expect(isCrossed('change_pct', 20, { value: 79, previous: 100 })).toBe(true);
    expect(isCrossed('change_pct', 20, { value: 5, previous: null })).toBeUndefined();
    expect(isCrossed('below', 10, { value: 9.99 })).toBe(true);
    expect(isCrossed('below', 10, { value: 10 })).toBe(false);
    expect(isCrossed('outside_forecast', null, { value: 12, band: { lower: 5, upper: 11 } })).toBe(true);
    expect(isCrossed('outside_forecast', null, { value: 11, band: { lower: 5, upper: 11 } })).toBe(false);
    expect([fires(false, true), fires(true, true), fires(true, false), fires(false, undefined)]).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });
});
