import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import { EtlScheduler, parseJobText, runJob } from '../../../src/etl';
import { prepareSource } from '../../../src/etl/sources';
import { memoryWarehouse, rows, scratchDir, tableChecksums } from '../../helpers/warehouse';
import { pgClient, sourcesYaml, suffix } from './services';

const schema = `rapport_pg_${suffix()}`;
/** A schema name a search_path option would split: a space, a comma, a quote. */
const oddSchema = `rapport pg, "odd" ${suffix()}`;
const scratch = scratchDir();
let pg: PgClient;

function job(yaml: string) {
  return parseJobText(yaml, join(scratch.dir, 'etl', 'jobs-sources', 'job.yml'));
}

beforeAll(async () => {
  mkdirSync(join(scratch.dir, 'etl', 'jobs-sources'), { recursive: true });
  writeFileSync(
    join(scratch.dir, 'etl', 'sources.yml'),
    sourcesYaml(
      schema,
      'unused',
      `  crm-slow:\n    type: postgres\n    user: postgres\n    database: test\n    statement_timeout_ms: 1000\n` +
        `  crm-odd:\n    type: postgres\n    user: postgres\n    database: test\n    schema: '${oddSchema}'\n`,
    ),
  );
  pg = await pgClient();
  await pg.query(`CREATE SCHEMA "${schema}"`);
  await pg.query(`SET search_path = "${schema}"`);
});

afterAll(async () => {
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.end();
  scratch.remove();
});

const ORDERS_JOB = `
name: pg-orders-test
source:
  type: postgres
  connection: crm
  query: SELECT * FROM order_lines ORDER BY order_id, line_no
  batch_size: 2
target: orders
mapping:
  order_id: order_id
  line_no: line_no
  quantity: quantity
  unit_price: unit_price
  status: status
  ordered_at: ordered_at
  updated_at: updated_at
incremental: { key: updated_at, overlap: 60 }
soft_delete: { column: is_deleted }
`;

