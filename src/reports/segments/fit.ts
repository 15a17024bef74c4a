import type { Row, Session } from '../../engine';
import { AppError } from '../../errors';
import { cast, fn, ident, list, param, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { parseParams } from '../common/params';
import { type Compute, computePool } from '../compute/pool';
import { planRfm } from '../rfm/report';
import {
  exactSum,
  type FeatureSpec,
  type FittedFeature,
  featureSpecs,
  featureTable,
  fitFeatures,
  standardised,
  statsSql,
} from './features';
import { distinctPoints, type KMeansFit } from './kmeans';
import { type SegmentsParams, SegmentsParamsSchema } from './params';
import type { Points } from './silhouette';

export interface SegmentsPlan {
  readonly params: SegmentsParams;
  readonly asOf: string | null;
  readonly specs: readonly FeatureSpec[];
  /** One row per customer of the RFM population: customer_id, recency_days, frequency, monetary, feature_i. */
  readonly table: SqlNode;
  /** Completed order lines and orders without a customer id (left out), as RFM reports them. */
  readonly excluded: SqlNode;
}

/** Parses the parameters and builds the feature table's SQL on RFM's population. */
export async function planSegments(ctx: ReportContext, input: unknown): Promise<SegmentsPlan> {
  const params = parseParams(SegmentsParamsSchema, input, 'segments');
  const { as_of, from, timezone, filters, segments } = params;
  const rfm = await planRfm(ctx, { as_of, from, timezone, filters, segments, limit: 0 });
  const specs = featureSpecs(ctx, params, rfm.asOf);
  // RFM's values without its scores: three rank windows and a sort the features do not use.
  return { params, asOf: rfm.asOf, specs, table: featureTable(rfm.values, specs), excluded: rfm.excluded };
}

/** What the fit leaves: the features' scaling, the chosen k and the centroids in cluster order. */
export interface SegmentsFit {
  readonly features: readonly FittedFeature[];
  readonly customers: number;
  /** The sample, and its first customers (`subsample`) that the starts and silhouettes ran on. */
  readonly sample: {
    readonly customers: number;
    readonly distinct_points: number;
    readonly subsample: number;
  };
  readonly selection: 'auto' | 'fixed';
  /** Per k tried: mean silhouette and inertia on the subsample. */
  readonly tried: readonly { k: number; silhouette: number | null; subsample_inertia: number }[];
  readonly k: number | null;
  /** Standardised centroids; cluster c is centroids[c] (0 = the highest mean monetary). */
  readonly centroids: readonly (readonly number[])[];
  readonly silhouette: number | null;
  readonly sampleInertia: number | null;
  readonly kmeans: { best_restart: number; iterations: number; converged: boolean } | null;
  /** Per cluster (in cluster order) over the whole population: profilesSql's row. */
  readonly profiles: readonly Row[];
}

export type PhaseHook = (phase: string, ms: number) => void;

export async function timed<T>(
  hook: PhaseHook | undefined,
  phase: string,
  body: () => Promise<T> | T,
): Promise<T> {
  const t = performance.now();
  const r = await body();
  hook?.(phase, performance.now() - t);
  return r;
}

/**
 * The sample's order: the MD5 of the customer id and the seed as hex text (`id:seed`), then the
 * id; the same text, and so the same sample, on every engine (an engine's own hash is not).
 */
export function sampleOrder(seed: number): SqlNode {
  return sql`${fn.stableHashHex(sql`${cast(raw('customer_id'), 'text')} || ${`:${seed}`}`)}, customer_id`;
}

const zColumns = (d: number) => list(Array.from({ length: d }, (_, i) => ident(`z_${i}`)));

/** The feature table's rows with their standardised features z_0 … z_{d−1}. */
function standardisedSql(source: SqlNode, features: readonly FittedFeature[]): SqlNode {
  return sql`SELECT *, ${standardised(features)} FROM ${source}`;
}

/**
 * Every customer's nearest centroid (the first of equally near ones, as in JS) and squared
 * distance to it. The centroids are bound parameters; the squared distance sums the
 * coordinates in order, exactly as the JS does. One column per centroid, their least, and the
 * first centroid at that least (no lists: the same SQL on every engine).
 */
export function assignSql(
  source: SqlNode,
  features: readonly FittedFeature[],
  centroids: readonly (readonly number[])[],
): SqlNode {
  const d = centroids.map((_, c) => ident(`d_${c}`));
  const distances = centroids.map(
    (c, k) =>
      sql`${list(
        features.map((_, f) => {
          const diff = sql`(${ident(`z_${f}`)} - ${param(c[f]!, 'DOUBLE')})`;
          return sql`${diff} * ${diff}`;
        }),
        ' + ',
      )} AS ${d[k]!}`,
  );
  const nearest = sql`CASE ${list(
    d.map((dc, c) => sql`WHEN ${dc} = distance2 THEN ${raw(String(c))}`),
    ' ',
  )} END`;
  const extra = features.filter((f) => f.perCustomer !== undefined).map((f) => ident(f.column));
  return sql`SELECT customer_id, ${cast(nearest, 'integer')} AS cluster, distance2,
      recency_days, frequency, monetary${extra.length > 0 ? sql`, ${list(extra)}` : sql``}
    FROM (SELECT *, ${fn.least(...d)} AS distance2
          FROM (SELECT *, ${list(distances)} FROM (${standardisedSql(source, features)})))`;
}

/**
 * Per cluster over every customer of `source` (clusters as numbered by the centroids' order):
 * its customers and their share, revenue and its share, mean R, F, M and extra features, and the
 * sum of squared distances to the centroid. One pass: it both numbers the clusters (by mean
 * monetary) and profiles them, with no table of the assignment written.
 */
export function profilesSql(
  source: SqlNode,
  features: readonly FittedFeature[],
  centroids: readonly (readonly number[])[],
): SqlNode {
  const extra = features.filter((f) => f.perCustomer !== undefined);
  const means = extra.map(
    (f) => sql`, ${exactSum(ident(f.column))} / count(${ident(f.column)}) AS ${ident(`mean_${f.column}`)}`,
  );
  // The exact (decimal) sum as a double before dividing: ClickHouse keeps a decimal quotient's
  // scale where DuckDB divides in doubles (as RFM does).
  const revenue = cast(raw('sum(monetary)'), 'double');
  return sql`
    SELECT cluster, count(*) AS customers, count(*) / sum(count(*)) OVER () AS customer_share,
           ${revenue} AS revenue,
           ${revenue} / NULLIF(${cast(raw('sum(sum(monetary)) OVER ()'), 'double')}, 0) AS revenue_share,
           avg(recency_days) AS mean_recency_days, avg(frequency) AS mean_frequency,
           ${revenue} / count(*) AS mean_monetary, ${exactSum(raw('distance2'))} AS inertia${list(means, '')}
    FROM (${assignSql(source, features, centroids)}) GROUP BY cluster ORDER BY cluster`;
}

/**
 * Fits the clusters: feature statistics over the whole population (SQL, one pass), the
 * deterministic sample (ordered by the MD5 of customer id and seed, sampleOrder) into JS, k by the best mean
 * silhouette on the sample's first customers (kmeans.ts SUBSAMPLE_POINTS), k-means with restarts
 * started there and finished on the whole sample, then the clusters profiled and numbered by
 * mean monetary over the whole population, highest first (SQL, one pass). `source` is a FROM
 * item holding the feature table.
 */
export async function fitSegments(
  session: Session,
  plan: SegmentsPlan,
  source: SqlNode,
  hook?: PhaseHook,
  /** Where k-means and silhouettes run: worker threads, never the caller's event loop. */
  compute: Compute = computePool(),
): Promise<SegmentsFit & { sampleIds: string[]; sampleLabels: Int32Array }> {
  const { params } = plan;
  const stats = await timed(
    hook,
    'stats',
    async () => (await session.query(statsSql(source, plan.specs))).rows[0]!,
  );
  const customers = Number(stats['customers']);
  const features = fitFeatures(plan.specs, stats);
  const dims = features.length;
  const empty = {
    features,
    customers,
    sample: { customers: 0, distinct_points: 0, subsample: 0 },
    selection: params.k === 'auto' ? ('auto' as const) : ('fixed' as const),
    tried: [],
    k: null,
    centroids: [],
    silhouette: null,
    sampleInertia: null,
    kmeans: null,
    profiles: [],
    sampleIds: [],
    sampleLabels: new Int32Array(0),
  };
  if (customers === 0) return empty;
  const sampleRows = await timed(
    hook,
    'sample',
    async () =>
      // The sample's rows first, then their z: standardising a million rows to keep ten thousand took longer.
      (
        await session.query(
          sql`SELECT customer_id, ${zColumns(dims)} FROM (${standardisedSql(
            sql`(SELECT * FROM ${source} ORDER BY ${sampleOrder(params.seed)}
                 LIMIT ${param(params.sample_size)})`,
            features,
          )}) ORDER BY ${sampleOrder(params.seed)}`,
        )
      ).rows,
  );
  const n = sampleRows.length;
  const data = new Float64Array(n * dims);
  sampleRows.forEach((r, i) => {
    for (let f = 0; f < dims; f++) data[i * dims + f] = Number(r[`z_${f}`]);
  });
  const points: Points = { data, n, dims };
  const distinct = distinctPoints(points);
  const options = { seed: params.seed, restarts: params.restarts };
  let fit: KMeansFit;
  let tried: SegmentsFit['tried'];
  let silhouette: number | null;
  if (params.k === 'auto') {
    const top = Math.min(params.k_max, distinct, n - 1);
    const ks = Array.from({ length: Math.max(0, top - params.k_min + 1) }, (_, i) => params.k_min + i);
    if (ks.length === 0) {
      throw new AppError(
        'INVALID_QUERY',
        `segments: ${n} sampled customers with ${distinct} distinct feature values cannot form ${params.k_min} or more clusters`,
      );
    }
    const choice = await timed(hook, 'choose_k', () => compute.run('chooseK', { points, ks, options }));
    fit = choice.fit;
    tried = choice.tried.map((t) => ({ k: t.k, silhouette: t.silhouette, subsample_inertia: t.inertia }));
    silhouette = choice.tried.find((t) => t.k === choice.k)!.silhouette;
  } else {
    const k = params.k;
    if (k > distinct) {
      throw new AppError(
        'INVALID_QUERY',
        `segments: ${n} sampled customers with ${distinct} distinct feature values cannot form ${k} clusters`,
      );
    }
    const fixed = await timed(hook, 'kmeans', () => compute.run('fixedK', { points, k, options }));
    fit = fixed.fit;
    silhouette = fixed.silhouette;
    tried = [{ k, silhouette, subsample_inertia: fit.subsampleInertia }];
  }
  // Number the clusters by mean monetary over the whole population, highest first.
  const profiles = await timed(
    hook,
    'profiles',
    async () => (await session.query(profilesSql(source, features, fit.centroids))).rows,
  );
  const byCluster = new Map(profiles.map((r) => [Number(r['cluster']), r]));
  const mean = (c: number) => {
    const m = byCluster.get(c)?.['mean_monetary'];
    return m === null || m === undefined ? Number.NEGATIVE_INFINITY : Number(m);
  };
  const order = fit.centroids.map((_, c) => c).sort((a, b) => mean(b) - mean(a) || a - b);
  const renumber = new Int32Array(fit.k);
  order.forEach((old, c) => {
    renumber[old] = c;
  });
  return {
    features,
    customers,
    sample: { customers: n, distinct_points: distinct, subsample: fit.subsample },
    selection: params.k === 'auto' ? 'auto' : 'fixed',
    tried,
    k: fit.k,
    centroids: order.map((old) => fit.centroids[old]!),
    silhouette,
    sampleInertia: fit.inertia,
    kmeans: { best_restart: fit.restart, iterations: fit.iterations, converged: fit.converged },
    profiles: order.flatMap((old, c) => {
      const p = byCluster.get(old);
      return p === undefined ? [] : [{ ...p, cluster: c }];
    }),
    sampleIds: sampleRows.map((r) => String(r['customer_id'])),
    sampleLabels: fit.labels.map((l) => renumber[l]!),
  };
}
