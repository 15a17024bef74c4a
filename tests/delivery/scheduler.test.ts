import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryScheduler, validateSchedule } from '../../src/delivery/scheduler';
import type { Engine } from '../../src/engine';
import type { AppError } from '../../src/errors';
import { memoryWarehouse } from '../helpers/warehouse';

/** A clock the test moves by hand. */
function clock(start: string) {
  let t = new Date(start);
  return {
    now: () => t,
    set: (iso: string) => {
      t = new Date(iso);
    },
  };
}

describe('the delivery scheduler', () => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await memoryWarehouse();
  });
  afterEach(async () => {
    await engine.close();
  });

  /** A scheduler with one hourly job on the test's clock, recording the due times it ran for. */
  function hourly(c: ReturnType<typeof clock>, fired: string[], cron = '0 * * * *', timezone = 'UTC') {
    const s = new DeliveryScheduler({ engine, now: c.now });
    s.register({
      kind: 'test',
      id: 'job',
      cron,
      timezone,
      run: async (due) => void fired.push(due.toISOString()),
    });
    return s;
  }

  it('fires once per due time, however often it ticks', async () => {
    const c = clock('2026-03-02T09:59:00Z');
    const fired: string[] = [];
    const s = hourly(c, fired);
    await s.tick();
    expect(fired).toEqual([]);
    c.set('2026-03-02T10:00:00Z');
    await s.tick();
    c.set('2026-03-02T10:00:30Z');
    await s.tick();
    await s.tick();
    c.set('2026-03-02T11:00:05Z');
    await s.tick();
    expect(fired).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('survives a restart without sending a due time twice', async () => {
    const c = clock('2026-03-02T09:30:00Z');
    const fired: string[] = [];
    const first = hourly(c, fired);
    await first.tick();
    c.set('2026-03-02T10:00:10Z');
    await first.tick();
    // A new process on the same warehouse, within the same hour: the 10:00 due time was claimed.
    const second = hourly(c, fired);
    c.set('2026-03-02T10:20:00Z');
    await second.tick();
    expect(fired).toEqual(['2026-03-02T10:00:00.000Z']);
    c.set('2026-03-02T11:00:00Z');
    await second.tick();
    expect(fired).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
  });

  it('catches up after downtime once, for the latest missed due time', async () => {
    const c = clock('2026-03-02T09:30:00Z');
    const fired: string[] = [];
    await hourly(c, fired).tick();
    // Down from 09:30 to 14:20: 10, 11, 12, 13 and 14 o'clock were missed; one send, for 14:00.
    c.set('2026-03-02T14:20:00Z');
    const events: { missed: number }[] = [];
    const after = new DeliveryScheduler({
      engine,
      now: c.now,
      onEvent: (e) => e.kind === 'fired' && events.push(e),
    });
    after.register({
      kind: 'test',
      id: 'job',
      cron: '0 * * * *',
      timezone: 'UTC',
      run: async (d) => void fired.push(d.toISOString()),
    });
    await after.tick();
    expect(fired).toEqual(['2026-03-02T14:00:00.000Z']);
    expect(events).toEqual([expect.objectContaining({ missed: 4 })]);
  });

  it('reads the cron in the time zone given (08:00 in Berlin is 07:00 UTC in winter, 06:00 UTC in summer)', async () => {
    const c = clock('2026-03-27T12:00:00Z');
    const fired: string[] = [];
    const s = hourly(c, fired, '0 8 * * *', 'Europe/Berlin');
    await s.tick();
    c.set('2026-03-28T07:00:00Z'); // Saturday 08:00 CET
    await s.tick();
    c.set('2026-03-29T06:00:00Z'); // Sunday 08:00 CEST (clocks moved forward that night)
    await s.tick();
    expect(fired).toEqual(['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z']);
  });

  it('does not fire for due times before the work was registered', async () => {
    const c = clock('2026-03-02T10:30:00Z');
    const fired: string[] = [];
    await hourly(c, fired).tick();
    expect(fired).toEqual([]);
  });

  it('names what is wrong with a schedule', () => {
    const fail = (cron: string, tz: string) => {
      try {
        validateSchedule(cron, tz);
      } catch (e) {
        return e as AppError;
      }
      return undefined;
    };
    expect(fail('0 8 * * *', 'Mars/Olympus')?.message).toMatch(
      /^timezone: "Mars\/Olympus" is not an IANA time zone/,
    );
    expect(fail('0 25 * * *', 'UTC')?.message).toMatch(/^cron: "0 25 \* \* \*" is not a cron expression/);
    expect(fail('every day', 'UTC')?.code).toBe('VALIDATION_FAILED');
    expect(fail('0 8 * * 1-5', 'Europe/Berlin')).toBeUndefined();
  });
});
