import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { loadModel } from '../../src/model/load';
import { type ClickHouseTarget, openTarget, type PublishResult, publish } from '../../src/publish';
import { raw } from '../../src/sql';
import { loadDemo, ROOT } from '../helpers/demo';
import { scratchDir } from '../helpers/warehouse';
import { clickhouseSide, DIMENSIONS, duckdbSide, FACTS } from './totals';

// The path an HTTP server takes (each CSV file's bytes streamed as `INSERT … FORMAT
// CSVWithNames`), run against a current ClickHouse: chdb 26.7, told to take the bytes rather than
// read the file. The only server here is 18.16, which parses Bool, DateTime64 and Date32 not at all.
describe('rapport publish streaming CSV into a current ClickHouse', () => {
  let engine: Engine;
  let target: ClickHouseTarget;
  let scratch: { dir: string; remove: () => void };
  let result: PublishResult;

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    scratch = scratchDir('rapport-publish-stream-');
    target = await openTarget(`chdb:${join(scratch.dir, 'chdb')}`, { streamInserts: true });
    result = await publish({ from: engine, to: target, model: loadModel(join(ROOT, 'cubes')) });
  });

  afterAll(async () => {
    await target?.close();
    await engine?.close();
    scratch?.remove();
  });

  it('holds every row and the same sums as DuckDB', async () => {
    expect(target.local).toBe(false);
    expect(result.ok).toBe(true);
    for (const table of [...DIMENSIONS, ...FACTS]) {
      expect(await clickhouseSide(engine, target, table), table).toEqual(await duckdbSide(engine, table));
    }
  });

  it('parses booleans, microseconds, dates before 1970 and NULLs as DuckDB wrote them', async () => {
    const duck = await engine.query(`
      SELECT CAST(count(*) FILTER (WHERE is_current) AS VARCHAR) AS current,
             CAST(count(*) FILTER (WHERE birth_date < DATE '1970-01-01') AS VARCHAR) AS old,
             CAST(count(*) FILTER (WHERE birth_date IS NULL) AS VARCHAR) AS unknown,
             strftime(min(birth_date), '%Y-%m-%d') AS earliest,
             strftime(max(signup_at), '%Y-%m-%d %H:%M:%S.%f') AS signup
      FROM dim_customer`);
    const [ch = {}] = await target.rows(
      raw(`SELECT toString(countIf(is_current)) AS current, toString(countIf(birth_date < toDate32('1970-01-01'))) AS old,
                  toString(countIf(birth_date IS NULL)) AS unknown, toString(min(birth_date)) AS earliest,
                  toString(max(signup_at)) AS signup
           FROM dim_customer`),
    );
    expect(ch).toEqual(duck.rows[0]);
  });
});
