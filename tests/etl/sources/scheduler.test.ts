import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import { EtlScheduler, parseJobText, type SchedulerEvent } from '../../../src/etl';
import { memoryWarehouse, rows, scratchDir } from '../../helpers/warehouse';

const scratch = scratchDir();
let engine: Engine;

beforeAll(async () => {
  mkdirSync(join(scratch.dir, 'data'));
  engine = await memoryWarehouse();
});
afterAll(async () => {
  await engine.close();
  scratch.remove();
});

function csvJob(name: string, file: string, schedule = '* * * * * *') {
  return parseJobText(
    `name: ${name}
schedule: "${schedule}"
source: { type: csv, path: data/${file} }
target: campaigns
mapping: { campaign_id: id, name: name }
`,
    join(scratch.dir, `${name}.yml`),
  );
}

/** Resolves once `predicate` holds for the events seen so far. */
function until(events: SchedulerEvent[], predicate: (e: SchedulerEvent[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (predicate(events)) {
        clearInterval(check);
        resolve();
      }
    }, 10);
  });
}

describe('the ETL scheduler', () => {
  it('retries a failing scheduled run with backoff until the source is back, recording every attempt', async () => {
    const events: SchedulerEvent[] = [];
    const job = csvJob('sched-retry', 'late.csv');
    const scheduler = new EtlScheduler({
      engine,
      root: scratch.dir,
      jobs: [job],
      retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 40 },
      onEvent: (e) => {
        events.push(e);
        // The file appears after the second failure: the third attempt must succeed.
        if (e.kind === 'failed' && e.attempt === 2)
          writeFileSync(join(scratch.dir, 'data', 'late.csv'), 'id,name\nC1,One\n');
      },
    });
    try {
      // Drive one tick by hand rather than waiting for the clock; the cron still runs.
      await scheduler.tick(job);
    } finally {
      await scheduler.stop();
    }
    const mine = events.filter((e) => e.job === 'sched-retry');
    expect(
      mine
        .slice(0, 3)
        .map((e) => `${e.kind}:${'attempt' in e ? e.attempt : ''}:${'retryInMs' in e ? e.retryInMs : ''}`),
    ).toEqual(['failed:1:20', 'failed:2:40', 'succeeded:3:']);
    expect(
      await rows(engine, `SELECT status FROM etl_runs WHERE job = 'sched-retry' ORDER BY run_id`),
    ).toEqual([{ status: 'failed' }, { status: 'failed' }, { status: 'succeeded' }]);
  });

  it('never overlaps runs of one job: a tick or a manual run while it runs is turned away', async () => {
    writeFileSync(join(scratch.dir, 'data', 'c.csv'), 'id,name\nC2,Two\n');
    const events: SchedulerEvent[] = [];
    const job = csvJob('sched-overlap', 'c.csv');
    const scheduler = new EtlScheduler({
      engine,
      root: scratch.dir,
      jobs: [job],
      onEvent: (e) => events.push(e),
    });
    try {
      const first = scheduler.runNow(job);
      expect(scheduler.isRunning('sched-overlap')).toBe(true);
      await scheduler.tick(job);
      await expect(scheduler.runNow(job)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await first).status).toBe('succeeded');
      expect(scheduler.isRunning('sched-overlap')).toBe(false);
      expect(events).toEqual([{ kind: 'skipped', job: 'sched-overlap', reason: 'running' }]);
    } finally {
      await scheduler.stop();
    }
  });

  it('fires on its cron expression and stops cleanly', async () => {
    writeFileSync(join(scratch.dir, 'data', 'd.csv'), 'id,name\nC3,Three\n');
    const events: SchedulerEvent[] = [];
    const scheduler = new EtlScheduler({
      engine,
      root: scratch.dir,
      jobs: [csvJob('sched-cron', 'd.csv', '* * * * * *')],
      onEvent: (e) => events.push(e),
    });
    scheduler.start();
    const [state] = scheduler.states();
    expect(state).toMatchObject({ name: 'sched-cron', schedule: '* * * * * *', running: false });
    expect(Date.parse(state!.next_run!)).toBeGreaterThan(Date.now() - 1000);
    await until(events, (e) => e.some((x) => x.kind === 'succeeded'));
    await scheduler.stop();
    expect(scheduler.states()[0]!.next_run).toBeNull();
    expect(
      await rows(
        engine,
        `SELECT count(*) > 0 AS ran FROM etl_runs WHERE job = 'sched-cron' AND status = 'succeeded'`,
      ),
    ).toEqual([{ ran: true }]);
  });

  it('rejects a job file whose schedule is not a cron expression, with its line', () => {
    expect(() => csvJob('sched-bad', 'd.csv', 'every tuesday')).toThrow(
      /sched-bad\.yml:2 \(schedule\): not a cron expression/,
    );
  });
});
