import type { AddressInfo } from 'node:net';
import cube, { type CubeApi, type Query } from '@cubejs-client/core';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Engine } from '../../src/engine';
import { type AppDeps, buildApp } from '../../src/server/app';
import { ROOT } from '../helpers/demo';

export const NOW = () => new Date('2026-07-01T00:00:00Z');

/** The lines orders.revenue, orders.order_count, … count (alias `o`). */
export const COMPLETED = "o.status = 'completed' AND o.quantity > 0 AND o.unit_price >= 0";

/** A month bucket as Cube's REST API writes it. */
export const month = (column: string) => `strftime(date_trunc('month', ${column}), '%Y-%m-%dT00:00:00.000')`;

/** Month labels as the client's chartPivot writes them, e.g. months(2025, 1, 3). */
export const months = (year: number, from: number, to: number) =>
  Array.from(
    { length: to - from + 1 },
    (_, i) => `${year}-${String(from + i).padStart(2, '0')}-01T00:00:00.000`,
  );

export const BY_REGION_AND_MONTH: Query = {
  measures: ['orders.revenue', 'orders.order_count'],
  dimensions: ['customers.region'],
  timeDimensions: [
    { dimension: 'orders.ordered_at', granularity: 'month', dateRange: ['2025-01-01', '2025-06-30'] },
  ],
};
export const BY_REGION_AND_MONTH_SQL = `
  SELECT c.region AS "customers.region", ${month('o.ordered_at')} AS "orders.ordered_at.month",
         sum(CASE WHEN ${COMPLETED} THEN o.revenue END)::DOUBLE AS "orders.revenue",
         count(DISTINCT CASE WHEN ${COMPLETED} THEN o.order_id END)::DOUBLE AS "orders.order_count"
  FROM fact_order_lines o LEFT JOIN dim_customer c ON c.customer_key = o.customer_key
  WHERE o.ordered_at >= TIMESTAMP '2025-01-01' AND o.ordered_at < TIMESTAMP '2025-07-01'
  GROUP BY ALL`;

export const TWO_FACTS: Query = {
  measures: ['orders.revenue', 'interactions.count'],
  dimensions: ['customers.region'],
};
/** Each fact aggregated on its own, then matched by region: no fan-out. */
export const TWO_FACTS_SQL = `
  WITH o AS (
    SELECT c.region, sum(CASE WHEN ${COMPLETED} THEN o.revenue END)::DOUBLE AS revenue
    FROM fact_order_lines o LEFT JOIN dim_customer c ON c.customer_key = o.customer_key GROUP BY 1),
  i AS (
    SELECT c.region, count(*)::DOUBLE AS n
    FROM fact_interactions i LEFT JOIN dim_customer c ON c.customer_key = i.customer_key GROUP BY 1)
  SELECT coalesce(o.region, i.region) AS "customers.region",
         o.revenue AS "orders.revenue", i.n AS "interactions.count"
  FROM o FULL JOIN i ON o.region IS NOT DISTINCT FROM i.region`;

type Row = Record<string, unknown>;

export interface Served {
  app: FastifyInstance;
  /** The unmodified official client, pointed at this server. */
  api: CubeApi;
  base: string;
  /** `METHOD path?query` of every request the server saw. */
  requests: string[];
}

/** rapport on a random local port, with the official client pointed at its Cube API. */
export async function serve(engine: Engine, extra: Partial<AppDeps> = {}): Promise<Served> {
  const app = await buildApp({ engine, root: ROOT, now: NOW, ...extra });
  const requests: string[] = [];
  app.addHook('onRequest', async (request) => {
    requests.push(`${request.method} ${request.url}`);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/cubejs-api/v1`;
  const api = cube('test-token', { apiUrl: base, pollInterval: 0.01 });
  return { app, api, base, requests };
}

export async function sqlRows(engine: Engine, text: string): Promise<Row[]> {
  return (await engine.query(text)).rows;
}

/** Relative closeness 1e-6 (the API answers doubles); both null is equal. */
export function expectClose(actual: unknown, expected: unknown, what: string): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  const [a, e] = [Number(actual), Number(expected)];
  expect(Number.isFinite(a), `${what}: ${String(actual)} is not a number`).toBe(true);
  expect(Math.abs(a - e), `${what}: ${a} vs ${e}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(e)));
}

/**
 * The same rows in any order: the same keys (the dimensions), and the measures close. The SQL
 * rows name their columns as the API does (`AS "customers.region"`).
 */
export function expectSameRows(actual: Row[], expected: Row[], dims: string[], measures: string[]): void {
  const key = (r: Row) => JSON.stringify(dims.map((d) => r[d] ?? null));
  const byKey = new Map(actual.map((r) => [key(r), r]));
  expect([...byKey.keys()].sort()).toEqual(expected.map(key).sort());
  expect(byKey.size).toBe(actual.length);
  for (const e of expected) {
    for (const m of measures) expectClose(byKey.get(key(e))?.[m], e[m], `${key(e)} ${m}`);
  }
}

/** The chartPivot/seriesNames key of a series: the non-null y values and the measure, as the client joins them. */
export const seriesKey = (values: unknown[], measure: string) =>
  [...values.filter((v) => v != null), measure].join(',');
