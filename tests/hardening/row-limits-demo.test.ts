import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';

/** The JSON row cap on the routes that answer per-customer rows: reports and segment members. */
describe('max rows on reports and segment members', () => {
  let engine: Engine;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    app = await buildApp({
      engine,
      root: ROOT,
      now: () => new Date('2026-07-01T00:00:00Z'),
      limits: { maxRows: 5 },
    });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  it('refuses a JSON segment member list above the cap and exports it whole as CSV', async () => {
    const saved = await app.inject({
      method: 'POST',
      url: '/v1/segments',
      payload: { name: 'Champions', definition: { source: 'rfm', segments: ['Champions'] } },
    });
    expect(saved.statusCode).toBe(201);
    const count = saved.json().member_count as number;
    expect(count).toBeGreaterThan(5);
    const url = `/v1/segments/${saved.json().segment_id}/members`;
    const json = await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(422);
    expect(json.json()).toEqual({
      code: 'ROW_LIMIT_EXCEEDED',
      message: 'The result has more than 5 rows',
      details: { maxRows: 5 },
    });
    const csv = await app.inject({ method: 'GET', url, headers: { accept: 'text/csv' } });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(count + 1);
  });

  it('answers an export above the export cap with 422 before any byte of it', async () => {
    const capped = await buildApp({
      engine,
      root: ROOT,
      now: () => new Date('2026-07-01T00:00:00Z'),
      limits: { maxExportRows: 100 },
    });
    try {
      for (const accept of ['text/csv', 'application/vnd.apache.arrow.stream']) {
        const r = await capped.inject({
          method: 'POST',
          url: '/v1/reports/rfm',
          payload: {},
          headers: { accept },
        });
        expect(r.statusCode).toBe(422);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(r.json()).toEqual({
          code: 'ROW_LIMIT_EXCEEDED',
          message: 'The result has more than 100 rows',
          details: { maxRows: 100 },
        });
      }
    } finally {
      await capped.close();
    }
  });

  it('refuses a JSON report above the cap and streams it as CSV', async () => {
    const json = await app.inject({ method: 'POST', url: '/v1/reports/rfm', payload: {} });
    expect(json.statusCode).toBe(422);
    expect(json.json()).toMatchObject({ code: 'ROW_LIMIT_EXCEEDED', details: { maxRows: 5 } });
    const rows = json.json().details.rows as number;
    expect(json.json().message).toBe(
      `the report has ${rows} rows, more than the 5 a JSON answer may carry; ask for text/csv or application/vnd.apache.arrow.stream`,
    );
    const csv = await app.inject({
      method: 'POST',
      url: '/v1/reports/rfm',
      payload: {},
      headers: { accept: 'text/csv' },
    });
    expect(csv.statusCode).toBe(200);
    // The export is not capped by the JSON limit: it has every scored customer, the JSON at most its page.
    expect(csv.body.trim().split('\n').length - 1).toBeGreaterThanOrEqual(rows);
  });
});
