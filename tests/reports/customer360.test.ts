import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardClustering } from '../../src/dashboards/clustering';
import type { Engine, Row } from '../../src/engine';
import { warehouseVersion } from '../../src/etl';
import { clvReport } from '../../src/reports/clv/report';
import { Customer360, type CustomerDetail, DetailParamsSchema } from '../../src/reports/customer360';
import { rfmPopulation, scoreRfm } from '../../src/reports/customer360/rfm';
import { rfmReport } from '../../src/reports/rfm/report';
import { segmentsReport } from '../../src/reports/segments/report';
import { saveSegment } from '../../src/reports/target-groups/store';
import { DEMO, DEMO_AS_OF, loadDemo, ROOT } from '../helpers/demo';
import { reportContext } from '../helpers/reports';

const AS_OF = DEMO_AS_OF;

/** Customers with the histories worth looking at, chosen by what the warehouse holds. */
const PICKS = {
  /** Several SCD2 versions, with orders placed under more than one of them. */
  scd2: `SELECT customer_id FROM dim_customer WHERE NOT is_placeholder AND customer_id IN (
           SELECT customer_id FROM fact_order_lines GROUP BY 1 HAVING count(DISTINCT customer_key) >= 2)
         GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  /** A business with the most completed revenue unpaid past its due date. */
  overdue: `SELECT o.customer_id FROM fact_order_lines o
            JOIN dim_customer c ON c.customer_id = o.customer_id AND c.is_current AND c.type = 'b2b'
            WHERE o.status = 'completed' AND o.paid_at IS NULL AND o.due_at < TIMESTAMP '${DEMO_AS_OF}'
            GROUP BY 1 ORDER BY sum(o.revenue) DESC, 1 LIMIT 1`,
  planned: `SELECT customer_id FROM fact_interactions WHERE status = 'planned'
            GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  placeholder: `SELECT customer_id FROM dim_customer WHERE is_placeholder
                AND customer_id IN (SELECT customer_id FROM fact_order_lines) ORDER BY 1 LIMIT 1`,
  /** Web sessions in which the customer was anonymous before logging in or checking out. */
  web: `SELECT customer_id FROM fact_web_events WHERE customer_id IS NOT NULL AND session_id IN (
          SELECT session_id FROM fact_web_events GROUP BY 1 HAVING count(customer_id) BETWEEN 1 AND count(*) - 1)
        GROUP BY 1 ORDER BY count(DISTINCT session_id) DESC, 1 LIMIT 1`,
  /** The most interactions, deal stages, tickets and campaign responses. */
  busy: `SELECT customer_id FROM (
           SELECT customer_id FROM fact_interactions UNION ALL SELECT customer_id FROM fact_deal_stages
           UNION ALL SELECT customer_id FROM fact_tickets UNION ALL SELECT customer_id FROM fact_campaign_responses)
         GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  /** An order and the campaign conversion it completes at the same instant, among a dozen or more facts. */
  tie: `WITH tied AS (
          SELECT DISTINCT r.customer_id FROM fact_campaign_responses r JOIN fact_order_lines o
            ON o.customer_id = r.customer_id AND o.ordered_at = r.occurred_at WHERE r.event = 'converted'),
        facts AS (
          SELECT customer_id, count(*) AS n FROM (
            SELECT customer_id FROM fact_interactions UNION ALL SELECT customer_id FROM fact_campaign_responses
            UNION ALL SELECT customer_id FROM fact_order_lines) GROUP BY 1)
        SELECT customer_id FROM tied JOIN facts USING (customer_id) WHERE n >= 12 ORDER BY n, customer_id LIMIT 1`,
} as const;

type Pick = keyof typeof PICKS;

/** The KPIs written out by hand over the fact tables. */
const HAND_KPIS = `
  WITH o AS (
    SELECT *, status = 'completed' AND quantity > 0 AND unit_price >= 0 AS ok,
           paid_at IS NULL OR paid_at >= $2::TIMESTAMP AS unpaid
    FROM fact_order_lines WHERE customer_id = $1 AND ordered_at < $2::TIMESTAMP),
  d AS (SELECT * FROM fact_deal_stages WHERE customer_id = $1
        QUALIFY row_number() OVER (PARTITION BY deal_id ORDER BY entered_at DESC) = 1),
  i AS (SELECT * FROM fact_interactions WHERE customer_id = $1),
  t AS (SELECT * FROM fact_tickets WHERE customer_id = $1 AND opened_at < $2::TIMESTAMP),
  w AS (SELECT * FROM fact_web_events WHERE customer_id = $1 AND occurred_at < $2::TIMESTAMP)
  SELECT
    (SELECT coalesce(sum(revenue) FILTER (WHERE ok), 0)::DOUBLE FROM o) AS revenue,
    (SELECT count(DISTINCT order_id) FILTER (WHERE ok) FROM o) AS orders,
    (SELECT coalesce(sum(quantity) FILTER (WHERE ok), 0)::DOUBLE FROM o) AS items,
    (SELECT count(*) FROM o) AS order_lines,
    (SELECT count(*) FILTER (WHERE status = 'returned') FROM o) AS returns,
    (SELECT count(*) FILTER (WHERE status = 'cancelled') FROM o) AS cancelled_lines,
    (SELECT min(ordered_at) FILTER (WHERE ok) FROM o) AS first_order_at,
    (SELECT max(ordered_at) FILTER (WHERE ok) FROM o) AS last_order_at,
    (SELECT coalesce(sum(revenue) FILTER (WHERE ok AND unpaid), 0)::DOUBLE FROM o) AS open_receivables,
    (SELECT coalesce(sum(revenue) FILTER (WHERE ok AND unpaid AND due_at < $2::TIMESTAMP), 0)::DOUBLE FROM o)
      AS overdue_receivables,
    (SELECT count(DISTINCT order_id) FILTER (WHERE ok AND unpaid AND due_at < $2::TIMESTAMP) FROM o) AS overdue_orders,
    (SELECT count(*) FILTER (WHERE status = 'done' AND occurred_at < $2::TIMESTAMP) FROM i) AS interactions_done,
    (SELECT max(occurred_at) FILTER (WHERE status = 'done' AND occurred_at < $2::TIMESTAMP) FROM i)
      AS last_interaction_at,
    (SELECT count(*) FILTER (WHERE status = 'planned') FROM i) AS interactions_planned,
    (SELECT min(occurred_at) FILTER (WHERE status = 'planned') FROM i) AS next_planned_at,
    (SELECT count(*) FROM d) AS deals,
    (SELECT count(*) FILTER (WHERE stage NOT IN ('won', 'lost')) FROM d) AS open_deals,
    (SELECT coalesce(sum(amount) FILTER (WHERE stage NOT IN ('won', 'lost')), 0)::DOUBLE FROM d) AS open_pipeline,
    (SELECT count(*) FILTER (WHERE stage = 'won') FROM d) AS won_deals,
    (SELECT coalesce(sum(amount) FILTER (WHERE stage = 'won'), 0)::DOUBLE FROM d) AS won_amount,
    (SELECT count(*) FROM t) AS tickets,
    (SELECT count(*) FILTER (WHERE resolved_at IS NULL) FROM t) AS open_tickets,
    (SELECT avg(satisfaction) FROM t) AS average_satisfaction,
    (SELECT count(DISTINCT session_id) FROM w) AS web_sessions,
    (SELECT count(DISTINCT session_id) FILTER (WHERE event = 'purchase') FROM w) AS purchasing_web_sessions`;

/**
 * Revenue, orders and overdue receivables straight from the landing file, applying what the
 * README says a loader must do: trim and lower-case enums, drop rows that do not parse, keep
 * the latest `updated_at` of each order line.
 */
const RAW_ORDERS = `
  WITH raw AS (
    SELECT order_id, TRY_CAST(line_no AS INTEGER) AS line_no, lower(trim(status)) AS status,
           TRY_CAST(quantity AS DOUBLE) AS q, TRY_CAST(unit_price AS DOUBLE) AS p,
           coalesce(TRY_CAST(discount AS DOUBLE), 0) AS d, TRY_CAST(ordered_at AS TIMESTAMP) AS ts,
           TRY_CAST(due_at AS TIMESTAMP) AS due, TRY_CAST(paid_at AS TIMESTAMP) AS paid,
           TRY_CAST(updated_at AS TIMESTAMP) AS updated
    FROM read_csv('${join(DEMO, 'shop', 'orders.csv.gz')}', all_varchar = true)
    WHERE trim(customer_id) = $1),
  lines AS (
    SELECT * FROM raw WHERE order_id IS NOT NULL AND ts IS NOT NULL AND q IS NOT NULL AND p IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY order_id, line_no ORDER BY updated DESC) = 1)
  SELECT sum(q * p * (1 - d)) FILTER (WHERE status = 'completed' AND q > 0 AND p >= 0) AS revenue,
         count(DISTINCT order_id) FILTER (WHERE status = 'completed' AND q > 0 AND p >= 0) AS orders,
         coalesce(sum(q * p * (1 - d)) FILTER (WHERE status = 'completed' AND q > 0 AND p >= 0
           AND paid IS NULL AND due < TIMESTAMP '${DEMO_AS_OF}'), 0) AS overdue
  FROM lines`;

/** Timeline entries per kind, counted by hand. */
const HAND_COUNTS = `
  SELECT (SELECT count(DISTINCT order_id) FROM fact_order_lines WHERE customer_id = $1) AS "order",
         (SELECT count(*) FROM fact_interactions WHERE customer_id = $1) AS interaction,
         (SELECT count(*) FROM fact_campaign_responses WHERE customer_id = $1) AS campaign,
         (SELECT count(DISTINCT session_id) FROM fact_web_events WHERE customer_id = $1) AS web_session,
         (SELECT count(*) FROM fact_deal_stages WHERE customer_id = $1) AS deal,
         (SELECT count(*) FROM fact_tickets WHERE customer_id = $1) AS ticket,
         (SELECT count(*) FROM fact_interactions WHERE customer_id = $1 AND status = 'planned') AS planned,
         (SELECT count(*) FROM fact_web_events WHERE session_id IN (
            SELECT session_id FROM fact_web_events WHERE customer_id = $1)) AS web_events`;

describe('Customer 360 on the demo company', () => {
  let engine: Engine;
  let customers: Customer360;
  const picks = {} as Record<Pick, string>;
  const details = new Map<string, CustomerDetail>();
  const row = async (text: string, params: unknown[]): Promise<Row> =>
    (await engine.query({ text, params: params as never })).rows[0]!;
  const detail = (id: string, query: Record<string, unknown> = {}) =>
    customers.detail(id, DetailParamsSchema.parse({ timeline_limit: 2000, ...query }));

  beforeAll(async () => {
    ({ engine } = await loadDemo());
    customers = new Customer360(reportContext(engine), { version: () => warehouseVersion(engine) });
    for (const [name, text] of Object.entries(PICKS)) {
      picks[name as Pick] = String((await row(text, []))['customer_id']);
    }
    for (const id of new Set(Object.values(picks))) details.set(id, await detail(id));
  });
  afterAll(async () => {
    await engine.close();
  });

  it('picks distinct customers with the histories asked for', () => {
    expect(new Set(Object.values(picks)).size).toBe(Object.keys(PICKS).length);
    expect(details.get(picks.scd2)!.history.length).toBeGreaterThanOrEqual(2);
    expect(details.get(picks.overdue)!.kpis.overdue_receivables).toBeGreaterThan(0);
    expect(details.get(picks.planned)!.kpis.interactions_planned).toBeGreaterThan(0);
  });

  it('shows the current version as the profile and every SCD2 version, oldest first', async () => {
    for (const [id, d] of details) {
      const versions = (
        await engine.query({
          text: `SELECT valid_from, valid_to, is_current, type, industry, country, region, city, name, email, phone
                 FROM dim_customer WHERE customer_id = $1 ORDER BY valid_from`,
          params: [id],
        })
      ).rows;
      expect(d.history).toEqual(versions);
      const current = versions.find((v) => v['is_current'])!;
      expect(d.profile).toMatchObject({
        customer_id: id,
        name: current['name'],
        email: current['email'],
        country: current['country'],
        city: current['city'],
      });
      expect(d.as_of).toBe(AS_OF);
    }
    const placeholder = details.get(picks.placeholder)!;
    expect(placeholder.profile).toMatchObject({ placeholder: true, name: null, email: null });
    expect(details.get(picks.scd2)!.profile.placeholder).toBe(false);
  });

  it('computes the KPIs as hand-written SQL over the fact tables does, over all SCD2 versions', async () => {
    for (const [id, d] of details) {
      const hand = await row(HAND_KPIS, [id, AS_OF]);
      const { average_order_value, ...rest } = d.kpis;
      expect(Object.keys(rest).sort()).toEqual(Object.keys(hand).sort());
      for (const [k, v] of Object.entries(rest)) {
        if (typeof v === 'number') expect(v, `${id} ${k}`).toBeCloseTo(Number(hand[k] ?? 0), 6);
        else expect(v, `${id} ${k}`).toEqual(hand[k] ?? null);
      }
      const orders = Number(hand['orders']);
      expect(average_order_value).toEqual(
        orders === 0 ? null : expect.closeTo(Number(hand['revenue']) / orders, 6),
      );
    }
  });

  it('agrees with the raw landing file on revenue, orders and overdue receivables', async () => {
    for (const id of [picks.scd2, picks.overdue, picks.web]) {
      const raw = await row(RAW_ORDERS, [id]);
      const { kpis } = details.get(id)!;
      expect(kpis.revenue, id).toBeCloseTo(Number(raw['revenue']), 2);
      expect(kpis.orders, id).toBe(Number(raw['orders']));
      expect(kpis.overdue_receivables, id).toBeCloseTo(Number(raw['overdue']), 2);
    }
  });

  it('has one timeline entry per order, interaction, response, session, deal stage and ticket', async () => {
    for (const [id, d] of details) {
      const hand = await row(HAND_COUNTS, [id]);
      const count = (kind: string) => d.timeline.filter((e) => e.kind === kind).length;
      for (const kind of ['order', 'interaction', 'campaign', 'web_session', 'deal', 'ticket']) {
        expect(count(kind), `${id} ${kind}`).toBe(Number(hand[kind]));
        expect(d.timeline_totals[kind as never] ?? 0, `${id} ${kind} total`).toBe(Number(hand[kind]));
      }
      expect(d.timeline_next_before).toBeNull();
      expect(d.timeline.filter((e) => e.planned).length).toBe(Number(hand['planned']));
      const sessions = d.timeline.filter((e) => e.kind === 'web_session');
      expect(sessions.reduce((n, e) => n + Number(e.data['events']), 0)).toBe(Number(hand['web_events']));
      const orders = d.timeline.filter((e) => e.kind === 'order');
      expect(orders.reduce((s, e) => s + Number(e.data['revenue']), 0)).toBeCloseTo(d.kpis.revenue, 6);
      const ats = d.timeline.map((e) => e.at);
      expect(ats).toEqual([...ats].sort().reverse());
    }
    const planned = details.get(picks.planned)!.timeline;
    const firstPlanned = planned.findIndex((e) => e.planned);
    // Planned interactions lie after everything that happened.
    expect(planned.slice(0, firstPlanned).every((e) => e.planned)).toBe(true);
    expect(planned.filter((e) => e.planned).every((e) => e.at >= `${AS_OF}T00:00:00.000`)).toBe(true);
  });

  it('counts the anonymous events of a session the customer logged into', async () => {
    const d = details.get(picks.web)!;
    const hand = await row(
      `SELECT count(*) AS events, count(*) FILTER (WHERE customer_id IS NULL) AS anonymous FROM fact_web_events
       WHERE session_id IN (SELECT session_id FROM fact_web_events WHERE customer_id = $1)`,
      [d.profile.customer_id],
    );
    expect(Number(hand['anonymous'])).toBeGreaterThan(0);
    const sessions = d.timeline.filter((e) => e.kind === 'web_session');
    expect(sessions.reduce((n, e) => n + Number(e.data['events']), 0)).toBe(Number(hand['events']));
  });

  it('pages the timeline with before, never splitting entries of one instant', async () => {
    const id = picks.tie;
    const all = details.get(id)!.timeline;
    const pages: (typeof all)[] = [];
    let before: string | undefined;
    // One entry a page: every page is one instant, all of whose entries it must hold.
    for (let n = 0; n <= all.length; n++) {
      const d = await detail(id, { timeline_limit: 1, ...(before ? { before } : {}) });
      // One entry per page, but the totals count the whole timeline, on every page.
      expect(d.timeline_totals).toEqual(details.get(id)!.timeline_totals);
      pages.push(d.timeline);
      if (!d.timeline_next_before) break;
      before = d.timeline_next_before;
    }
    expect(pages.flat()).toEqual(all);
    expect(pages.every((p) => p.length > 0 && p.every((e) => e.at === p[0]!.at))).toBe(true);
    expect(pages.some((p) => p.length > 1)).toBe(true);
  });

  it('keeps only the kinds asked for', async () => {
    const d = await detail(picks.busy, { kinds: 'deal,ticket' });
    const full = details.get(picks.busy)!.timeline;
    expect(d.timeline).toEqual(full.filter((e) => e.kind === 'deal' || e.kind === 'ticket'));
  });

  it("gives each customer the rfm report's own scores and segment", async () => {
    const report = await rfmReport(reportContext(engine), { as_of: AS_OF, limit: 50_000 });
    const byId = new Map(report.customers.map((c) => [String(c['customer_id']), c]));
    for (const [id, d] of details) {
      const r = byId.get(id);
      if (!r) {
        expect(d.rfm, id).toBeNull();
        continue;
      }
      expect(d.rfm, id).toEqual({
        recency_days: r['recency_days'],
        frequency: r['frequency'],
        monetary: r['monetary'],
        r: r['r_score'],
        f: r['f_score'],
        m: r['m_score'],
        cell: r['rfm_cell'],
        segment: r['segment'],
        population: report.customers_total,
      });
    }
    // The ranking of one customer against the memoised population reproduces every row of the report.
    const population = await rfmPopulation(reportContext(engine), AS_OF);
    const mismatches = report.customers.filter((c) => {
      const s = scoreRfm(population, {
        recency_days: Number(c['recency_days']),
        frequency: Number(c['frequency']),
        monetary: Number(c['monetary']),
      });
      return s.cell !== c['rfm_cell'] || s.segment !== c['segment'];
    });
    expect(report.customers.length).toBe(report.customers_total);
    expect(mismatches).toEqual([]);
  });

  it("shows the clv report's P(alive), expected purchases, expected value and CLV for the customer", async () => {
    const report = await clvReport(reportContext(engine), { as_of: AS_OF, limit: 50_000 });
    const byId = new Map(report.customers.map((c) => [String(c['customer_id']), c]));
    let compared = 0;
    for (const [id, d] of details) {
      const c = byId.get(id);
      if (!c) {
        expect(d.clv, id).toBeNull();
        continue;
      }
      compared++;
      expect(d.clv, id).toMatchObject({ frequency: c['frequency'], unit: 'week', horizon: 52 });
      for (const key of [
        'recency',
        'T',
        'p_alive',
        'expected_purchases',
        'expected_avg_value',
        'clv',
      ] as const) {
        expect(d.clv![key], `${id} ${key}`).toBeCloseTo(Number(c[key]), 9);
      }
    }
    expect(compared).toBeGreaterThan(3);
  });

  it("puts each customer in the segments report's cluster", async () => {
    const report = await segmentsReport(reportContext(engine), { as_of: AS_OF, limit: 50_000 });
    const byId = new Map(report.customers.map((c) => [String(c['customer_id']), Number(c['cluster'])]));
    let compared = 0;
    for (const [id, d] of details) {
      if (!byId.has(id)) {
        expect(d.cluster, id).toBeNull();
        continue;
      }
      compared++;
      const c = byId.get(id)!;
      expect(d.cluster, id).toMatchObject({
        cluster: c,
        k: report.k,
        customers: report.clusters[c]!.customers,
      });
      expect(d.cluster!.mean_monetary).toBeCloseTo(report.clusters[c]!.mean_monetary!, 6);
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('with the clustering the dashboards show, the same k, cluster and name as that tile', async () => {
    const clustering = dashboardClustering(ROOT)!;
    expect(clustering).toMatchObject({ dashboard: 'marketing-segments', params: { k: 4 } });
    const shown = new Customer360(reportContext(engine), {
      version: () => warehouseVersion(engine),
      clustering: clustering.params,
    });
    const report = await segmentsReport(reportContext(engine), {
      ...clustering.params,
      as_of: AS_OF,
      limit: 50_000,
    });
    expect(report.k).toBe(4);
    const byId = new Map(report.customers.map((c) => [String(c['customer_id']), Number(c['cluster'])]));
    for (const id of [picks.scd2, picks.overdue, picks.web]) {
      const d = await shown.detail(id, DetailParamsSchema.parse({ timeline_limit: 1 }));
      const c = byId.get(id)!;
      expect(d.cluster, id).toMatchObject({ cluster: c, k: 4, label: report.clusters[c]!.label });
    }
    // Named for people, and apart: no two clusters share a name.
    const labels = report.clusters.map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const l of labels)
      expect(l).toMatch(/^(Recent|Cooling|Lapsed), (rare|regular|frequent), (low|mid|high) spend/);
  });

  it('lists the saved segments the customer is a member of', async () => {
    const ctx = reportContext(engine);
    await saveSegment(ctx, {
      name: 'Customer 360 test A',
      definition: { source: 'ids', customer_ids: [picks.scd2, picks.overdue] },
    });
    await saveSegment(ctx, {
      name: 'Customer 360 test B',
      definition: { source: 'ids', customer_ids: [picks.scd2] },
    });
    expect(
      (await detail(picks.scd2, { kinds: 'ticket' })).segments.map((s) => [s.segment_id, s.name]),
    ).toEqual([
      ['customer-360-test-a', 'Customer 360 test A'],
      ['customer-360-test-b', 'Customer 360 test B'],
    ]);
    expect((await detail(picks.overdue, { kinds: 'ticket' })).segments.map((s) => s.segment_id)).toEqual([
      'customer-360-test-a',
    ]);
    expect((await detail(picks.planned, { kinds: 'ticket' })).segments).toEqual([]);
  });

  it('reads KPIs and RFM as of an earlier date', async () => {
    const id = picks.scd2;
    const d = await detail(id, { as_of: '2025-07-01', kinds: 'order' });
    const hand = await row(HAND_KPIS, [id, '2025-07-01']);
    expect(d.as_of).toBe('2025-07-01');
    expect(d.kpis.revenue).toBeCloseTo(Number(hand['revenue']), 6);
    expect(d.kpis.orders).toBe(Number(hand['orders']));
    const report = await rfmReport(reportContext(engine), { as_of: '2025-07-01', limit: 50_000 });
    const r = report.customers.find((c) => c['customer_id'] === id);
    expect(d.rfm?.cell ?? null).toBe(r?.['rfm_cell'] ?? null);
    expect(d.rfm?.recency_days ?? null).toBe(r?.['recency_days'] ?? null);
  });

  it('answers NOT_FOUND for an id the warehouse does not know', async () => {
    await expect(detail('C999999999')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
