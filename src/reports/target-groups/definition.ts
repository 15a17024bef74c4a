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
