import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { rfmReport } from '../../src/reports/rfm/report';
import { builtInMap, segmentOf } from '../../src/reports/rfm/segment-map';
import { onlineRetailLines, onlineRetailWarehouse, reportContext } from '../helpers/reports';

interface Naive {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_cell: string;
  segment: string;
}

/** A deliberately naive RFM: plain loops over the source file's rows, sorting for ranks. */
function naiveRfm(
  lines: Awaited<ReturnType<typeof onlineRetailLines>>,
  bins = 5,
): { asOf: string; rows: Naive[] } {
  const latest =
    lines
      .map((l) => l.at)
      .sort()
      .at(-1) ?? '';
  const asOf = new Date(Date.parse(`${latest.slice(0, 10)}T00:00:00Z`) + 86_400_000);
  const by = new Map<string, { last: string; invoices: Set<string>; revenue: number }>();
  for (const l of lines) {
    const completed = !l.invoice.startsWith('C') && l.qty > 0 && l.price >= 0;
    if (!completed || l.customer === null) continue;
    const c = by.get(l.customer) ?? { last: '', invoices: new Set<string>(), revenue: 0 };
    if (l.at > c.last) c.last = l.at;
    c.invoices.add(l.invoice);
    c.revenue += l.qty * l.price;
    by.set(l.customer, c);
  }
  const base = [...by].map(([id, c]) => ({
    customer_id: id,
    recency_days: Math.round((asOf.getTime() - Date.parse(`${c.last.slice(0, 10)}T00:00:00Z`)) / 86_400_000),
    frequency: c.invoices.size,
    monetary: c.revenue,
  }));
  const n = base.length;
  // rank(method="min"): 1 + the number of values strictly before this one in the order.
  const minRank = (values: number[], v: number, descending: boolean) =>
    1 + values.filter((x) => (descending ? x > v : x < v)).length;
  const sortedR = base.map((b) => b.recency_days);
  const sortedF = base.map((b) => b.frequency);
  const sortedM = base.map((b) => Math.round(b.monetary * 1e4) / 1e4);
  const score = (rank: number) => 1 + Math.floor((bins * (rank - 1)) / n);
  const map = builtInMap('default');
  const rows = base.map((b) => {
    const r = score(minRank(sortedR, b.recency_days, true));
    const f = score(minRank(sortedF, b.frequency, false));
    const m = score(minRank(sortedM, Math.round(b.monetary * 1e4) / 1e4, false));
    return {
      ...b,
      r_score: r,
      f_score: f,
      m_score: m,
      rfm_cell: `${r}${f}${m}`,
      segment: segmentOf(map, r, f, m),
    };
  });
  return {
    asOf: asOf.toISOString().slice(0, 10),
    rows: rows.sort((a, b) => a.customer_id.localeCompare(b.customer_id)),
  };
}

describe('RFM on Online Retail equals a naive computation, customer by customer', () => {
  let engine: Engine;
  let naive: ReturnType<typeof naiveRfm>;
  beforeAll(async () => {
    engine = await onlineRetailWarehouse();
    naive = naiveRfm(await onlineRetailLines(engine));
  });
  afterAll(() => engine.close());

  it('has the same as_of, customers, R, F, M, scores, cells and segments', async () => {
    const r = await rfmReport(reportContext(engine), { limit: 50_000 });
    expect(r.as_of).toBe(naive.asOf);
    expect(r.customers_total).toBe(naive.rows.length);
    const got = r.customers.map((c): Record<string, unknown> & { monetary: number } => ({
      ...c,
      monetary: Number(c['monetary']),
    }));
    expect(got.map((c) => c['customer_id'])).toEqual(naive.rows.map((c) => c.customer_id));
    const mismatches = got.filter((c, i) => {
      const e = naive.rows[i]!;
      return (
        c['recency_days'] !== e.recency_days ||
        c['frequency'] !== e.frequency ||
        Math.abs(c.monetary - e.monetary) > 1e-3 ||
        c['rfm_cell'] !== e.rfm_cell ||
        c['segment'] !== e.segment
      );
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('summarises segments consistently with the customers', async () => {
    const r = await rfmReport(reportContext(engine), { limit: 0 });
    const sizes = new Map<string, number>();
    for (const c of naive.rows) sizes.set(c.segment, (sizes.get(c.segment) ?? 0) + 1);
    expect(Object.fromEntries(r.segments.map((s) => [s['segment'], s['customers']]))).toEqual(
      Object.fromEntries(sizes),
    );
    expect(r.segments.reduce((s, x) => s + Number(x['customer_share']), 0)).toBeCloseTo(1, 9);
    expect(r.population.excluded_orders_without_customer).toBeGreaterThan(1000);
    expect(r.customers).toEqual([]);
    console.info(
      `Online Retail RFM segments (as of ${r.as_of}): ${r.segments.map((s) => `${s['segment']} ${s['customers']}`).join(', ')}`,
    );
  });

  it('honours as_of, from, bins, a custom map and a population filter', async () => {
    const r = await rfmReport(reportContext(engine), {
      as_of: '2011-06-01',
      from: '2011-01-01',
      bins: 4,
      segment_map: {
        segments: [
          { segment: 'Best', r: [4, 4], f: [3, 4] },
          { segment: 'Gone', r: [1, 1] },
        ],
      },
      filters: [{ member: 'orders.country', operator: 'equals', values: ['France'] }],
      limit: 5000,
    });
    const [expected] = (
      await engine.query(`
        SELECT count(DISTINCT f.customer_id) AS n FROM fact_order_lines f JOIN dim_geography g USING (geography_key)
        WHERE g.country = 'France' AND f.status = 'completed' AND f.quantity > 0 AND f.unit_price >= 0
          AND f.ordered_at >= '2011-01-01' AND f.ordered_at < '2011-06-01' AND f.customer_id IS NOT NULL`)
    ).rows;
    expect(r.customers_total).toBe(expected!['n']);
    expect(Math.max(...r.customers.map((c) => Number(c['r_score'])))).toBe(4);
    expect(new Set(r.segments.map((s) => s['segment']))).toEqual(new Set(['Best', 'Gone', 'Others']));
    const bad = await rfmReport(reportContext(engine), { bins: 4, segment_map: 'default' }).catch(
      (e: Error) => e.message,
    );
    expect(bad).toBe('segment map: Champions asks r up to 5, but scores go to 4');
  });

  it('the rfm-package map shadows Lost behind Hibernating, as first match wins', async () => {
    const r = await rfmReport(reportContext(engine), { segment_map: 'rfm-package', limit: 0 });
    const names = r.segments.map((s) => s['segment']);
    expect(names).not.toContain('Lost');
    expect(names).toContain('Hibernating');
  });
});
