import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import { parseJobText, runJob } from '../../../src/etl';
import { prepareSource } from '../../../src/etl/sources';
import { memoryWarehouse, rows, scratchDir, tableChecksums } from '../../helpers/warehouse';
import { myConnection, sourcesYaml, suffix } from './services';

const database = `rapport_my_${suffix()}`;
const scratch = scratchDir();
let my: mysql.Connection;
let engine: Engine;

const job = (yaml: string) => parseJobText(yaml, join(scratch.dir, 'etl', 'jobs-sources', 'job.yml'));

beforeAll(async () => {
  mkdirSync(join(scratch.dir, 'etl', 'jobs-sources'), { recursive: true });
  writeFileSync(
    join(scratch.dir, 'etl', 'sources.yml'),
    sourcesYaml(
      'unused',
      database,
      `  shop-slow:\n    type: mysql\n    user: root\n    database: ${database}\n    statement_timeout_ms: 500\n`,
    ),
  );
  my = await myConnection();
  await my.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  await my.query(`USE \`${database}\``);
  engine = await memoryWarehouse();
});

afterAll(async () => {
  await my.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await my.end();
  await engine.close();
  scratch.remove();
});

const EVENTS_JOB = `
name: mysql-events-test
source: { type: mysql, connection: shop, table: events, batch_size: 3 }
target: web_events
mapping:
  event_id: id
  occurred_at: occurred_at
  event: kind
  anonymous_id: visitor
  duration_s: seconds
  properties: attrs
incremental: { key: occurred_at, overlap: "1 minute" }
soft_delete: { expr: "deleted <> 0" }
`;

