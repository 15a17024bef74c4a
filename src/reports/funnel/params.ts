import { z } from 'zod';
import { FilterSchema } from '../../query/schema';
import { DEAL_STAGES, RESPONSE_EVENTS } from '../../util/vocabulary';
import { ReportBaseShape } from '../common/params';

/** The event-like facts a funnel runs over: cube, event column, timestamp and actor columns. */
export const FUNNEL_SOURCES = {
  // Web events take any name a site records: they are checked against the events present.
  web_events: { event: 'event', ts: 'occurred_at', anonymous: true, events: undefined },
  campaign_responses: { event: 'event', ts: 'occurred_at', anonymous: false, events: RESPONSE_EVENTS },
  deals: { event: 'stage', ts: 'entered_at', anonymous: false, events: DEAL_STAGES },
} as const;

export type FunnelSource = keyof typeof FUNNEL_SOURCES;
export const FUNNEL_MODES = ['ordered', 'strict', 'unordered'] as const;
export const FUNNEL_ACTORS = ['customer_then_anonymous', 'customer', 'anonymous', 'session'] as const;
export const FUNNEL_PERIODS = ['day', 'week', 'month'] as const;
/** Bins of the time-to-convert histogram. */
export const MAX_BINS = 50;

/** At most this many steps (a step is a bit of an INTEGER mask). */
export const MAX_STEPS = 20;
/** Property correlation reads the funnel once per property. */
export const MAX_CORRELATION_PROPERTIES = 5;
/** The longest window: ten years. */
const MAX_WINDOW_SECONDS = 3650 * 86_400;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(?:\d+[smhdw])+$/;

/** Seconds of a duration such as `7d`, `36h`, `30m`, `2w`, `90s` or `1d12h`; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (!DURATION.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

const Duration = z.string().superRefine((s, ctx) => {
  const seconds = parseDuration(s);
  if (seconds === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${s}" is not a duration: a number and a unit (s, m, h, d, w), e.g. 7d, 36h, 30m, 2w or 1d12h`,
    });
  } else if (seconds <= 0 || seconds > MAX_WINDOW_SECONDS) {
    ctx.addIssue({ code: 'custom', message: `the window must be longer than 0 and at most 3650 days` });
  }
});

const StepObject = z
  .object({
    /** The event (`stage` for deals) the step's rows have. */
    event: z.string().min(1),
    /** Further conditions on the source cube's own dimensions, in the cube filter language. */
    filters: z.array(FilterSchema).default([]),
    /** The step's name in the output [the event]. */
    label: z.string().min(1).max(200).optional(),
  })
  .strict();

/** A step: `{event, filters?, label?}`, or the event name alone. */
const Step = z.union([
  z
    .string()
    .min(1)
    .transform((event) => ({ event, filters: [] })),
  StepObject,
]);

export type FunnelStep = z.infer<typeof StepObject>;

/**
 * An event that removes an actor when it happens between two steps of the path the funnel counts
 * for them: `from_step` and `to_step` (1-based; by default the first step and the last). An actor
 * who stopped before `to_step` is read up to the furthest step they reached (PostHog's exclusion
 * steps with their step range).
 */
const Exclusion = z.union([
  z
    .string()
    .min(1)
    .transform((event) => ({ event, filters: [], from_step: undefined, to_step: undefined })),
  z
    .object({
      event: z.string().min(1),
      filters: z.array(FilterSchema).default([]),
      from_step: z.number().int().min(1).optional(),
      to_step: z.number().int().min(2).optional(),
    })
    .strict(),
]);

