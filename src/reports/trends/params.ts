import { z } from 'zod';
import { FilterSchema, type QueryFilter } from '../../query/schema';
import { parseParams } from '../common/params';
import { EventName, InsightShape, PERIODS } from '../insights/common/params';

export const TREND_MATHS = ['total', 'unique', 'per_actor'] as const;

const SeriesObject = z
  .object({
    event: EventName,
    /**
     * Only the events passing these filters (cube filter language on web_events' own dimensions,
     * properties included: `{member: 'web_events.properties.plan', operator: 'equals', values: ['pro']}`).
     */
    filters: z.array(FilterSchema).max(20).default([]),
    /** The series' name in the output [the event]. */
    label: z.string().min(1).max(200).optional(),
  })
  .strict();

/** A series: `{event, filters?, label?}`, or the event name alone. */
const Series = z.union([
  EventName.transform((event) => ({
    event,
    filters: [] as QueryFilter[],
    label: undefined as string | undefined,
  })),
  SeriesObject,
]);

export const TrendsParamsSchema = z
  .object({
    ...InsightShape,
    /** The events counted, one series each (1 to 20). */
    series: z.array(Series).min(1, 'name at least one event').max(20, 'at most 20 series'),
    /** total: events; unique: distinct actors; per_actor: events / distinct actors [total]. */
    math: z.enum(TREND_MATHS).default('total'),
    /** The period of the x axis [day]. */
    interval: z.enum(PERIODS).default('day'),
    /** With a breakdown, the values with the most events are kept; the rest form one "other" value [25]. */
    breakdown_limit: z.number().int().min(1).max(100).default(25),
  })
  .strict();

export type TrendsParams = z.infer<typeof TrendsParamsSchema>;

export const parseTrends = (input: unknown): TrendsParams => parseParams(TrendsParamsSchema, input, 'trends');
