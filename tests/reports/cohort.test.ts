import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine';
import { cohort } from '../../src/reports/cohort/report';
import { onlineRetailLines, onlineRetailWarehouse, reportContext } from '../helpers/reports';

type Lines = Awaited<ReturnType<typeof onlineRetailLines>>;

/** A naive monthly cohort matrix: loops and maps over the source file's completed lines. */
function naiveCohorts(lines: Lines, asOf: string) {
  const month = (at: string) => Number(at.slice(0, 4)) * 12 + Number(at.slice(5, 7)) - 1;
  const label = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
  const completed = lines.filter(
    (l) => l.customer !== null && !l.invoice.startsWith('C') && l.qty > 0 && l.price >= 0 && l.at < asOf,
  );
  const first = new Map<string, number>();
  for (const l of completed)
    first.set(l.customer!, Math.min(first.get(l.customer!) ?? Number.POSITIVE_INFINITY, month(l.at)));
  const active = new Map<string, Set<string>>();
  const revenue = new Map<string, number>();
  for (const l of completed) {
    const key = `${first.get(l.customer!)}:${month(l.at) - first.get(l.customer!)!}`;
    if (!active.has(key)) active.set(key, new Set());
    active.get(key)!.add(l.customer!);
    revenue.set(key, (revenue.get(key) ?? 0) + l.qty * l.price);
  }
  const size = new Map<number, number>();
  for (const c of first.values()) size.set(c, (size.get(c) ?? 0) + 1);
  const lastMonth = month(new Date(Date.parse(`${asOf}T00:00:00Z`) - 1).toISOString());
  const cells: {
    cohort: string;
    period_offset: number;
    cohort_size: number;
    active_customers: number;
    revenue: number;
    cumulative: number;
  }[] = [];
  for (const c of [...size.keys()].sort((a, b) => a - b)) {
    let cumulative = 0;
    for (let k = 0; c + k <= lastMonth; k++) {
      const key = `${c}:${k}`;
      cumulative += revenue.get(key) ?? 0;
      cells.push({
        cohort: label(c),
        period_offset: k,
        cohort_size: size.get(c)!,
        active_customers: active.get(key)?.size ?? 0,
        revenue: revenue.get(key) ?? 0,
        cumulative: cumulative / size.get(c)!,
      });
    }
  }
  return cells;
}

describe('cohort retention on Online Retail equals a naive computation, cell by cell', () => {
  let engine: Engine;
  let lines: Lines;
  beforeAll(async () => {
    engine = await onlineRetailWarehouse();
    lines = await onlineRetailLines(engine);
  });
  afterAll(() => engine.close());

  it('monthly cohorts: sizes, active customers, revenue, LTV curve and the partial last month', async () => {
    const out = await cohort.run(reportContext(engine), cohort.schema.parse({}));
    expect(out.json['as_of']).toBe('2011-12-10');
    const naive = naiveCohorts(lines, '2011-12-10');
    const got = out.rows.data;
    expect(
      got.map((r) => [r['cohort'], r['period_offset'], r['cohort_size'], r['active_customers']]),
    ).toEqual(naive.map((n) => [n.cohort, n.period_offset, n.cohort_size, n.active_customers]));
    got.forEach((r, i) => {
      expect(Number(r['revenue'])).toBeCloseTo(naive[i]!.revenue, 2);
      expect(Number(r['cumulative_revenue_per_customer'])).toBeCloseTo(naive[i]!.cumulative, 4);
      expect(r['retention']).toBeCloseTo(naive[i]!.active_customers / naive[i]!.cohort_size, 12);
    });
    // December 2011 ends on the 9th: the last month of every cohort is partial, the others are not.
    expect(got.filter((r) => r['partial']).every((r) => String(r['cohort']) <= '2011-12-01')).toBe(true);
    expect(new Set(got.filter((r) => r['partial']).map((r) => r['cohort'])).size).toBe(
      new Set(got.map((r) => r['cohort'])).size,
    );
    expect(got.filter((r) => r['partial']).length).toBe(13);
    // The data starts in December 2010: that cohort holds every earlier customer who bought then.
    expect([...new Set(got.filter((r) => r['left_censored']).map((r) => r['cohort']))]).toEqual([
      '2010-12-01',
    ]);
    console.info(
      `Online Retail: ${new Set(got.map((r) => r['cohort'])).size} monthly cohorts, ${got.length} cells; 2010-12 month-1 retention ${got[1]!['retention']}`,
    );
  });

  it('weeks and quarters use calendar indexes; as_of cuts later cells; max_offset caps the width', async () => {
    const weeks = await cohort.run(
      reportContext(engine),
      cohort.schema.parse({ granularity: 'week', as_of: '2011-03-01' }),
    );
    const cohorts = new Set(weeks.rows.data.map((r) => String(r['cohort'])));
    for (const c of cohorts) expect(new Date(`${c}T00:00:00Z`).getUTCDay()).toBe(1);
    expect([...cohorts].every((c) => c < '2011-03-01')).toBe(true);
    const quarters = await cohort.run(
      reportContext(engine),
      cohort.schema.parse({ granularity: 'quarter', max_offset: 1 }),
    );
    expect(Math.max(...quarters.rows.data.map((r) => Number(r['period_offset'])))).toBe(1);
    expect(quarters.rows.data[0]).toMatchObject({ cohort: '2010-10-01', period_offset: 0 });
  });

  it('a population filter narrows the cohorts to its customers', async () => {
    const uk = await cohort.run(
      reportContext(engine),
      cohort.schema.parse({
        filters: [{ member: 'orders.country', operator: 'equals', values: ['United Kingdom'] }],
      }),
    );
    const all = await cohort.run(reportContext(engine), cohort.schema.parse({}));
    const size = (o: typeof uk) =>
      o.rows.data.filter((r) => r['period_offset'] === 0).reduce((s, r) => s + Number(r['cohort_size']), 0);
    expect(size(uk)).toBeLessThan(size(all));
    expect(size(uk)).toBeGreaterThan(3000);
  });
});