describe('a PostgreSQL table, loaded in full and then incrementally', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await pg.query(`CREATE TABLE order_lines (
      order_id text, line_no int, quantity numeric(12, 3), unit_price numeric(12, 2), status text,
      ordered_at timestamptz, updated_at timestamptz, is_deleted boolean NOT NULL DEFAULT false)`);
    await pg.query(`INSERT INTO order_lines (order_id, line_no, quantity, unit_price, status, ordered_at, updated_at) VALUES
      ('SO1', 1, 2, 10.50, 'completed', '2025-01-01 09:00Z', '2025-01-01 10:00Z'),
      ('SO1', 2, 1, 3.25, 'completed', '2025-01-01 09:00Z', '2025-01-01 10:01Z'),
      ('SO2', 1, -1, 7.00, 'completed', '2025-01-01 09:10Z', '2025-01-01 10:02Z'),
      ('SO3', 1, 4, 2.00, 'completed', '2025-01-01 09:20Z', '2025-01-01 10:03Z'),
      ('SO4', 1, 1, 99.99, 'cancelled', '2025-01-01 09:30Z', '2025-01-01 10:04Z')`);
  });
  afterAll(() => engine.close());

  it('loads every row in batches, rejects a bad one at its ordinal in the extract, and stores the watermark', async () => {
    const r = await runJob(job(ORDERS_JOB), { engine, root: scratch.dir });
    expect(r).toMatchObject({
      status: 'succeeded',
      rows_read: 5,
      inserted: 4,
      rejected: 1,
      source: 'postgres:crm/query',
    });
    expect(r.watermark).toBe('2025-01-01 10:04:00');
    // SO2/1 is the third row of the ordered extract.
    expect(await rows(engine, 'SELECT line, reason, source FROM etl_rejects')).toEqual([
      { line: 3, reason: 'negative_quantity', source: 'postgres:crm/query' },
    ]);
    expect(
      await rows(
        engine,
        'SELECT order_id, line_no, quantity::VARCHAR AS q, revenue::VARCHAR AS rev FROM fact_order_lines ORDER BY 1, 2',
      ),
    ).toEqual([
      { order_id: 'SO1', line_no: 1, q: '2.0000', rev: '21.0000' },
      { order_id: 'SO1', line_no: 2, q: '1.0000', rev: '3.2500' },
      { order_id: 'SO3', line_no: 1, q: '4.0000', rev: '8.0000' },
      { order_id: 'SO4', line_no: 1, q: '1.0000', rev: '99.9900' },
    ]);
  });

  it('then reads only rows past the watermark minus the overlap: updates, a soft delete, new and late-committed rows', async () => {
    await pg.query(
      `UPDATE order_lines SET quantity = 5, updated_at = '2025-01-01 11:00Z' WHERE order_id = 'SO1' AND line_no = 1`,
    );
    await pg.query(
      `UPDATE order_lines SET is_deleted = true, updated_at = '2025-01-01 11:00Z' WHERE order_id = 'SO3'`,
    );
    await pg.query(`INSERT INTO order_lines (order_id, line_no, quantity, unit_price, status, ordered_at, updated_at) VALUES
      ('SO5', 1, 1, 1.00, 'completed', '2025-01-01 10:50Z', '2025-01-01 11:00Z'),
      ('SO6', 1, 3, 2.00, 'completed', '2025-01-01 10:03Z', '2025-01-01 10:03:30Z'),
      ('SO7', 1, 1, 5.00, 'completed', '2025-01-01 08:00Z', '2025-01-01 09:00Z')`);
    const r = await runJob(job(ORDERS_JOB), { engine, root: scratch.dir });
    // Window: updated_at >= 10:04 - 60 s = 10:03. In it: SO1/1 (changed), SO3/1 (deleted), SO4/1
    // (as before), SO5/1 (new) and SO6/1 (committed late, 30 s before the watermark).
    // SO7/1 lies before the overlap and stays unseen; SO1/2 and SO2/1 were not touched.
    expect(r).toMatchObject({
      rows_read: 5,
      inserted: 2,
      updated: 2,
      unchanged: 1,
      rejected: 0,
      watermark: '2025-01-01 11:00:00',
    });
    expect(
      await rows(engine, `SELECT order_id, quantity::VARCHAR AS q FROM fact_order_lines ORDER BY 1, line_no`),
    ).toEqual([
      { order_id: 'SO1', q: '5.0000' },
      { order_id: 'SO1', q: '1.0000' },
      { order_id: 'SO4', q: '1.0000' },
      { order_id: 'SO5', q: '1.0000' },
      { order_id: 'SO6', q: '3.0000' },
    ]);
  });

  it('a rerun without source changes reads the overlap again and changes nothing', async () => {
    const before = await tableChecksums(engine, ['etl_runs']);
    const r = await runJob(job(ORDERS_JOB), { engine, root: scratch.dir });
    // updated_at >= 10:59: SO1/1, SO3/1 (deleted, nothing left to remove) and SO5/1.
    expect(r).toMatchObject({ rows_read: 3, inserted: 0, updated: 0, unchanged: 3, changed: false });
    expect(await tableChecksums(engine, ['etl_runs'])).toEqual(before);
  });
});

