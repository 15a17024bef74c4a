import type { Row } from '../../engine';
import { cast, raw, type SqlNode, sql } from '../../sql';
import { computeOf, type ReportContext } from '../common/context';
import { withTempTable } from '../common/temp';
import { assignSql, type SegmentsFit, type SegmentsPlan } from '../segments/fit';
import { clusterLabels } from '../segments/labels';
import { fitSegments, planSegments } from '../segments/report';

/** The segments report's default fit as of one date, with each cluster's profile. */
export interface ClusterModel {
  readonly plan: SegmentsPlan;
  /** Each cluster's name in words, as the segments report gives it. */
  readonly labels: ReadonlyMap<number, string>;
  readonly fit: SegmentsFit;
  readonly k: number;
  readonly profiles: ReadonlyMap<number, Row>;
  readonly customers: number;
}

export interface CustomerCluster {
  cluster: number;
  label: string;
  k: number;
  /** The cluster's size and mean raw R, F, M over the whole population. */
  customers: number;
  customer_share: number;
  mean_recency_days: number;
  mean_frequency: number;
  mean_monetary: number;
}

/**
 * Fits the segments report's clustering (its defaults, or the parameters given) (the expensive part: seconds on the demo) and
 * profiles its clusters over the whole population; null when the report finds no clusters.
 */
export async function clusterModel(
  ctx: ReportContext,
  asOf: string,
  params: Readonly<Record<string, unknown>> = {},
): Promise<ClusterModel | null> {
  const plan = await planSegments(ctx, { ...params, as_of: asOf, limit: 0 });
  return withTempTable(ctx.engine, plan.table, async (session, table) => {
    const fit = await fitSegments(session, plan, table, undefined, computeOf(ctx));
    if (fit.k === null) return null;
    const rows = (
      await session.query(sql`
        SELECT cluster, count(*) AS customers, count(*) / sum(count(*)) OVER () AS customer_share,
               avg(recency_days) AS mean_recency_days, avg(frequency) AS mean_frequency,
               ${cast(raw('sum(monetary)'), 'double')} / count(*) AS mean_monetary
        FROM (${assignSql(table, fit.features, fit.centroids)}) GROUP BY cluster`)
    ).rows;
    const ordered = [...Array(fit.k).keys()].map((c) => {
      const p = rows.find((r) => Number(r['cluster']) === c);
      const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return {
        customers: Number(p?.['customers'] ?? 0),
        mean_recency_days: n(p?.['mean_recency_days']),
        mean_frequency: n(p?.['mean_frequency']),
        mean_monetary: n(p?.['mean_monetary']),
      };
    });
    const labels = clusterLabels(ordered);
    return {
      plan,
      labels: new Map(labels.map((l, c) => [c, l])),
      fit,
      k: fit.k,
      profiles: new Map(rows.map((r) => [Number(r['cluster']), r])),
      customers: fit.customers,
    };
  });
}

/**
 * The SQL assigning the customer to a cluster by the report's own SQL and centroids (columns
 * customer_id, cluster, recency_days, frequency, monetary). The default features are R, F and M,
 * which depend on the customer's orders only, so the customer's RFM row stands in for the whole
 * feature table; extra features would need the table itself.
 */
export function assignCustomerSql(model: ClusterModel, customerId: string, rfmRow: SqlNode): SqlNode {
  const own = model.fit.features.every((f) => f.perCustomer === undefined)
    ? sql`(${rfmRow}) AS features`
    : sql`(SELECT * FROM (${model.plan.table}) WHERE customer_id = ${customerId}) AS features`;
  return assignSql(own, model.fit.features, model.fit.centroids);
}

/** The cluster of an assigned row, with the cluster's profile. */
export function clusterOf(model: ClusterModel, assigned: Row): CustomerCluster {
  const cluster = Number(assigned['cluster']);
  const p = model.profiles.get(cluster);
  return {
    cluster,
    // The segments report's own name for it, and its number (0 = highest mean revenue).
    label: model.labels.get(cluster) ?? `Cluster ${cluster}`,
    k: model.k,
    customers: Number(p?.['customers'] ?? 0),
    customer_share: Number(p?.['customer_share'] ?? 0),
    mean_recency_days: Number(p?.['mean_recency_days'] ?? 0),
    mean_frequency: Number(p?.['mean_frequency'] ?? 0),
    mean_monetary: Number(p?.['mean_monetary'] ?? 0),
  };
}
