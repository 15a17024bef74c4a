import { z } from 'zod';
import { parseParams } from '../common/params';
import { EventName, InsightShape, PERIODS } from '../insights/common/params';

export const LifecycleParamsSchema = z
  .object({
    ...InsightShape,
    /** The event that makes an actor active in a period. */
    event: EventName,
    /** The period [week]. */
    period: z.enum(PERIODS).default('week'),
  })
  .strict();

export type LifecycleParams = z.infer<typeof LifecycleParamsSchema>;

export const parseLifecycle = (input: unknown): LifecycleParams =>
  parseParams(LifecycleParamsSchema, input, 'lifecycle');
