import { z } from 'zod';
import { parseParams } from '../common/params';
import { EventName, InsightShape, PERIODS } from '../insights/common/params';

export const RETENTION_TYPES = ['first_time', 'recurring'] as const;

export const RetentionParamsSchema = z
  .object({
    ...InsightShape,
    /** The event that puts an actor in a cohort. */
    start_event: EventName,
    /** The event that counts as coming back [the start event]. */
    return_event: EventName.optional(),
    /** The period of cohorts and offsets [week]. */
    period: z.enum(PERIODS).default('week'),
    /**
     * first_time: an actor's cohort is the period of their first start event ever (before
     * as_of); recurring: every period with a start event starts a cohort of the actor [first_time].
     */
    type: z.enum(RETENTION_TYPES).default('first_time'),
    /** Offsets 0 … periods − 1 are reported [11]. */
    periods: z.number().int().min(1).max(400).default(11),
  })
  .strict();

export type RetentionParams = z.infer<typeof RetentionParamsSchema>;

export const parseRetention = (input: unknown): RetentionParams =>
  parseParams(RetentionParamsSchema, input, 'retention');
