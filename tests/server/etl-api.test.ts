import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { memoryWarehouse } from '../helpers/warehouse';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the HTTP app: health and ETL runs', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    engine = await memoryWarehouse();
    app = await buildApp({ engine, root: ROOT });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('GET /health answers ok with the warehouse version', async () => {
    const r = await app.inject({ method: 'GET', url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', warehouseVersion: 0 });
  });

  it('POST /v1/etl/runs runs a job; GET /v1/etl/runs lists it', async () => {
    const run = await app.inject({ method: 'POST', url: '/v1/etl/runs', payload: { job: 'online-retail' } });
    expect(run.statusCode).toBe(201);
    expect(run.json()).toMatchObject({ job: 'online-retail', status: 'succeeded', rows_read: 541_909 });
    const list = await app.inject({ method: 'GET', url: '/v1/etl/runs?job=online-retail&limit=5' });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toHaveLength(1);
    expect(list.json().data[0]).toMatchObject({
      run_id: 1,
      status: 'succeeded',
      inserted: 540_571,
      rejected: 1_338,
    });
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.json().warehouseVersion).toBe(1);
    const rejects = await app.inject({ method: 'GET', url: '/v1/etl/rejects?reason=negative_value' });
    expect(rejects.json().data.map((r: { line: number }) => r.line)).toHaveLength(2);
  });

  it('lists the job files', async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/etl/jobs' });
    expect(r.json().data.map((j: { name: string }) => j.name)).toContain('online-retail');
  });

  it('answers a user mistake with a 4xx and a whole error body, never a 500', async () => {
    const cases = [
      { url: '/v1/etl/runs?limit=0', method: 'GET' as const, status: 400, code: 'VALIDATION_FAILED' },
      { url: '/v1/etl/runs?bogus=1', method: 'GET' as const, status: 400, code: 'VALIDATION_FAILED' },
      {
        url: '/v1/etl/runs',
        method: 'POST' as const,
        payload: { job: 'no-such-job' },
        status: 404,
        code: 'JOB_NOT_FOUND',
      },
      {
        url: '/v1/etl/runs',
        method: 'POST' as const,
        payload: { jobb: 'x' },
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      { url: '/v1/nothing-here', method: 'GET' as const, status: 404, code: 'NOT_FOUND' },
    ];
    for (const c of cases) {
      const r = await app.inject({ method: c.method, url: c.url, payload: c.payload });
      expect({ url: c.url, status: r.statusCode, code: r.json().code }).toEqual({
        url: c.url,
        status: c.status,
        code: c.code,
      });
      expect(typeof r.json().message).toBe('string');
    }
    const badJson = await app.inject({
      method: 'POST',
      url: '/v1/etl/runs',
      headers: { 'content-type': 'application/json' },
      payload: '{"job": ',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringContaining('JSON') });
  });
});