describe('a MySQL/MariaDB table', () => {
  it('streams in batches, maps its types, and loads incrementally by event time with soft deletes', async () => {
    await my.query(`CREATE TABLE events (
      id BIGINT PRIMARY KEY, occurred_at DATETIME(6), kind VARCHAR(20), visitor VARCHAR(50),
      seconds INT UNSIGNED, price DECIMAL(10, 3), attrs JSON, deleted TINYINT(1) NOT NULL DEFAULT 0)`);
    await my.query(`INSERT INTO events (id, occurred_at, kind, visitor, seconds, price, attrs) VALUES
      (1, '2025-02-01 10:00:00.250000', 'visit', 'Zoë 🚀', 30, 19.995, '{"a": [1, "é"]}'),
      (2, '2025-02-01 10:01:00', 'PAGE_VIEW ', 'v2', NULL, NULL, NULL),
      (3, '2025-02-01 10:02:00', 'scroll', 'v3', 5, 1.000, '[1, 2]'),
      (4, '2025-02-01 10:03:00', 'search', 'v4', 7, 2.5, NULL)`);

    const staged = await engine.withSession(async (s) => {
      const src = await prepareSource(s, job(EVENTS_JOB), scratch.dir);
      const r = await s.query(
        `SELECT __line, id, occurred_at::VARCHAR AS ts, visitor, seconds, price::VARCHAR AS price, attrs FROM __src ORDER BY __line`,
      );
      return { columns: src.columns, rows: r.rows };
    });
    expect(staged.columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id BIGINT',
      'occurred_at TIMESTAMP',
      'kind VARCHAR',
      'visitor VARCHAR',
      'seconds BIGINT',
      'price DECIMAL(10,3)',
      'attrs VARCHAR',
      'deleted INTEGER',
    ]);
    expect(staged.rows[0]).toEqual({
      __line: 1,
      id: 1,
      ts: '2025-02-01 10:00:00.25',
      visitor: 'Zoë 🚀',
      seconds: 30,
      price: '19.995',
      attrs: '{"a": [1, "é"]}',
    });
    expect(staged.rows[1]).toMatchObject({ seconds: null, price: null, attrs: null });
    expect(staged.rows[2]).toMatchObject({ attrs: '[1, 2]' });

    const first = await runJob(job(EVENTS_JOB), { engine, root: scratch.dir });
    // Row 3's attributes are a JSON array, not an object; 'PAGE_VIEW ' is a known event after
    // trimming and lower-casing; 'scroll' is an event of the site's own.
    expect(first).toMatchObject({
      rows_read: 4,
      inserted: 3,
      rejected: 1,
      watermark: '2025-02-01 10:03:00',
      source: 'mysql:shop/events',
    });
    expect(await rows(engine, 'SELECT line, reason FROM etl_rejects')).toEqual([
      { line: 3, reason: 'invalid_json' },
    ]);
    expect(
      await rows(engine, 'SELECT event_id, event, properties::VARCHAR AS p FROM fact_web_events ORDER BY 1'),
    ).toEqual([
      { event_id: '1', event: 'visit', p: '{"a": [1, "é"]}' },
      { event_id: '2', event: 'page_view', p: null },
      { event_id: '4', event: 'search', p: null },
    ]);

    await my.query(`UPDATE events SET deleted = 1 WHERE id = 4`);
    await my.query(`UPDATE events SET visitor = 'v2-renamed' WHERE id = 2`);
    await my.query(
      `INSERT INTO events (id, occurred_at, kind, visitor) VALUES (5, '2025-02-01 10:05:00', 'purchase', 'v5')`,
    );
    const second = await runJob(job(EVENTS_JOB), { engine, root: scratch.dir });
    // occurred_at >= 10:03 - 1 minute: id 3 (rejected again), id 4 (deleted), id 5 (new). Event
    // times are no change clock: id 2's edit lies before the window and is not seen.
    expect(second).toMatchObject({
      rows_read: 3,
      inserted: 1,
      updated: 1,
      rejected: 1,
      watermark: '2025-02-01 10:05:00',
    });
    expect(
      await rows(
        engine,
        'SELECT event_id, anonymous_id, occurred_at::VARCHAR AS ts FROM fact_web_events ORDER BY 1',
      ),
    ).toEqual([
      { event_id: '1', anonymous_id: 'Zoë 🚀', ts: '2025-02-01 10:00:00.25' },
      { event_id: '2', anonymous_id: 'v2', ts: '2025-02-01 10:01:00' },
      { event_id: '5', anonymous_id: 'v5', ts: '2025-02-01 10:05:00' },
    ]);
  });

  it('rejects a zero date with the raw row while the good rows load', async () => {
    await my.query(`SET SESSION sql_mode = ''`);
    await my.query(
      'CREATE TABLE zero_dates (id BIGINT PRIMARY KEY, occurred_at DATETIME, visitor VARCHAR(10))',
    );
    await my.query(`INSERT INTO zero_dates VALUES
      (101, '2025-02-01 10:00:00', 'v1'), (102, '0000-00-00 00:00:00', 'v2'), (103, '2025-02-01 10:02:00', 'v3')`);
    const r = await runJob(
      job(`
name: mysql-zero-dates
source: { type: mysql, connection: shop, query: "SELECT * FROM zero_dates ORDER BY id" }
target: web_events
mapping: { event_id: id, occurred_at: occurred_at, event: { value: visit }, anonymous_id: visitor }
`),
      { engine, root: scratch.dir },
    );
    expect(r).toMatchObject({ status: 'succeeded', rows_read: 3, inserted: 2, rejected: 1 });
    expect(
      await rows(engine, `SELECT line, reason, message, raw FROM etl_rejects WHERE job = 'mysql-zero-dates'`),
    ).toEqual([
      {
        line: 2,
        reason: 'malformed_record',
        message: 'column "occurred_at": "0000-00-00 00:00:00" is not a valid TIMESTAMP',
        raw: '{"id":"102","occurred_at":"0000-00-00 00:00:00","visitor":"v2"}',
      },
    ]);
    expect(
      await rows(engine, `SELECT event_id FROM fact_web_events WHERE event_id LIKE '10_' ORDER BY 1`),
    ).toEqual([{ event_id: '101' }, { event_id: '103' }]);
  });

  it("fails the run at the connection's statement timeout", async () => {
    const error = await runJob(
      job(`
name: mysql-stalled
source: { type: mysql, connection: shop-slow, query: "SELECT 'S1' AS id, SLEEP(30) AS s" }
target: web_events
mapping: { event_id: id, occurred_at: { value: "2025-01-01 00:00:00" }, event: { value: visit }, anonymous_id: s }
`),
      { engine, root: scratch.dir },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/cannot extract mysql:shop-slow\/query: .*max_statement_time/);
  });

  it('caps the watermark at the snapshot time, so a key from the future hides no later change', async () => {
    await my.query('CREATE TABLE future_keys (id VARCHAR(10) PRIMARY KEY, occurred_at DATETIME(6))');
    await my.query(
      `INSERT INTO future_keys VALUES ('F1', '2025-02-01 10:00:00'), ('F2', '2099-01-01 00:00:00')`,
    );
    const futureJob = `
name: mysql-future
source: { type: mysql, connection: shop, table: future_keys }
target: web_events
mapping: { event_id: id, occurred_at: occurred_at, event: { value: visit }, anonymous_id: id }
incremental: { key: occurred_at, overlap: "1 minute" }
`;
    const first = await runJob(job(futureJob), { engine, root: scratch.dir });
    const [clock] = await my.query(`SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f') AS now`);
    const now = (clock as { now: string }[])[0]!.now;
    expect(first).toMatchObject({ rows_read: 2, inserted: 2 });
    // At or before the server's clock now (not 2099), and past F1's key.
    expect(first.watermark! <= now).toBe(true);
    expect(first.watermark! > '2025-02-01 10:00:00').toBe(true);

    await my.query(`INSERT INTO future_keys VALUES ('F3', NOW(6))`);
    const second = await runJob(job(futureJob), { engine, root: scratch.dir });
    expect(second).toMatchObject({ inserted: 1 });
    expect(
      await rows(engine, `SELECT event_id FROM fact_web_events WHERE event_id LIKE 'F_' ORDER BY 1`),
    ).toEqual([{ event_id: 'F1' }, { event_id: 'F2' }, { event_id: 'F3' }]);
  });

  it('refuses a query of more than one statement, and nothing is written', async () => {
    const error = await runJob(
      job(`
name: mysql-escape
source: { type: mysql, connection: shop, query: "SELECT 'X1' AS id; CREATE TABLE pwned (x int)" }
target: web_events
mapping: { event_id: id, occurred_at: { value: "2025-01-01 00:00:00" }, event: { value: visit }, anonymous_id: id }
`),
      { engine, root: scratch.dir },
    ).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/You have an error in your SQL syntax/);
    const [tables] = await my.query(
      'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
      [database, 'pwned'],
    );
    expect(tables).toEqual([{ n: 0 }]);
  });

  it('a connection killed mid-extract fails the job with nothing landed; the rerun succeeds', async () => {
    await my.query('CREATE TABLE stall (id BIGINT PRIMARY KEY, pause INT)');
    const values = Array.from({ length: 500 }, (_, i) => `(${i + 1}, ${i + 1 === 250 ? 60 : 0})`).join(', ');
    await my.query(`INSERT INTO stall VALUES ${values}`);
    const yaml = `
name: mysql-stall
source: { type: mysql, connection: shop, batch_size: 50, query: "SELECT id, SLEEP(pause) AS slept FROM stall ORDER BY id" }
target: web_events
mapping: { event_id: { expr: "'S' || id" }, occurred_at: { value: "2025-01-01 00:00:00" }, event: { value: visit }, anonymous_id: { value: x } }
`;
    const before = await tableChecksums(engine, ['etl_runs']);
    const outcome = runJob(job(yaml), { engine, root: scratch.dir }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    let killed = false;
    for (let i = 0; i < 400 && !killed; i++) {
      const [list] = await my.query(
        `SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT id, SLEEP%'`,
      );
      const found = (list as { id: number }[])[0];
      if (found) {
        await my.query(`KILL ${Number(found.id)}`);
        killed = true;
      } else await new Promise((r) => setTimeout(r, 50));
    }
    expect(killed).toBe(true);
    const error = await outcome;
    expect(error?.code).toBe('SOURCE_NOT_FOUND');
    expect(error?.message).toMatch(/cannot extract mysql:shop\/query: Connection lost/);
    expect(await tableChecksums(engine, ['etl_runs'])).toEqual(before);

    await my.query('UPDATE stall SET pause = 0');
    const retry = await runJob(job(yaml), { engine, root: scratch.dir });
    expect(retry).toMatchObject({ status: 'succeeded', rows_read: 500, inserted: 500 });
  });
});
