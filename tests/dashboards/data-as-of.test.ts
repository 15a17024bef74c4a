import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardFactTables, dataAsOf } from '../../src/dashboards/data-as-of';
import { loadDashboardFile } from '../../src/dashboards/load';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { ROOT } from '../helpers/demo';
import { memoryWarehouse } from '../helpers/warehouse';

/** A run row of the ETL log, as a loader would write it (only what data-as-of reads varies). */
async function run(engine: Engine, id: number, target: string, finished: string, status = 'succeeded') {
  await engine.query({
    text: `INSERT INTO etl_runs (run_id, job, target, source, started_at, finished_at, status)
           VALUES ($1, $2, $3, 'x', $4::TIMESTAMP - INTERVAL 5 MINUTE, $4::TIMESTAMP, $5)`,
    params: [id, `job-${target}`, target, finished, status],
  });
}

describe('data as of: the last successful load of the facts a dashboard reads', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    // orders (fact_order_lines): loaded on the 13th, then again on the 14th at 06:00; a failed
    // run on the 15th rolled back and does not count.
    await run(engine, 1, 'orders', '2026-05-13 06:00:00');
    await run(engine, 2, 'orders', '2026-05-14 06:00:00');
    await run(engine, 3, 'orders', '2026-05-15 06:00:00', 'failed');
    // tickets (fact_tickets): last loaded on the 12th at 23:30.
    await run(engine, 4, 'tickets', '2026-05-12 23:30:00');
    // customers is a dimension, loaded later than any fact.
    await run(engine, 5, 'customers', '2026-05-16 00:00:00');
  });
  afterAll(async () => engine.close());

  it('one fact: the end of its last successful run, failed runs ignored', async () => {
    expect(await dataAsOf(engine, ['fact_order_lines'])).toBe('2026-05-14T06:00:00.000Z');
  });

  it('several facts: the oldest of their last loads', async () => {
    expect(await dataAsOf(engine, ['fact_order_lines', 'fact_tickets'])).toBe('2026-05-12T23:30:00.000Z');
  });

  it('tables never loaded, or that no ETL job fills, give null and do not drag the date', async () => {
    expect(await dataAsOf(engine, ['fact_web_events'])).toBeNull();
    expect(await dataAsOf(engine, ['dim_date'])).toBeNull();
    expect(await dataAsOf(engine, [])).toBeNull();
    expect(await dataAsOf(engine, ['fact_order_lines', 'fact_web_events'])).toBe('2026-05-14T06:00:00.000Z');
  });

  it('never later than the warehouse clock (the demo is read as of its export moment)', async () => {
    const clock = new Date('2026-05-14T00:00:00Z');
    expect(await dataAsOf(engine, ['fact_order_lines'], clock)).toBe('2026-05-14T00:00:00.000Z');
    expect(await dataAsOf(engine, ['fact_tickets'], clock)).toBe('2026-05-12T23:30:00.000Z');
  });

  it('the facts of a shipped dashboard come from its tiles’ cubes', () => {
    const model = loadModel(`${ROOT}/cubes`);
    const service = loadDashboardFile(`${ROOT}/dashboards/service.yml`);
    expect(dashboardFactTables(model, service)).toEqual(['fact_tickets']);
  });
});
