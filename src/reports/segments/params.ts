import { z } from 'zod';
import { MEMBER } from '../../query/schema';
import { IsoDate, JsonLimit, ReportBaseShape } from '../common/params';

export const TRANSFORMS = ['auto', 'log1p', 'none'] as const;
export type Transform = (typeof TRANSFORMS)[number];

/**
 * An extra per-customer feature: a measure of the model (e.g. `tickets.count`) computed per
 * customer id, before as_of (and from `from` on) by the cube's time dimension.
 */
export const FeatureSchema = z.union([
  MEMBER,
  z
    .object({
      measure: MEMBER,
      /** log1p, none, or auto: log1p when no customer's value is negative [auto]. */
      transform: z.enum(TRANSFORMS).default('auto'),
      /**
       * The time dimension that as_of and from cut on [the cube's first time dimension]; null
       * counts every row.
       */
      time_dimension: MEMBER.nullable().optional(),
    })
    .strict(),
]);

export type FeatureInput = z.infer<typeof FeatureSchema>;

export const SegmentsParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** Only orders on or after this date count (as RFM's `from`; extra features too). */
    from: IsoDate.optional(),
    /** The number of clusters, or auto: the best mean silhouette over k_min..k_max [auto]. */
    k: z.union([z.literal('auto'), z.number().int().min(2).max(20)]).default('auto'),
    k_min: z.number().int().min(2).max(20).default(2),
    k_max: z.number().int().min(2).max(20).default(10),
    /**
     * Customers in the deterministic sample that k is chosen and the centroids fitted on
     * (ANALYTICS: at most 20,000) [10,000].
     */
    sample_size: z.number().int().min(10).max(20_000).default(10_000),
    /** Orders the sample (MD5 of customer id and seed) and seeds the k-means++ starts [42]. */
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    /** k-means++ starts per k; the lowest inertia wins [10]. */
    restarts: z.number().int().min(1).max(100).default(10),
    /** Extra per-customer measures of the model, standardised like R, F and M. */
    features: z.array(FeatureSchema).max(16).default([]),
    limit: JsonLimit,
  })
  .strict()
  .refine((p) => p.k_min <= p.k_max, { message: 'k_min is above k_max', path: ['k_min'] });

export type SegmentsParams = z.infer<typeof SegmentsParamsSchema>;

/** The per-customer rows (JSON `customers`, CSV and Arrow), in this column order. */
export const SEGMENTS_COLUMNS = ['customer_id', 'cluster', 'recency_days', 'frequency', 'monetary'] as const;
