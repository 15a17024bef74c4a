import { type Query, RequestError } from '@cubejs-client/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { loadDemo } from '../helpers/demo';
import {
  BY_REGION_AND_MONTH,
  BY_REGION_AND_MONTH_SQL,
  COMPLETED,
  expectClose,
  expectSameRows,
  month,
  months,
  type Served,
  seriesKey,
  serve,
  sqlRows,
  TWO_FACTS,
  TWO_FACTS_SQL,
} from './cube-client-support';

/**
 * Acceptance: the official `@cubejs-client/core`, unmodified, against rapport's Cube REST API
 * (/cubejs-api/v1), with every number checked against SQL written by hand on the star schema.
 */

describe('@cubejs-client/core against rapport', () => {
  let engine: Engine;
  let server: Served;
  beforeAll(async () => {
    ({ engine } = await loadDemo());
    server = await serve(engine);
  });
  afterAll(async () => {
    await server?.app.close();
    await engine?.close();
  });

  it('meta(): lists the cubes and resolves members with their titles and types', async () => {
    const meta = await server.api.meta();
    const cubes = ['orders', 'customers', 'products', 'interactions', 'campaigns', 'dates', 'geography'];
    expect(meta.cubes.map((c) => c.name)).toEqual(expect.arrayContaining(cubes));
    expect(meta.resolveMember('orders.revenue', 'measures')).toMatchObject({
      name: 'orders.revenue',
      title: 'Orders Revenue',
      shortTitle: 'Revenue',
      type: 'number',
      aggType: 'sum',
    });
    expect(meta.resolveMember('customers.region', 'dimensions')).toMatchObject({
      title: 'Customers Region',
      type: 'string',
    });
    expect(meta.resolveMember('orders.ordered_at', ['dimensions'])).toMatchObject({ type: 'time' });
    expect(meta.resolveMember('orders.nope', 'measures')).toMatchObject({
      error: "Path not found 'orders.nope'",
    });
    expect(meta.defaultTimeDimensionNameFor('orders.revenue')).toBe('orders.ordered_at');
    expect(meta.filterOperatorsForMember('orders.revenue', 'measures').map((o) => o.name)).toContain('gt');
  });

  it('load(): measures by a dimension and a month, through rawData, tablePivot, chartPivot and seriesNames', async () => {
    const expected = await sqlRows(engine, BY_REGION_AND_MONTH_SQL);
    expect(expected.length).toBeGreaterThan(20);
    const rs = await server.api.load(BY_REGION_AND_MONTH);
    expect(server.requests.at(-1)).toMatch(/^GET \/cubejs-api\/v1\/load\?query=.*&queryType=multi$/);
    const dims = ['customers.region', 'orders.ordered_at.month'];
    const measures = ['orders.revenue', 'orders.order_count'];
    expectSameRows(rs.rawData(), expected, dims, measures);
    for (const r of rs.rawData()) expect(r['orders.ordered_at']).toBe(r['orders.ordered_at.month']);
    expect(rs.query().timeDimensions?.[0]?.dateRange).toEqual([
      '2025-01-01T00:00:00.000',
      '2025-06-30T23:59:59.999',
    ]);

    const table = rs.tablePivot();
    expect(Object.keys(table[0] ?? {})).toEqual(['orders.ordered_at.month', 'customers.region', ...measures]);
    expectSameRows(table, expected, dims, measures);
    expect(rs.tableColumns().map((c) => c.title)).toEqual([
      'Orders Ordered At',
      'Customers Region',
      'Orders Revenue',
      // A member whose title holds its cube's ("Orders" of orders) is not prefixed twice.
      'Orders',
    ]);

    const chart = rs.chartPivot();
    expect(chart.map((p) => p.x)).toEqual(months(2025, 1, 6));
    const keys = new Set(expected.flatMap((e) => measures.map((m) => seriesKey([e['customers.region']], m))));
    expect(
      rs
        .seriesNames()
        .map((s) => s.key)
        .sort(),
    ).toEqual([...keys].sort());
    expect(rs.seriesNames().find((s) => s.key === 'Western Europe,orders.revenue')?.title).toBe(
      'Western Europe, Orders Revenue',
    );
    for (const e of expected) {
      const point = chart.find((p) => p.x === e['orders.ordered_at.month']);
      for (const m of measures)
        expectClose(point?.[seriesKey([e['customers.region']], m)], e[m], `chart ${m}`);
    }
    expect(rs.totalRow()).toEqual(chart[0]);

    // fillMissingDates: months past the last order are there, with zeros. The range starts the
    // month before the last order's and ends two months after it.
    const last = String(
      (await engine.query('SELECT max(ordered_at)::VARCHAR AS t FROM fact_order_lines')).rows[0]!['t'],
    );
    const [y, m] = [Number(last.slice(0, 4)), Number(last.slice(5, 7))];
    const span = months(y, m - 1, m + 2);
    const end = new Date(Date.UTC(y, m + 2, 0)).toISOString().slice(0, 10);
    const tail = await server.api.load({
      measures: ['orders.revenue'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'month', dateRange: [span[0]!.slice(0, 10), end] },
      ],
    });
    expect(tail.rawData()).toHaveLength(2);
    expect(tail.chartPivot().map((p) => p.x)).toEqual(span);
    expect(tail.chartPivot().map((p) => p['orders.revenue'] > 0)).toEqual([true, true, false, false]);
  });

  it('load(): a relative date range and a filter, POSTed', async () => {
    const unmatched = Array.from({ length: 150 }, (_, i) => `no-such-type-${i}`);
    const rs = await server.api.load({
      measures: ['orders.revenue'],
      timeDimensions: [{ dimension: 'orders.ordered_at', granularity: 'month', dateRange: 'last 6 months' }],
      // Values that match nothing make the URL longer than 2000 characters: the client POSTs then.
      filters: [{ member: 'customers.type', operator: 'equals', values: ['b2b', ...unmatched] }],
    });
    expect(server.requests.at(-1)).toBe('POST /cubejs-api/v1/load');
    const expected = await sqlRows(
      engine,
      `SELECT ${month('o.ordered_at')} AS "orders.ordered_at.month", sum(o.revenue)::DOUBLE AS "orders.revenue"
       FROM fact_order_lines o JOIN dim_customer c ON c.customer_key = o.customer_key
       WHERE c.type = 'b2b' AND ${COMPLETED}
         AND o.ordered_at >= TIMESTAMP '2026-01-01' AND o.ordered_at < TIMESTAMP '2026-07-01'
       GROUP BY ALL`,
    );
    // The demo's data ends before the clock: the months after it have no orders.
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(rs.query().timeDimensions?.[0]?.dateRange).toEqual([
      '2026-01-01T00:00:00.000',
      '2026-06-30T23:59:59.999',
    ]);
    expectSameRows(rs.rawData(), expected, ['orders.ordered_at.month'], ['orders.revenue']);
    const chart = rs.chartPivot();
    expect(chart.map((p) => p.x)).toEqual(months(2026, 1, 6));
    const withOrders = chart.filter((p) => p['orders.revenue'] !== 0);
    expectSameRows(
      withOrders.map((p) => ({ 'orders.ordered_at.month': p.x, 'orders.revenue': p['orders.revenue'] })),
      expected,
      ['orders.ordered_at.month'],
      ['orders.revenue'],
    );
    expect(withOrders).toHaveLength(expected.length);
  });

  it('load(): compareDateRange decomposes into one result set per range', async () => {
    const ranges = [
      ['2025-01-01', '2025-03-31'],
      ['2024-01-01', '2024-03-31'],
    ] as const;
    const rs = await server.api.load({
      measures: ['orders.revenue'],
      timeDimensions: [
        { dimension: 'orders.ordered_at', granularity: 'month', compareDateRange: ranges.map((r) => [...r]) },
      ],
    });
    expect(rs.pivotQuery()?.queryType).toBe('compareDateRangeQuery');
    expect(() => rs.rawData()).toThrow(/decompose/);
    const parts = rs.decompose();
    expect(parts).toHaveLength(2);
    const chart = rs.chartPivot();
    expect(chart.map((p) => p.x)).toEqual(months(2025, 1, 3));
    for (const [i, [from, to]] of ranges.entries()) {
      const expected = await sqlRows(
        engine,
        `SELECT ${month('o.ordered_at')} AS m, sum(o.revenue)::DOUBLE AS revenue FROM fact_order_lines o
         WHERE ${COMPLETED} AND o.ordered_at >= DATE '${from}' AND o.ordered_at < DATE '${to}' + 1
         GROUP BY ALL ORDER BY m`,
      );
      const part = parts[i]!;
      const total = part.rawData().reduce((s, r) => s + Number(r['orders.revenue']), 0);
      expectClose(
        total,
        expected.reduce((s, r) => s + Number(r['revenue']), 0),
        `total of ${from}`,
      );
      const label = `${from}T00:00:00.000 - ${to}T23:59:59.999`;
      expect(part.rawData().every((r) => r['compareDateRange'] === label)).toBe(true);
      // The chart lines the ranges up month by month: the n-th month of each range on one x.
      for (const [n, e] of expected.entries())
        expectClose(chart[n]?.[`${label},orders.revenue`], e['revenue'], `${label} #${n}`);
    }
  });

  it('load(): two facts by a shared dimension are not multiplied by the join', async () => {
    const rs = await server.api.load(TWO_FACTS);
    const expected = await sqlRows(engine, TWO_FACTS_SQL);
    expectSameRows(rs.rawData(), expected, ['customers.region'], ['orders.revenue', 'interactions.count']);
    // The naive join would have fanned the revenue out: the check above means something.
    const [fanned] = await sqlRows(
      engine,
      `SELECT sum(CASE WHEN ${COMPLETED} THEN o.revenue END)::DOUBLE AS r FROM fact_order_lines o
       JOIN fact_interactions i ON i.customer_key = o.customer_key`,
    );
    const total = rs.rawData().reduce((s, r) => s + Number(r['orders.revenue'] ?? 0), 0);
    expect(Number(fanned?.['r'])).toBeGreaterThan(2 * total);
  });

  it('sql() and dryRun()', async () => {
    const sql = await server.api.sql(TWO_FACTS);
    expect(sql.sql()).toMatch(/fact_order_lines/);
    expect(sql.sql()).toMatch(/fact_interactions/);
    expect(sql.sql()).toMatch(/dim_customer/);
    expect((await server.api.sql(BY_REGION_AND_MONTH)).rawQuery().sql[1]).toContain(
      '2025-07-01T00:00:00.000',
    );
    const dry = await server.api.dryRun({
      ...BY_REGION_AND_MONTH,
      timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'last 6 months' }],
    });
    expect(dry.queryType).toBe('regularQuery');
    expect(dry.normalizedQueries).toHaveLength(1);
    expect(dry.normalizedQueries[0]).toMatchObject({
      measures: BY_REGION_AND_MONTH.measures,
      timeDimensions: [
        { dimension: 'orders.ordered_at', dateRange: ['2026-01-01T00:00:00.000', '2026-06-30T23:59:59.999'] },
      ],
    });
  });

  const UNKNOWN: Query = { measures: ['orders.revenu'] };
  const BAD_RANGE: Query = {
    measures: ['orders.revenue'],
    timeDimensions: [{ dimension: 'orders.ordered_at', dateRange: 'next blue moon' }],
  };
  const rejection = (query: Query) =>
    server.api.load(query).then(
      () => expect.unreachable('the load should reject'),
      (e: unknown) => e as RequestError,
    );

  it('invalid queries reject with a RequestError carrying the 4xx body', async () => {
    const unknown = await rejection(UNKNOWN);
    expect(unknown).toBeInstanceOf(RequestError);
    expect(unknown.status).toBe(400);
    expect(unknown.response).toEqual({
      code: 'UNKNOWN_MEMBER',
      message: 'unknown measure "orders.revenu" in measures; did you mean orders.revenue?',
      error: 'unknown measure "orders.revenu" in measures; did you mean orders.revenue?',
      type: 'UserError',
      details: { member: 'orders.revenu', where: 'measures' },
    });
    const range = await rejection(BAD_RANGE);
    expect(range).toBeInstanceOf(RequestError);
    expect(range.status).toBe(400);
    expect(range.response).toMatchObject({
      code: 'INVALID_QUERY',
      message: expect.stringContaining('next blue moon'),
    });
  });

  // The client builds the message from `body.error` (index.js: `new RequestError(body.error ||
  // response.error || '', body, status)`), so the Cube routes add `error` to rapport's error body.
  it('invalid queries: the RequestError message is rapport\'s message (Cube sends {"error": …})', async () => {
    expect((await rejection(UNKNOWN)).message).toContain('unknown measure "orders.revenu"');
  });

  // Over HTTP, subscribe() polls GET /cubejs-api/v1/subscribe (index.js: `this.request('subscribe', …)`),
  // which Cube (and rapport) serve as a load.
  it('subscribe() over HTTP delivers a result set', async () => {
    const result = await new Promise<{ error: Error | null; total: number }>((resolve) => {
      const sub = server.api.subscribe({ measures: ['orders.revenue'] }, {}, (e, rs) => {
        void sub
          .unsubscribe()
          .then(() => resolve({ error: e, total: Number(rs?.rawData()[0]?.['orders.revenue'] ?? 0) }));
      });
    });
    expect(result.error).toBeNull();
    expect(result.total).toBeGreaterThan(1_000_000);
  });

  it('"Continue wait": the client polls transparently until the result is there', async () => {
    const slow = await serve(engine, { continueWaitMs: 1 });
    try {
      const stages: (string | undefined)[] = [];
      const rs = await slow.api.load(TWO_FACTS, { progressCallback: (p) => stages.push(p.stage()) });
      expect(stages.length).toBeGreaterThanOrEqual(1);
      expect(stages[0]).toBe('Executing query');
      const loads = slow.requests.filter((r) => r.startsWith('GET /cubejs-api/v1/load'));
      expect(loads).toHaveLength(stages.length + 1);
      const expected = await sqlRows(engine, TWO_FACTS_SQL);
      expectSameRows(rs.rawData(), expected, ['customers.region'], ['orders.revenue', 'interactions.count']);

      const url = `${slow.base}/load?${new URLSearchParams({ query: JSON.stringify(TWO_FACTS), queryType: 'multi', cache: 'no-cache' })}`;
      const first = await fetch(url);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ error: 'Continue wait', stage: 'Executing query' });
    } finally {
      await slow.app.close();
    }
  });
});
