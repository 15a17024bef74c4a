import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { loadDemo, ROOT } from '../helpers/demo';

const COMPLETED = "status = 'completed' AND quantity > 0 AND unit_price >= 0";
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Comparison {
  kind: string;
  window: { from: string; to: string; label: string };
  value: number | null;
  delta: number | null;
  delta_unit: string;
  tone: string;
  reason?: string;
}
interface Kpi {
  value: number | null;
  window: { from: string; to: string; label: string; to_date: boolean; note?: string };
  comparisons: Comparison[];
}
interface Tile {
  name: string;
  kpi?: Kpi;
}

const day = (t: Date) => t.toISOString().slice(0, 10);
const spoken = (iso: string) =>
  `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}, ${iso.slice(0, 4)}`;

/**
 * KPIs compare like with like, checked against SQL written here: a year to date against the
 * same dates a year earlier, rates in points, the colour from the model's "better", and n/a with
 * the reason where the data does not reach. The clock is the day after the demo's last order,
 * so the test holds whatever dates the demo is generated for.
 */
describe('KPI comparisons over HTTP', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let now: Date;
  let later: FastifyInstance;
  const one = async (text: string, params: unknown[] = []) =>
    (await engine.query({ text, params: params as never })).rows[0]!;
  const kpis = async (server: FastifyInstance, dashboard: string, period: string) => {
    const r = await server.inject({
      method: 'GET',
      url: `/v1/dashboards/${dashboard}?period=${encodeURIComponent(period)}`,
    });
    expect(r.statusCode).toBe(200);
    return new Map((r.json().tiles as Tile[]).filter((t) => t.kpi).map((t) => [t.name, t.kpi!]));
  };

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    const last = await one('SELECT max(ordered_at)::VARCHAR AS t FROM fact_order_lines');
    now = new Date(`${String(last['t']).slice(0, 10)}T00:00:00Z`);
    now.setUTCDate(now.getUTCDate() + 1);
    app = await buildApp({ engine, root: ROOT, now: () => now });
    // Read 200 days after the export: the data ends long before "now".
    later = await buildApp({ engine, root: ROOT, now: () => new Date(now.getTime() + 200 * 86_400_000) });
  });
  afterAll(async () => {
    await app.close();
    await later.close();
    await engine.close();
  });

  it('"This year" is the year to date, compared with the same dates a year earlier', async () => {
    const year = now.getUTCFullYear();
    const to = day(now);
    const lastYearTo = `${year - 1}${to.slice(4)}`;
    const sums = await one(
      `SELECT sum(revenue) FILTER (WHERE ordered_at >= $1::TIMESTAMP AND ordered_at < $2::TIMESTAMP)::DOUBLE AS r,
              count(DISTINCT order_id) FILTER (WHERE ordered_at >= $1::TIMESTAMP AND ordered_at < $2::TIMESTAMP) AS o,
              count(DISTINCT customer_id) FILTER (WHERE ordered_at >= $1::TIMESTAMP AND ordered_at < $2::TIMESTAMP) AS c,
              sum(revenue) FILTER (WHERE ordered_at >= $3::TIMESTAMP AND ordered_at < $4::TIMESTAMP)::DOUBLE AS pr,
              count(DISTINCT order_id) FILTER (WHERE ordered_at >= $3::TIMESTAMP AND ordered_at < $4::TIMESTAMP) AS po,
              count(DISTINCT customer_id) FILTER (WHERE ordered_at >= $3::TIMESTAMP AND ordered_at < $4::TIMESTAMP) AS pc
       FROM fact_order_lines WHERE ${COMPLETED}`,
      [`${year}-01-01`, to, `${year - 1}-01-01`, lastYearTo],
    );
    const k = await kpis(app, 'sales-executive', 'this year');
    const expected: Record<string, [number, number]> = {
      revenue: [Number(sums['r']), Number(sums['pr'])],
      orders: [Number(sums['o']), Number(sums['po'])],
      average_order_value: [Number(sums['r']) / Number(sums['o']), Number(sums['pr']) / Number(sums['po'])],
      active_customers: [Number(sums['c']), Number(sums['pc'])],
    };
    for (const [name, [value, previous]] of Object.entries(expected)) {
      const kpi = k.get(name)!;
      expect(kpi.window, name).toMatchObject({ from: `${year}-01-01T00:00:00.000`, to_date: true });
      expect(kpi.window.to.slice(0, 10), name).toBe(day(new Date(now.getTime() - 86_400_000)));
      expect(kpi.value, name).toBeCloseTo(value, 4);
      // Whole years: the previous period is the previous year, shown once.
      expect(
        kpi.comparisons.map((c) => c.kind),
        name,
      ).toEqual(['previous_year']);
      const c = kpi.comparisons[0]!;
      expect(c.window.from.slice(0, 10), name).toBe(`${year - 1}-01-01`);
      expect(c.value, name).toBeCloseTo(previous, 4);
      expect(c.delta, name).toBeCloseTo((value - previous) / previous, 10);
      expect(c.tone, name).toBe(value > previous ? 'good' : 'bad');
    }
  });

  it('a window the data does not cover is n/a with the reason, never a percentage', async () => {
    const first = String((await one('SELECT min(ordered_at)::VARCHAR AS t FROM fact_order_lines'))['t']);
    const k = await kpis(app, 'sales-executive', 'last 24 months');
    for (const kpi of k.values()) {
      expect(kpi.value).not.toBeNull();
      for (const c of kpi.comparisons) {
        expect(c.delta).toBeNull();
        expect(c.reason).toBe(`no data before ${spoken(first)}`);
      }
    }
    // Read long after the export: "this year" runs past the data's end.
    const stale = await kpis(later, 'sales-executive', 'this year');
    const revenue = stale.get('revenue')!;
    expect(revenue.window.note).toMatch(/^no data after /);
    expect(revenue.comparisons.every((c) => c.delta === null && /^no data after /.test(c.reason!))).toBe(
      true,
    );
  });

  it('response times are better down and rates change in points', async () => {
    const k = await kpis(app, 'service', 'last month');
    const response = k.get('first_response')!;
    const previous = response.comparisons.find((c) => c.kind === 'previous_period')!;
    expect(previous.delta).not.toBeNull();
    expect(previous.tone).toBe(previous.delta! < 0 ? 'good' : 'bad');

    const csat = k.get('csat')!;
    const w = csat.window;
    const p = csat.comparisons.find((c) => c.kind === 'previous_period')!.window;
    const rate = async (from: string, to: string) => {
      const r = await one(
        `SELECT count(*) FILTER (WHERE satisfaction >= 4)::DOUBLE / count(satisfaction) AS v FROM fact_tickets
         WHERE opened_at >= $1::TIMESTAMP AND opened_at <= $2::TIMESTAMP`,
        [from, to],
      );
      return Number(r['v']);
    };
    const [now_, before] = [await rate(w.from, w.to), await rate(p.from, p.to)];
    expect(csat.value).toBeCloseTo(now_, 10);
    const c = csat.comparisons.find((x) => x.kind === 'previous_period')!;
    expect(c.delta_unit).toBe('pts');
    expect(c.delta).toBeCloseTo(now_ - before, 10);
  });
});