describe('PostgreSQL types arrive exactly', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await pg.query(`CREATE TABLE typed (
      id bigint, amount numeric(20, 6), ratio double precision, at timestamptz, day date, attrs jsonb,
      label text, flag boolean, free numeric)`);
    await pg.query(`INSERT INTO typed VALUES
      (9007199254740993, 12345678901234.123456, 0.1, '2025-03-01 12:34:56.789012+02', '2024-02-29',
       '{"page": "/café", "n": [1, 2]}', 'Zoë — 東京 🚀 "quoted", comma', true, 1.5),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
  });
  afterAll(() => engine.close());

  it('stages each column with the matching DuckDB type and the exact value', async () => {
    const j = job(`
name: pg-typed
source: { type: postgres, connection: crm, query: SELECT * FROM typed ORDER BY id DESC }
target: web_events
mapping: { event_id: id, occurred_at: at, event: { value: visit }, anonymous_id: label }
`);
    const staged = await engine.withSession(async (s) => {
      const src = await prepareSource(s, j, scratch.dir);
      const values =
        await s.query(`SELECT __line, id::VARCHAR AS id, amount::VARCHAR AS amount, ratio, "at"::VARCHAR AS "at",
        day::VARCHAR AS day, attrs->>'$.page' AS page, label, flag, free FROM __src ORDER BY __line`);
      return { columns: src.columns, values: values.rows };
    });
    expect(staged.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'amount', type: 'DECIMAL(20,6)' },
      { name: 'ratio', type: 'DOUBLE' },
      { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'day', type: 'DATE' },
      { name: 'attrs', type: 'JSON' },
      { name: 'label', type: 'VARCHAR' },
      { name: 'flag', type: 'BOOLEAN' },
      { name: 'free', type: 'VARCHAR' },
    ]);
    expect(staged.values).toEqual([
      {
        __line: 1,
        id: '9007199254740993',
        amount: '12345678901234.123456',
        ratio: 0.1,
        at: '2025-03-01 10:34:56.789012+00',
        day: '2024-02-29',
        page: '/café',
        label: 'Zoë — 東京 🚀 "quoted", comma',
        flag: true,
        free: '1.5',
      },
      {
        __line: 2,
        id: '2',
        amount: null,
        ratio: null,
        at: null,
        day: null,
        page: null,
        label: null,
        flag: null,
        free: null,
      },
    ]);
  });

  it('loads them through the contract: timestamptz in UTC, unicode intact, a NULL required field rejected', async () => {
    const r = await runJob(
      job(`
name: pg-typed-load
source: { type: postgres, connection: crm, table: typed }
target: web_events
mapping:
  event_id: id
  occurred_at: at
  event: { value: visit }
  anonymous_id: label
  page: { expr: "attrs->>'$.page'" }
`),
      { engine, root: scratch.dir },
    );
    expect(r).toMatchObject({ rows_read: 2, inserted: 1, rejected: 1, source: 'postgres:crm/typed' });
    expect(
      await rows(
        engine,
        `SELECT event_id, occurred_at::VARCHAR AS at, anonymous_id, page FROM fact_web_events`,
      ),
    ).toEqual([
      {
        event_id: '9007199254740993',
        at: '2025-03-01 10:34:56.789012',
        anonymous_id: 'Zoë — 東京 🚀 "quoted", comma',
        page: '/café',
      },
    ]);
  });
});

describe('a connection killed mid-extract', () => {
  let engine: Engine;
  const JOB = `
name: pg-stall
source:
  type: postgres
  connection: crm
  batch_size: 100
  query: >-
    SELECT 'E' || g AS event_id, TIMESTAMPTZ '2025-05-01 00:00Z' + g * INTERVAL '1 minute' AS at,
           (SELECT version FROM ctl) AS version,
           CASE WHEN g = 350 AND (SELECT stall FROM ctl) THEN pg_sleep(60)::text END AS stalled
    FROM generate_series(1, 1000) AS g
target: web_events
mapping: { event_id: event_id, occurred_at: at, event: { value: visit }, anonymous_id: version }
`;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await pg.query('CREATE TABLE ctl (stall boolean, version text)');
    await pg.query(`INSERT INTO ctl VALUES (false, 'v1')`);
  });
  afterAll(() => engine.close());

  async function killWhenStalled(): Promise<number> {
    for (let i = 0; i < 400; i++) {
      const r = await pg.query(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'rapport etl pg-stall' AND wait_event = 'PgSleep'`,
      );
      if (r.rows.length > 0) {
        await pg.query('SELECT pg_terminate_backend($1)', [r.rows[0].pid]);
        return r.rows[0].pid as number;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the extract never stalled');
  }

  it('fails the job cleanly, lands nothing of it, and the rerun succeeds', async () => {
    const first = await runJob(job(JOB), { engine, root: scratch.dir });
    expect(first).toMatchObject({ status: 'succeeded', inserted: 1000 });
    const before = await tableChecksums(engine, ['etl_runs']);

    await pg.query(`UPDATE ctl SET stall = true, version = 'v2'`);
    const running = runJob(job(JOB), { engine, root: scratch.dir });
    const outcome = running.then(
      () => undefined,
      (e: unknown) => e,
    );
    await killWhenStalled();
    const error = (await outcome) as { code?: string; message?: string } | undefined;
    expect(error?.code).toBe('SOURCE_NOT_FOUND');
    expect(error?.message).toMatch(/cannot extract postgres:crm\/query: .*terminat/i);
    expect(await tableChecksums(engine, ['etl_runs'])).toEqual(before);
    expect(await rows(engine, `SELECT status, inserted, updated FROM etl_runs ORDER BY run_id`)).toEqual([
      { status: 'succeeded', inserted: 1000, updated: 0 },
      { status: 'failed', inserted: 0, updated: 0 },
    ]);

    await pg.query('UPDATE ctl SET stall = false');
    const retry = await runJob(job(JOB), { engine, root: scratch.dir });
    expect(retry).toMatchObject({ status: 'succeeded', rows_read: 1000, updated: 1000 });
    expect(await rows(engine, `SELECT DISTINCT anonymous_id FROM fact_web_events`)).toEqual([
      { anonymous_id: 'v2' },
    ]);
  });
});

