import { z } from 'zod';
import { parseParams } from '../common/params';
import { EventName, InsightShape } from '../insights/common/params';

export const StickinessParamsSchema = z
  .object({
    ...InsightShape,
    /** The event whose active days are counted. */
    event: EventName,
    /** The period whose days are counted: an actor is active on 1 … 7 (or 28 … 31) days of it [week]. */
    period: z.enum(['week', 'month']).default('week'),
  })
  .strict();

export type StickinessParams = z.infer<typeof StickinessParamsSchema>;

export const parseStickiness = (input: unknown): StickinessParams =>
  parseParams(StickinessParamsSchema, input, 'stickiness');
