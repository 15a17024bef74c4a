import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, QueryResult, RunOptions, Session, Statement } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';

const TIMEOUT_MS = 12_345;

/** The time limit of every statement that reaches the engine, as the engine is asked. */
class RecordingEngine implements Engine {
  readonly limits: (number | undefined)[] = [];

  constructor(private readonly inner: Engine) {}

  get dialect() {
    return this.inner.dialect;
  }

  private session(s: Session): Session {
    return {
      dialect: s.dialect,
      query: (st: Statement, o?: RunOptions) => {
        this.limits.push(o?.timeoutMs);
        return s.query(st, o);
      },
      exec: (st: Statement, o?: RunOptions) => {
        this.limits.push(o?.timeoutMs);
        return s.exec(st, o);
      },
    };
  }

  query(st: Statement, o?: RunOptions): Promise<QueryResult> {
    this.limits.push(o?.timeoutMs);
    return this.inner.query(st, o);
  }

  exec(st: Statement, o?: RunOptions): Promise<void> {
    this.limits.push(o?.timeoutMs);
    return this.inner.exec(st, o);
  }

  stream(st: Statement, format: 'arrow' | 'csv', o?: RunOptions): AsyncIterable<Uint8Array> {
    this.limits.push(o?.timeoutMs);
    return this.inner.stream(st, format, o);
  }

  transaction<T>(body: (tx: Session) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => body(this.session(tx)));
  }

  withSession<T>(body: (session: Session) => Promise<T>): Promise<T> {
    return this.inner.withSession((s) => body(this.session(s)));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Every route that runs queries hands the engine the query timeout, on every statement. */
describe('the query timeout on every query path', () => {
  let engine: Engine;
  let recording: RecordingEngine;
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    recording = new RecordingEngine(engine);
    app = await buildApp({
      engine: recording,
      root: ROOT,
      now: () => new Date('2026-07-01T00:00:00Z'),
      limits: { queryTimeoutMs: TIMEOUT_MS },
    });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
  });

  const customer = async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/customers?search=a' });
    return (r.json().data[0] as { customer_id: string }).customer_id;
  };
  const query = { measures: ['orders.revenue'], dimensions: ['customers.region'] };

  it.each<
    [
      string,
      () => Promise<{
        method: 'GET' | 'POST';
        url: string;
        payload?: object;
        headers?: Record<string, string>;
      }>,
    ]
  >([
    [
      'a JSON query',
      async () => ({ method: 'POST', url: '/v1/query', payload: { query, cache: 'no-cache' } }),
    ],
    [
      'a total',
      async () => ({
        method: 'POST',
        url: '/v1/query',
        payload: { query: { ...query, total: true }, cache: 'no-cache' },
      }),
    ],
    [
      'a CSV query',
      async () => ({ method: 'POST', url: '/v1/query', payload: { query }, headers: { accept: 'text/csv' } }),
    ],
    [
      'a Cube load',
      async () => ({
        method: 'POST',
        url: '/cubejs-api/v1/load',
        payload: { query: { ...query, limit: 7 } },
      }),
    ],
    ['a report', async () => ({ method: 'POST', url: '/v1/reports/rfm', payload: {} })],
    [
      'a report export',
      async () => ({ method: 'POST', url: '/v1/reports/rfm', payload: {}, headers: { accept: 'text/csv' } }),
    ],
    ['a cohort report', async () => ({ method: 'POST', url: '/v1/reports/cohort', payload: {} })],
    ['a dashboard', async () => ({ method: 'GET', url: '/v1/dashboards/sales-executive' })],
    ['a customer search', async () => ({ method: 'GET', url: '/v1/customers?search=b' })],
    ['a Customer 360', async () => ({ method: 'GET', url: `/v1/customers/${await customer()}` })],
  ])('%s', async (_, request) => {
    const r = await request();
    recording.limits.length = 0;
    const res = await app.inject(r);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(recording.limits.length).toBeGreaterThan(0);
    expect(recording.limits.filter((t) => t !== TIMEOUT_MS)).toEqual([]);
  });
});