describe('rows changed while an extract runs', () => {
  let engine: Engine;
  const JOB = `
name: pg-snapshot
source:
  type: postgres
  connection: crm
  batch_size: 50
  query: >-
    SELECT id, v, updated_at, CASE WHEN id = 'E0150' THEN pg_sleep(2)::text END AS pause
    FROM snap ORDER BY id
target: web_events
mapping: { event_id: id, occurred_at: updated_at, event: { value: visit }, anonymous_id: v }
incremental: { key: occurred_at }
`;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    await pg.query('CREATE TABLE snap (id text, v text, updated_at timestamptz)');
    await pg.query(`INSERT INTO snap SELECT 'E' || lpad(g::text, 4, '0'), 'old', TIMESTAMPTZ '2025-01-01 10:00Z' + g * INTERVAL '1 second'
                    FROM generate_series(1, 300) AS g`);
  });
  afterAll(() => engine.close());

  it('are read as of the snapshot, and the next run picks them up once, neither lost nor doubled', async () => {
    const running = runJob(job(JOB), { engine, root: scratch.dir });
    for (let i = 0; ; i++) {
      const r = await pg.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = 'rapport etl pg-snapshot' AND wait_event = 'PgSleep'`,
      );
      if (r.rows.length > 0) break;
      if (i > 400) throw new Error('the extract never paused');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Mid-extract: one row already read, one not yet read, and a new one.
    await pg.query(
      `UPDATE snap SET v = 'new', updated_at = '2025-01-01 12:00Z' WHERE id IN ('E0010', 'E0290')`,
    );
    await pg.query(`INSERT INTO snap VALUES ('E0301', 'new', '2025-01-01 12:00Z')`);
    const first = await running;
    expect(first).toMatchObject({ rows_read: 300, inserted: 300, watermark: '2025-01-01 10:05:00' });
    expect(
      await rows(engine, `SELECT count(*) FILTER (WHERE anonymous_id = 'new') AS n FROM fact_web_events`),
    ).toEqual([{ n: 0 }]);

    const second = await runJob(job(JOB), { engine, root: scratch.dir });
    // From the watermark minus the default 10-minute overlap (09:55) on: all 301 rows, of which
    // E0010 and E0290 changed and E0301 is new.
    expect(second).toMatchObject({
      rows_read: 301,
      inserted: 1,
      updated: 2,
      unchanged: 298,
      watermark: '2025-01-01 12:00:00',
    });
    expect(
      await rows(
        engine,
        `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, string_agg(event_id, ',' ORDER BY event_id) FILTER (WHERE anonymous_id = 'new') AS new FROM fact_web_events`,
      ),
    ).toEqual([{ n: 301, ids: 301, new: 'E0010,E0290,E0301' }]);
  });
});

describe('a writer transaction open during an extract, and a key from the future', () => {
  let engine: Engine;
  let writer: PgClient;
  const JOB = `
name: pg-late
source: { type: postgres, connection: crm, table: late }
target: web_events
mapping: { event_id: id, occurred_at: updated_at, event: { value: visit }, anonymous_id: v }
incremental: { key: occurred_at, overlap: 0 }
`;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    writer = await pgClient();
    await writer.query(`SET search_path = "${schema}"`);
    await pg.query('CREATE TABLE late (id text, v text, updated_at timestamptz)');
  });
  afterAll(async () => {
    await writer.query('ROLLBACK').catch(() => undefined);
    await writer.end();
    await engine.close();
  });
  const ids = async () =>
    (await rows(engine, 'SELECT event_id FROM fact_web_events ORDER BY 1')).map((r) => r['event_id']);
  const fmt = "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";

  it('caps the watermark at the open transaction and the snapshot, so late rows and later changes load', async () => {
    await pg.query(`INSERT INTO late VALUES ('A', 'x', now() - INTERVAL '1 hour')`);
    // The writer stamps its row with its own start time and commits only after the first run.
    await writer.query(`BEGIN; INSERT INTO late VALUES ('LATE', 'x', now())`);
    const t2start = (await writer.query<{ t: string }>(`SELECT ${fmt.replace('%s', 'now()')} AS t`)).rows[0]!
      .t;
    await pg.query(`INSERT INTO late VALUES ('B', 'x', clock_timestamp()), ('FUTURE', 'x', '2099-01-01Z')`);

    const first = await runJob(job(JOB), { engine, root: scratch.dir });
    expect(first).toMatchObject({ status: 'succeeded', rows_read: 3, inserted: 3 });
    // Not B's key (past the writer's start), not 2099: at most the open writer's start.
    expect(first.watermark! <= t2start).toBe(true);
    expect(first.watermark! > '2000').toBe(true);
    expect(await ids()).toEqual(['A', 'B', 'FUTURE']);

    await writer.query('COMMIT');
    const second = await runJob(job(JOB), { engine, root: scratch.dir });
    // From the writer's start on: LATE (new), B and FUTURE (as before).
    expect(second).toMatchObject({ rows_read: 3, inserted: 1, unchanged: 2 });
    expect(await ids()).toEqual(['A', 'B', 'FUTURE', 'LATE']);
    // No writer open now: capped at the snapshot's start, still short of 2099.
    const now = (await pg.query<{ t: string }>(`SELECT ${fmt.replace('%s', 'now()')} AS t`)).rows[0]!.t;
    // (A writer another test file holds open in this database may cap it lower still.)
    expect(second.watermark! <= now).toBe(true);
    expect(second.watermark! >= first.watermark!).toBe(true);

    await pg.query(`INSERT INTO late VALUES ('C', 'x', clock_timestamp())`);
    const third = await runJob(job(JOB), { engine, root: scratch.dir });
    expect(third).toMatchObject({ inserted: 1 });
    expect(await ids()).toEqual(['A', 'B', 'C', 'FUTURE', 'LATE']);
  });
});

describe('a value DuckDB cannot hold', () => {
  it('rejects a BC timestamp with the raw row while the good rows load', async () => {
    const engine = await memoryWarehouse();
    try {
      await pg.query('CREATE TABLE bc (id text, at timestamptz, v text)');
      await pg.query(`INSERT INTO bc VALUES
        ('P1', '2025-01-01 10:00Z', 'a'), ('P2', '0044-03-15 00:00Z BC', 'b'), ('P3', '2025-01-01 11:00Z', 'c')`);
      const r = await runJob(
        job(`
name: pg-bc
source: { type: postgres, connection: crm, query: SELECT * FROM bc ORDER BY id }
target: web_events
mapping: { event_id: id, occurred_at: at, event: { value: visit }, anonymous_id: v }
`),
        { engine, root: scratch.dir },
      );
      expect(r).toMatchObject({ status: 'succeeded', rows_read: 3, inserted: 2, rejected: 1 });
      expect(await rows(engine, 'SELECT line, reason, message, raw FROM etl_rejects')).toEqual([
        {
          line: 2,
          reason: 'malformed_record',
          message: 'column "at": "0044-03-15 00:00:00+00 BC" is not a valid TIMESTAMPTZ',
          raw: '{"id":"P2","at":"0044-03-15 00:00:00+00 BC","v":"b"}',
        },
      ]);
      expect(await rows(engine, 'SELECT event_id FROM fact_web_events ORDER BY 1')).toEqual([
        { event_id: 'P1' },
        { event_id: 'P3' },
      ]);
    } finally {
      await engine.close();
    }
  });
});

describe('a stalled source', () => {
  it("fails the run at the connection's statement timeout, and the scheduler's stop does not wait for it", async () => {
    const engine = await memoryWarehouse();
    try {
      const stalled = job(`
name: pg-stalled
source: { type: postgres, connection: crm-slow, query: "SELECT 'S1' AS id, pg_sleep(30)::text AS s" }
target: web_events
mapping: { event_id: id, occurred_at: { value: "2025-01-01 00:00:00" }, event: { value: visit }, anonymous_id: s }
`);
      const scheduler = new EtlScheduler({ engine, root: scratch.dir, jobs: [stalled], stopGraceMs: 50 });
      const run = scheduler.runNow(stalled).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      // Stop returns while the run still waits on the server, naming it.
      expect(await scheduler.stop()).toEqual(['pg-stalled']);
      const error = await run;
      expect(error?.message).toMatch(
        /cannot extract postgres:crm-slow\/query: canceling statement due to statement timeout/,
      );
      expect(await rows(engine, 'SELECT status FROM etl_runs')).toEqual([{ status: 'failed' }]);
    } finally {
      await engine.close();
    }
  });
});

describe('a query that tries to write', () => {
  it('is refused as more than one statement, and nothing is written', async () => {
    const engine = await memoryWarehouse();
    try {
      const error = await runJob(
        job(`
name: pg-escape
source: { type: postgres, connection: crm, query: "SELECT 'X1' AS id; COMMIT; CREATE TABLE pwned (x int)" }
target: web_events
mapping: { event_id: id, occurred_at: { value: "2025-01-01 00:00:00" }, event: { value: visit }, anonymous_id: id }
`),
        { engine, root: scratch.dir },
      ).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/cannot insert multiple commands into a prepared statement/);
      const r = await pg.query('SELECT count(*)::int AS n FROM pg_tables WHERE tablename = $1', ['pwned']);
      expect(r.rows).toEqual([{ n: 0 }]);
    } finally {
      await engine.close();
    }
  });
});

describe('a connection schema that is no plain identifier', () => {
  it('is set as one quoted name', async () => {
    const quoted = `"${oddSchema.replaceAll('"', '""')}"`;
    const engine = await memoryWarehouse();
    try {
      await pg.query(`CREATE SCHEMA ${quoted}`);
      await pg.query(`CREATE TABLE ${quoted}.odd_events (id text)`);
      await pg.query(`INSERT INTO ${quoted}.odd_events VALUES ('O1'), ('O2')`);
      const r = await runJob(
        job(`
name: pg-odd-schema
source: { type: postgres, connection: crm-odd, table: odd_events }
target: web_events
mapping: { event_id: id, occurred_at: { value: "2025-01-01 00:00:00" }, event: { value: visit }, anonymous_id: id }
`),
        { engine, root: scratch.dir },
      );
      expect(r).toMatchObject({ status: 'succeeded', inserted: 2 });
    } finally {
      await pg.query(`DROP SCHEMA IF EXISTS ${quoted} CASCADE`);
      await engine.close();
    }
  });
});

