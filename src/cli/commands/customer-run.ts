import { join } from 'node:path';
import { dashboardClustering } from '../../dashboards/clustering';
import { warehouseVersion } from '../../etl';
import { loadModel } from '../../model/load';
import { parseParams } from '../../reports/common/params';
import {
  Customer360,
  type CustomerDetail,
  DetailParamsSchema,
  SearchParamsSchema,
} from '../../reports/customer360';
import { formatTable } from '../../util/text-table';
import { clockOf, projectRoot, withWarehouse } from '../context';

export interface ShowOptions {
  db?: string;
  asOf?: string;
  limit: string;
  kinds?: string;
  before?: string;
  json?: boolean;
}

export interface SearchOptions {
  db?: string;
  limit: string;
  json?: boolean;
}

async function withCustomers<T>(db: string | undefined, body: (c: Customer360) => Promise<T>): Promise<T> {
  const model = loadModel(join(projectRoot(), 'cubes'));
  return withWarehouse(db, async (engine) =>
    body(
      new Customer360(
        { engine, model, now: (await clockOf(engine)).now },
        { version: () => warehouseVersion(engine), clustering: dashboardClustering(projectRoot())?.params },
      ),
    ),
  );
}

/** The detail as text: profile, KPIs, scores, memberships, then the timeline. */
function printDetail(d: CustomerDetail): void {
  const p = d.profile;
  console.log(`${p.customer_id}  ${p.name ?? '(no name)'}${p.placeholder ? '  [placeholder]' : ''}`);
  console.log(
    [p.email, p.phone, p.type, p.industry, [p.city, p.country].filter(Boolean).join(', ')]
      .filter((x) => x !== null && x !== '')
      .join(' · '),
  );
  console.log(`\nas of ${d.as_of}\n`);
  console.log(formatTable(Object.entries(d.kpis).map(([kpi, value]) => ({ kpi, value }))));
  if (d.rfm)
    console.log(
      `\nRFM ${d.rfm.cell} (${d.rfm.segment}): R ${d.rfm.recency_days} days, F ${d.rfm.frequency}, M ${d.rfm.monetary}`,
    );
  if (d.cluster) console.log(`cluster ${d.cluster.cluster} of ${d.cluster.k}: ${d.cluster.label}`);
  if (d.clv) {
    const c = d.clv;
    const money = (v: number | null) =>
      v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
    console.log(
      `value: P(alive) ${(c.p_alive * 100).toFixed(1)}%, ${money(c.expected_purchases)} purchases expected over ` +
        `the next ${c.horizon} ${c.unit}s at ${money(c.expected_avg_value)} each, CLV ${money(c.clv)}`,
    );
  }
  if (d.segments.length > 0) console.log(`segments: ${d.segments.map((s) => s.name).join(', ')}`);
  if (d.history.length > 1) {
    console.log('\nhistory');
    console.log(
      formatTable(
        d.history.map((h) => ({ ...h })),
        ['valid_from', 'valid_to', 'type', 'industry', 'country', 'city'],
      ),
    );
  }
  console.log('\ntimeline');
  console.log(
    formatTable(
      d.timeline.map((e) => ({ ...e })),
      ['at', 'kind', 'title', 'status', 'amount', 'detail'],
    ),
  );
  if (d.timeline_next_before) console.log(`(more: --before ${d.timeline_next_before})`);
}

export async function show(id: string, o: ShowOptions): Promise<void> {
  const params = parseParams(
    DetailParamsSchema,
    { as_of: o.asOf, timeline_limit: o.limit, kinds: o.kinds, before: o.before },
    'customer show',
  );
  const detail = await withCustomers(o.db, (c) => c.detail(id, params));
  if (o.json) console.log(JSON.stringify(detail, null, 2));
  else printDetail(detail);
}

export async function search(text: string, o: SearchOptions): Promise<void> {
  const params = parseParams(SearchParamsSchema, { search: text, limit: o.limit }, 'customer search');
  const result = await withCustomers(o.db, (c) => c.search(params));
  if (o.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatTable(result.data.map((h) => ({ ...h }))));
}
