import { z } from 'zod';
import { parseParams } from '../common/params';
import { EventName, InsightShape } from '../insights/common/params';

export const PathsParamsSchema = z
  .object({
    ...InsightShape,
    /** Paths start at the session's first such event (the steps after it) … */
    start_event: EventName.optional(),
    /** … or end at the session's first such event (the steps before it) [from the session's start]. */
    end_event: EventName.optional(),
    /** Steps of a path, the anchor event included [5]. */
    steps: z.number().int().min(2).max(20).default(5),
    /** The most common paths returned (per breakdown value) [20]. */
    limit: z.number().int().min(1).max(1000).default(20),
    /** Events left out of the sessions before repeats are collapsed. */
    exclude_events: z.array(EventName).max(100).default([]),
  })
  .strict()
  .refine((p) => p.start_event === undefined || p.end_event === undefined, {
    message: 'give start_event or end_event, not both',
    path: ['end_event'],
  });

export type PathsParams = z.infer<typeof PathsParamsSchema>;

export const parsePaths = (input: unknown): PathsParams => parseParams(PathsParamsSchema, input, 'paths');
