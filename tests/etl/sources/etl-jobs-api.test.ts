import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/engine';
import { loadModel } from '../../../src/model/load';
import { buildApp } from '../../../src/server/app';
import { ROOT } from '../../helpers/demo';
import { memoryWarehouse, scratchDir } from '../../helpers/warehouse';
import { pgClient, sourcesYaml, suffix } from './services';

const schema = `rapport_api_${suffix()}`;
const scratch = scratchDir();
const model = loadModel(join(ROOT, 'cubes'));
let pg: PgClient;
let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  mkdirSync(join(scratch.dir, 'etl', 'jobs'), { recursive: true });
  mkdirSync(join(scratch.dir, 'etl', 'jobs-sources'));
  writeFileSync(join(scratch.dir, 'etl', 'sources.yml'), sourcesYaml(schema, 'unused'));
  writeFileSync(join(scratch.dir, 'campaigns.csv'), 'id,name\nC1,One\nC2,Two\n');
  writeFileSync(
    join(scratch.dir, 'etl', 'jobs', 'file-campaigns.yml'),
    'name: file-campaigns\nschedule: "0 3 * * *"\nsource: { type: csv, path: campaigns.csv }\ntarget: campaigns\nmapping: { campaign_id: id, name: name }\n',
  );
  writeFileSync(
    join(scratch.dir, 'etl', 'jobs-sources', 'pg-campaigns.yml'),
    'name: pg-campaigns\nsource: { type: postgres, connection: crm, table: campaigns }\ntarget: campaigns\nmapping: { campaign_id: id, name: name }\n',
  );
  pg = await pgClient();
  await pg.query(`CREATE SCHEMA "${schema}"`);
  await pg.query(`CREATE TABLE "${schema}".campaigns (id text, name text)`);
  await pg.query(`INSERT INTO "${schema}".campaigns VALUES ('C2', 'Two renamed'), ('C3', 'Three')`);
  engine = await memoryWarehouse();
  app = await buildApp({ engine, root: scratch.dir, model });
});

afterAll(async () => {
  await app.close();
  await engine.close();
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.end();
  scratch.remove();
});

describe('ETL jobs over HTTP', () => {
  it('GET /v1/etl/jobs lists the jobs of both folders with their schedule and last run', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/etl/jobs' });
    expect(r.statusCode).toBe(200);
    expect(r.json().data).toEqual([
      {
        name: 'file-campaigns',
        file: 'etl/jobs/file-campaigns.yml',
        target: 'campaigns',
        source: { type: 'csv', path: 'campaigns.csv' },
        incremental: null,
        schedule: '0 3 * * *',
        next_run: null,
        running: false,
        last_run: null,
      },
      {
        name: 'pg-campaigns',
        file: 'etl/jobs-sources/pg-campaigns.yml',
        target: 'campaigns',
        source: { type: 'postgres', connection: 'crm', table: 'campaigns' },
        incremental: null,
        schedule: null,
        next_run: null,
        running: false,
        last_run: null,
      },
    ]);
  });

  it('POST /v1/etl/jobs/:name/run runs a file job and a database job by name', async () => {
    const file = await app.inject({ method: 'POST', url: '/v1/etl/jobs/file-campaigns/run' });
    expect(file.statusCode).toBe(201);
    expect(file.json()).toMatchObject({ job: 'file-campaigns', status: 'succeeded', inserted: 2 });
    const db = await app.inject({ method: 'POST', url: '/v1/etl/jobs/pg-campaigns/run' });
    expect(db.statusCode).toBe(201);
    expect(db.json()).toMatchObject({
      job: 'pg-campaigns',
      source: 'postgres:crm/campaigns',
      inserted: 1,
      updated: 1,
    });
    const names = await engine.query('SELECT campaign_id, name FROM dim_campaign ORDER BY 1');
    expect(names.rows).toEqual([
      { campaign_id: 'C1', name: 'One' },
      { campaign_id: 'C2', name: 'Two renamed' },
      { campaign_id: 'C3', name: 'Three' },
    ]);
    const listed = await app.inject({ method: 'GET', url: '/v1/etl/jobs' });
    expect(
      listed.json().data.map((j: { last_run: { status: string } | null }) => j.last_run?.status),
    ).toEqual(['succeeded', 'succeeded']);
  });

  it('answers an unknown job with 404 and a database that refuses the connection with a 4xx naming the source', async () => {
    const missing = await app.inject({ method: 'POST', url: '/v1/etl/jobs/nope/run' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      code: 'JOB_NOT_FOUND',
      message: 'no job named "nope" in etl/jobs or etl/jobs-sources',
    });
    process.env['TEST_PGHOST'] = '127.0.0.1:1';
    try {
      const down = await app.inject({ method: 'POST', url: '/v1/etl/jobs/pg-campaigns/run' });
      expect(down.statusCode).toBe(400);
      expect(down.json().code).toBe('SOURCE_NOT_FOUND');
      expect(down.json().message).toContain('cannot extract postgres:crm/campaigns');
    } finally {
      delete process.env['TEST_PGHOST'];
    }
  });

  it('a server started with schedules shows the next run of scheduled jobs and stops them on close', async () => {
    const scheduled = await buildApp({ engine, root: scratch.dir, model, schedules: true });
    try {
      const r = await scheduled.inject({ method: 'GET', url: '/v1/etl/jobs' });
      const next = r.json().data[0].next_run as string;
      // "0 3 * * *" in UTC: the next 03:00.
      expect(next).toMatch(/T03:00:00\.000Z$/);
      expect(Date.parse(next) - Date.now()).toBeLessThanOrEqual(86_400_000);
      expect(r.json().data[1].next_run).toBeNull();
    } finally {
      await scheduled.close();
    }
  });
});
