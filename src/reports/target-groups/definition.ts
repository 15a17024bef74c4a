import { z } from 'zod';
import { CubeQuerySchema } from '../../query/schema';
import { IsoDate } from '../common/params';

/**
 * What a saved segment (target group) is made of: a slice of a report, a cube query or a list
 * of ids. The definition is stored with the members, so a refresh recomputes them.
 */
export const SegmentDefinitionSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('rfm'),
      params: z.record(z.string(), z.unknown()).default({}),
      /** Named RFM segments, e.g. ["Champions"]. */
      segments: z.array(z.string().min(1)).optional(),
      /** RFM cells, e.g. ["555", "554"]. */
      cells: z.array(z.string().regex(/^\d+$/, 'a cell is the digits of R, F and M')).optional(),
    })
    .strict()
    .refine((d) => (d.segments?.length ?? 0) + (d.cells?.length ?? 0) > 0, 'name segments or cells'),
  z
    .object({
      source: z.literal('cluster'),
      params: z.record(z.string(), z.unknown()).default({}),
      cluster: z.number().int().min(0),
    })
    .strict(),
  z
    .object({
      source: z.literal('funnel'),
      params: z.record(z.string(), z.unknown()),
      /** 1-based step. */
      step: z.number().int().min(1),
      /** reached: level >= step; dropped: reached the step but not the next. */
      which: z.enum(['reached', 'dropped']),
    })
    .strict(),
  z
    .object({
      source: z.literal('cohort'),
      params: z.record(z.string(), z.unknown()).default({}),
      cohort: IsoDate,
    })
    .strict(),
  /**
   * A retention cohort (the retention report's `cohort` date) under the report's parameters:
   * its customers who came back at `offset` (`returned`) or did not (`not_returned`).
   */
  z
    .object({
      source: z.literal('retention'),
      params: z.record(z.string(), z.unknown()),
      cohort: IsoDate,
      offset: z.number().int().min(0),
      which: z.enum(['returned', 'not_returned']),
    })
    .strict(),
  /**
   * One path of the paths report under its parameters (start_event or end_event, steps,
   * exclude_events, breakdown …): the customers of the sessions that took it; with a breakdown,
   * in the value `breakdown_value` (null: the sessions without a value).
   */
  z
    .object({
      source: z.literal('paths'),
      params: z.record(z.string(), z.unknown()),
      path: z.array(z.string().min(1)).min(1).max(20),
      breakdown_value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    })
    .strict(),
  /**
   * A slice of the CLV report under its parameters, e.g. valuable customers at risk: past revenue
   * at least `min_value` and P(alive) at most `max_p_alive`. Every bound given must hold.
   */
  z
    .object({
      source: z.literal('clv'),
      params: z.record(z.string(), z.unknown()).default({}),
      /** The customer's revenue before as_of (the report's `revenue`) at least this. */
      min_value: z.number().min(0).optional(),
      /** Revenue before as_of below this (a value band's exclusive end). */
      max_value: z.number().min(0).optional(),
      /** P(alive) above this (a band's exclusive start). */
      min_p_alive: z.number().min(0).max(1).optional(),
      /** P(alive) at most this. */
      max_p_alive: z.number().min(0).max(1).optional(),
      /** Expected value over the horizon (the report's `clv`) at least this. */
      min_clv: z.number().min(0).optional(),
    })
    .strict()
    .refine(
      (d) =>
        d.min_value !== undefined ||
        d.max_value !== undefined ||
        d.min_p_alive !== undefined ||
        d.max_p_alive !== undefined ||
        d.min_clv !== undefined,
      'name min_value, max_value, min_p_alive, max_p_alive or min_clv',
    ),
  /** Customers whose id a cube query returns: its dimensions must include a `*.customer_id`. */
  z.object({ source: z.literal('query'), query: CubeQuerySchema }).strict(),
  z
    .object({ source: z.literal('ids'), customer_ids: z.array(z.string().min(1)).min(1).max(1_000_000) })
    .strict(),
]);

export type SegmentDefinition = z.infer<typeof SegmentDefinitionSchema>;

export const SaveSegmentSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    definition: SegmentDefinitionSchema,
    /** Replace a saved segment of the same name instead of failing with CONFLICT. */
    replace: z.boolean().default(false),
  })
  .strict();

export type SaveSegment = z.infer<typeof SaveSegmentSchema>;