describe('a deleted row and a live row of one key in one extract', () => {
  it('follow the later of the two: a re-created line stays, a deleted one goes', async () => {
    const engine = await memoryWarehouse();
    try {
      await pg.query(`CREATE TABLE line_changes (
        order_id text, line_no int, quantity numeric, unit_price numeric, status text,
        ordered_at timestamptz, updated_at timestamptz, is_deleted boolean)`);
      // SO9/1 deleted at 10:00 and re-created at 11:00; SO8/1 live at 10:00, deleted at 11:00.
      await pg.query(`INSERT INTO line_changes VALUES
        ('SO9', 1, 1, 1, 'completed', '2025-01-01 09:00Z', '2025-01-01 10:00Z', true),
        ('SO9', 1, 2, 1, 'completed', '2025-01-01 09:00Z', '2025-01-01 11:00Z', false),
        ('SO8', 1, 1, 1, 'completed', '2025-01-01 09:00Z', '2025-01-01 10:00Z', false),
        ('SO8', 1, 1, 1, 'completed', '2025-01-01 09:00Z', '2025-01-01 11:00Z', true)`);
      const r = await runJob(
        job(
          ORDERS_JOB.replace('name: pg-orders-test', 'name: pg-line-changes').replace(
            'SELECT * FROM order_lines ORDER BY order_id, line_no',
            'SELECT * FROM line_changes ORDER BY order_id DESC, updated_at',
          ),
        ),
        { engine, root: scratch.dir },
      );
      // Both live rows merge (2 inserted); SO8's later deletion removes its line (1 updated);
      // SO9's earlier one is superseded (1 unchanged).
      expect(r).toMatchObject({ rows_read: 4, inserted: 2, updated: 1, unchanged: 1, rejected: 0 });
      expect(
        await rows(engine, 'SELECT order_id, quantity::VARCHAR AS q FROM fact_order_lines ORDER BY 1'),
      ).toEqual([{ order_id: 'SO9', q: '2.0000' }]);
    } finally {
      await engine.close();
    }
  });
});
