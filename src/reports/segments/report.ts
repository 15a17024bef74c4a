import type { Row } from '../../engine';
import { AppError } from '../../errors';
import { cast, ident, list, param, raw, type SqlNode, sql } from '../../sql';
import { computeOf, type ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { dropTempTables, tempTableName, withTempTable } from '../common/temp';
import { rawCentroid } from './features';
import { assignSql, fitSegments, type PhaseHook, planSegments, timed } from './fit';
import { clusterLabels } from './labels';
import { SEGMENTS_COLUMNS, type SegmentsParams, SegmentsParamsSchema } from './params';

export { fitSegments, planSegments } from './fit';
export { SEGMENTS_COLUMNS, type SegmentsParams, SegmentsParamsSchema } from './params';

export interface ClusterProfile {
  cluster: number;
  /** In words, against the whole population: "Recent, frequent, high spend". */
  label: string;
  customers: number;
  customer_share: number;
  revenue: number;
  revenue_share: number | null;
  mean_recency_days: number | null;
  mean_frequency: number | null;
  mean_monetary: number | null;
  /** Mean raw value of each extra feature. */
  feature_means: Record<string, number | null>;
  /** Sum of squared standardised distances to the centroid. */
  inertia: number;
}

export interface SegmentsResult {
  params: Omit<SegmentsParams, 'limit'>;
  as_of: string | null;
  population: {
    customers: number;
    excluded_lines_without_customer: number;
    excluded_orders_without_customer: number;
  };
  features: {
    name: string;
    transform: 'log1p' | 'none';
    mean: number;
    sd: number;
    missing: 'none' | 'zero' | 'mean';
    id_dimension?: string;
    time_dimension?: string | null;
  }[];
  /** The sample the centroids are fitted on; k is chosen on its first `subsample` customers. */
  sample: { customers: number; distinct_points: number; subsample: number; seed: number };
  k_selection: 'auto' | 'fixed';
  k: number | null;
  /** Per k tried: the mean silhouette and the inertia on the subsample. */
  silhouettes: { k: number; silhouette: number | null; subsample_inertia: number }[];
  /** The chosen k's mean silhouette on the subsample. */
  silhouette: number | null;
  /** Sum over every customer of the squared standardised distance to its centroid. */
  inertia: number | null;
  sample_inertia: number | null;
  kmeans: { restarts: number; best_restart: number; iterations: number; converged: boolean } | null;
  centroids: { cluster: number; standardised: Record<string, number>; raw: Record<string, number> }[];
  clusters: ClusterProfile[];
  customers: Row[];
  customers_total: number;
}

const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The segments report as JSON: k and its silhouettes, centroids, cluster profiles, the first `limit` customers. */
export async function segmentsReport(
  ctx: ReportContext,
  input: unknown,
  hook?: PhaseHook,
): Promise<SegmentsResult> {
  const plan = await planSegments(ctx, input);
  const { limit, ...rest } = plan.params;
  const [excluded] = (await ctx.engine.query(plan.excluded)).rows;
  return ctx.engine.withSession(async (session) => {
    const name = tempTableName('segments_features');
    const features = ident(name);
    try {
      // The dialect spells it (ClickHouse needs an engine); the name is new to this process.
      await timed(hook, 'features', () =>
        session.exec({ kind: 'create_temp_table', name, query: plan.table }),
      );
      const fit = await fitSegments(session, plan, features, hook, computeOf(ctx));
      const extra = fit.features.filter((f) => f.perCustomer !== undefined);
      let clusters: ClusterProfile[] = [];
      let customers: Row[] = [];
      let inertia: number | null = null;
      if (fit.k !== null) {
        const profiles = fit.profiles;
        const byCluster = new Map(profiles.map((p) => [Number(p['cluster']), p]));
        clusters = fit.centroids.map((_, c) => {
          const p = byCluster.get(c);
          return {
            cluster: c,
            label: '',
            customers: Number(p?.['customers'] ?? 0),
            customer_share: Number(p?.['customer_share'] ?? 0),
            revenue: Number(p?.['revenue'] ?? 0),
            revenue_share: numOrNull(p?.['revenue_share']),
            mean_recency_days: numOrNull(p?.['mean_recency_days']),
            mean_frequency: numOrNull(p?.['mean_frequency']),
            mean_monetary: numOrNull(p?.['mean_monetary']),
            feature_means: Object.fromEntries(extra.map((f) => [f.name, numOrNull(p?.[`mean_${f.column}`])])),
            inertia: Number(p?.['inertia'] ?? 0),
          };
        });
        const labels = clusterLabels(clusters);
        clusters = clusters.map((c, i) => ({ ...c, label: labels[i]! }));
        inertia = clusters.reduce((s, c) => s + c.inertia, 0);
        if (limit > 0) {
          customers = await timed(
            hook,
            'customers',
            async () =>
              (
                await session.query(
                  sql`SELECT ${list(SEGMENTS_COLUMNS.map((c) => ident(c)))} FROM (${assignSql(features, fit.features, fit.centroids)})
                    ORDER BY customer_id LIMIT ${param(limit)}`,
                )
              ).rows,
          );
        }
      }
      const names = fit.features.map((f) => f.name);
      return {
        params: rest,
        as_of: plan.asOf,
        population: {
          customers: fit.customers,
          excluded_lines_without_customer: Number(excluded?.['lines'] ?? 0),
          excluded_orders_without_customer: Number(excluded?.['orders'] ?? 0),
        },
        features: fit.features.map((f) => ({
          name: f.name,
          transform: f.applied,
          mean: f.mean,
          sd: f.sd,
          missing: f.missing,
          ...(f.idDimension === undefined
            ? {}
            : { id_dimension: f.idDimension, time_dimension: f.timeDimension ?? null }),
        })),
        sample: { ...fit.sample, seed: plan.params.seed },
        k_selection: fit.selection,
        k: fit.k,
        silhouettes: [...fit.tried],
        silhouette: fit.silhouette,
        inertia,
        sample_inertia: fit.sampleInertia,
        kmeans: fit.kmeans === null ? null : { restarts: plan.params.restarts, ...fit.kmeans },
        centroids: fit.centroids.map((c, i) => ({
          cluster: i,
          standardised: Object.fromEntries(names.map((n, f) => [n, c[f]!])),
          raw: rawCentroid(fit.features, c),
        })),
        clusters,
        customers,
        customers_total: fit.customers,
      };
    } finally {
      await dropTempTables(session, [name]);
    }
  });
}

/**
 * The assignment SQL of every customer, for streaming and target groups. The fit reads a temp
 * copy of the feature table (the RFM SQL runs once, not once per fitting query); the returned
 * SQL reads the feature SQL itself, as it outlives the session.
 */
async function assignedSql(ctx: ReportContext, input: unknown): Promise<{ sql: SqlNode; k: number | null }> {
  const plan = await planSegments(ctx, input);
  const fit = await withTempTable(ctx.engine, plan.table, (session, table) =>
    fitSegments(session, plan, table, undefined, computeOf(ctx)),
  );
  if (fit.k === null) {
    return {
      sql: sql`SELECT ${cast(raw('NULL'), 'text')} AS customer_id, ${cast(raw('NULL'), 'integer')} AS cluster,
        ${cast(raw('NULL'), 'integer')} AS recency_days, ${cast(raw('NULL'), 'bigint')} AS frequency,
        ${cast(raw('NULL'), 'double')} AS monetary WHERE false`,
      k: null,
    };
  }
  return { sql: assignSql(sql`(${plan.table}) AS features`, fit.features, fit.centroids), k: fit.k };
}

/** The customer ids of one cluster (cluster numbers as the report gives them), for saving target groups. */
export async function segmentMembers(ctx: ReportContext, params: unknown, cluster: number): Promise<SqlNode> {
  const a = await assignedSql(ctx, params);
  if (a.k !== null && !(Number.isInteger(cluster) && cluster >= 0 && cluster < a.k)) {
    throw new AppError('VALIDATION_FAILED', `segments: no cluster ${cluster}; clusters are 0..${a.k - 1}`, {
      cluster,
      k: a.k,
    });
  }
  return sql`SELECT customer_id FROM (${a.sql}) WHERE cluster = ${param(cluster, 'INTEGER')}`;
}

export const segments = defineReport<SegmentsParams>({
  name: 'segments',
  description:
    'k-means clusters of customers on standardised log R, F, M (and chosen measures), k by silhouette',
  schema: SegmentsParamsSchema,
  engines: ['duckdb', 'clickhouse'],
  // One row per customer: a JSON answer lists `limit` customer ids, CSV and Arrow all of them.
  lists: (params, format) =>
    format !== 'json' || params.limit > 0
      ? [
          {
            member: 'customers.customer_id',
            because: 'its rows are customers; ask for JSON with limit 0 for the summary without them',
          },
        ]
      : [],
  async run(ctx, params) {
    const json = await segmentsReport(ctx, params);
    return {
      json: json as unknown as Record<string, unknown>,
      rows: { columns: SEGMENTS_COLUMNS, data: json.customers },
    };
  },
  async table(ctx, params) {
    const a = await assignedSql(ctx, params);
    return {
      sql: sql`SELECT ${list(SEGMENTS_COLUMNS.map((c) => ident(c)))} FROM (${a.sql}) ORDER BY customer_id`,
      columns: SEGMENTS_COLUMNS,
    };
  },
});