export const FunnelParamsSchema = z
  .object({
    ...ReportBaseShape,
    /** The ordered steps, at least two. */
    steps: z
      .array(Step)
      .min(2, 'a funnel has at least 2 steps')
      .max(MAX_STEPS, `a funnel has at most ${MAX_STEPS} steps`),
    /** The event-like fact [web_events]. */
    source: z.enum(Object.keys(FUNNEL_SOURCES) as [FunnelSource, ...FunnelSource[]]).default('web_events'),
    /** W: the longest time from step 1 to the last step reached [7d]. */
    window: Duration.default('7d'),
    /** ordered, strict or unordered [ordered]. */
    mode: z.enum(FUNNEL_MODES).default('ordered'),
    /** Who goes through the funnel [customer_id, else anonymous_id]. */
    actor: z.enum(FUNNEL_ACTORS).default('customer_then_anonymous'),
    /** A dimension of the source cube (`source` or `web_events.source`): its value at step 1. */
    breakdown: z.string().min(1).optional(),
    /**
     * Exclusion events: an actor with one of them between two steps of the path the funnel counts
     * for them (`{event, from_step, to_step}`; by default step 1 and the furthest step reached) is
     * left out of every step (PostHog's exclusion steps).
     */
    exclusions: z.array(Exclusion).max(MAX_STEPS).default([]),
    /** Conversion over time: actors entering step 1 per day, week or month, and how many completed. */
    conversion_over_time: z.enum(FUNNEL_PERIODS).optional(),
    /**
     * The time-to-convert histogram (step 1 to the last step) in this many bins; asked for, since
     * it reads the funnel a second time.
     */
    time_to_convert_bins: z.number().int().min(1).max(MAX_BINS).optional(),
    /**
     * Correlation: per other event, whether doing it (after step 1, before completing or the window's
     * end) goes with completing more or less often: odds ratio and significance.
     */
    correlation: z.boolean().default(false),
    /**
     * Property correlation: per value of each of these dimensions (an event property such as
     * `properties.plan`, a dimension of the source or of a joined cube such as `customers.region`),
     * whether actors with it complete more or less often. An actor's value is that of the step-1
     * event of the path counted for them, like the breakdown's. Each reads the funnel once more.
     */
    correlation_properties: z.array(z.string().min(1)).max(MAX_CORRELATION_PROPERTIES).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const src = FUNNEL_SOURCES[p.source];
    const known: readonly string[] | undefined = src.events;
    p.steps.forEach((s, i) => {
      if (known && !known.includes(s.event)) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'event'],
          message: `"${s.event}" is not ${p.source === 'deals' ? 'a deal stage' : `an event of ${p.source}`} (${known.join(', ')})`,
        });
      }
    });
    p.exclusions.forEach((x, i) => {
      const from = x.from_step ?? 1;
      const to = x.to_step ?? p.steps.length;
      if (from >= to || to > p.steps.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['exclusions', i, x.to_step === undefined ? 'from_step' : 'to_step'],
          message: `an exclusion's steps run from one step to a later one, within the funnel's ${p.steps.length} steps (from_step ${from}, to_step ${to})`,
        });
      }
      if (p.mode === 'unordered' && (from !== 1 || to !== p.steps.length)) {
        ctx.addIssue({
          code: 'custom',
          path: ['exclusions', i, 'from_step'],
          message:
            'an unordered funnel has no order of steps: its exclusions cover the whole path (leave out from_step and to_step)',
        });
      }
      if (known && !known.includes(x.event)) {
        ctx.addIssue({
          code: 'custom',
          path: ['exclusions', i, 'event'],
          message: `"${x.event}" is not ${p.source === 'deals' ? 'a deal stage' : `an event of ${p.source}`} (${known.join(', ')})`,
        });
      }
    });
    if ((p.actor === 'anonymous' || p.actor === 'session') && !src.anonymous) {
      ctx.addIssue({
        code: 'custom',
        path: ['actor'],
        message: `${p.source} has no ${p.actor === 'session' ? 'sessions' : 'anonymous_id'}: its actors are customers (actor customer or customer_then_anonymous)`,
      });
    }
  });

export type FunnelParams = z.infer<typeof FunnelParamsSchema>;
