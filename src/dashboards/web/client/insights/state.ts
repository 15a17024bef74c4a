/**
 * An insight query as the page holds it: which report, its events, breakdown, date range,
 * interval and counting. It lives in the URL (`/insights?q=<json>`), so a reload or a shared
 * link shows the same answer; `requestBody` turns it into the report's JSON body.
 */

export const INSIGHTS = ['trends', 'funnel', 'retention', 'stickiness', 'lifecycle', 'paths'] as const;
export type Insight = (typeof INSIGHTS)[number];

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export const MATHS = ['total', 'unique', 'per_actor'] as const;
export type TrendMath = (typeof MATHS)[number];

export const ACTORS = ['person', 'customer', 'anonymous', 'session'] as const;
export const FUNNEL_ACTORS = ['customer_then_anonymous', 'customer', 'anonymous', 'session'] as const;

export interface InsightQuery {
  readonly insight: Insight;
  /** Trends: the series; funnel: the steps; retention: start then return; others: one event. */
  readonly events: readonly string[];
  readonly breakdown?: string;
  /** Inclusive dates (YYYY-MM-DD) on web_events.occurred_at; both or neither. */
  readonly from?: string;
  readonly to?: string;
  /** Trends' interval, the period of retention, stickiness and lifecycle. */
  readonly interval: Period;
  readonly math: TrendMath;
  readonly actor: string;
  /** Paths: how many steps a path follows. */
  readonly steps: number;
}

/** Which controls an insight has, and how its events are named. */
export interface InsightShape {
  readonly title: string;
  /** The event inputs' labels; `many` lets the list grow (trends series, funnel steps). */
  readonly eventLabels: readonly string[];
  readonly many?: { readonly min: number; readonly max: number; readonly noun: string };
  readonly breakdown: boolean;
  readonly periods: readonly Period[];
  readonly math: boolean;
  readonly actors: readonly string[];
  readonly steps: boolean;
}

export const SHAPES: Readonly<Record<Insight, InsightShape>> = {
  trends: {
    title: 'Trends',
    eventLabels: ['Series'],
    many: { min: 1, max: 10, noun: 'series' },
    breakdown: true,
    periods: PERIODS,
    math: true,
    actors: ACTORS,
    steps: false,
  },
  funnel: {
    title: 'Funnel',
    eventLabels: ['Step'],
    many: { min: 2, max: 10, noun: 'step' },
    breakdown: true,
    periods: [],
    math: false,
    actors: FUNNEL_ACTORS,
    steps: false,
  },
  retention: {
    title: 'Retention',
    eventLabels: ['Start event', 'Return event'],
    breakdown: false,
    periods: PERIODS,
    math: false,
    actors: ACTORS,
    steps: false,
  },
  stickiness: {
    title: 'Stickiness',
    eventLabels: ['Event'],
    breakdown: false,
    periods: ['week', 'month'],
    math: false,
    actors: ACTORS,
    steps: false,
  },
  lifecycle: {
    title: 'Lifecycle',
    eventLabels: ['Event'],
    breakdown: false,
    periods: PERIODS,
    math: false,
    actors: ACTORS,
    steps: false,
  },
  paths: {
    title: 'Paths',
    eventLabels: ['Start event'],
    breakdown: false,
    periods: [],
    math: false,
    actors: ACTORS,
    steps: true,
  },
};

const DEFAULT_EVENTS: Readonly<Record<Insight, readonly string[]>> = {
  trends: ['page_view'],
  funnel: ['visit', 'view_product', 'purchase'],
  retention: ['signup_completed', 'purchase'],
  stickiness: ['page_view'],
  lifecycle: ['page_view'],
  paths: ['visit'],
};

export const DEFAULT_QUERY: InsightQuery = {
  insight: 'trends',
  events: DEFAULT_EVENTS.trends,
  interval: 'week',
  math: 'total',
  actor: 'person',
  steps: 4,
};

const isDate = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s);
const oneOf = <T extends string>(list: readonly T[], v: unknown, fallback: T): T =>
  list.includes(v as T) ? (v as T) : fallback;

/**
 * A query made valid for its insight: the events it needs (defaults when missing), a period
 * and actor it accepts, no breakdown where it has none. Anything unreadable falls back.
 */
export function normalized(raw: Partial<Record<keyof InsightQuery, unknown>>): InsightQuery {
  const insight = oneOf(INSIGHTS, raw.insight, DEFAULT_QUERY.insight);
  const shape = SHAPES[insight];
  const given = Array.isArray(raw.events)
    ? raw.events.filter((e): e is string => typeof e === 'string').map((e) => e.trim())
    : [];
  const defaults = DEFAULT_EVENTS[insight];
  let events: string[];
  if (shape.many) {
    events = given.filter((e) => e !== '').slice(0, shape.many.max);
    if (events.length < shape.many.min) events = [...events, ...defaults.slice(events.length)];
  } else {
    events = shape.eventLabels.map((_, i) => (given[i] ? given[i] : (defaults[i] ?? '')));
  }
  const periods = shape.periods.length > 0 ? shape.periods : PERIODS;
  const from = isDate(raw.from) ? raw.from : undefined;
  const to = isDate(raw.to) ? raw.to : undefined;
  const breakdown =
    shape.breakdown && typeof raw.breakdown === 'string' && raw.breakdown.trim() !== ''
      ? raw.breakdown.trim()
      : undefined;
  const steps = Number(raw.steps);
  return {
    insight,
    events,
    ...(breakdown ? { breakdown } : {}),
    ...(from && to ? { from, to } : {}),
    interval: oneOf(periods, raw.interval, periods.includes('week') ? 'week' : periods[0]!),
    math: oneOf(MATHS, raw.math, 'total'),
    actor: oneOf(shape.actors, raw.actor, shape.actors[0]!),
    steps: Number.isInteger(steps) && steps >= 2 && steps <= 20 ? steps : DEFAULT_QUERY.steps,
  };
}

/** The same query for another insight: the events carried over where they fit. */
export function switchedTo(query: InsightQuery, insight: Insight): InsightQuery {
  return normalized({ ...query, insight, actor: undefined });
}

/** The report's JSON body (snake_case parameters) for a query. */
export function requestBody(q: InsightQuery): Record<string, unknown> {
  const filters =
    q.from && q.to
      ? [{ member: 'web_events.occurred_at', operator: 'inDateRange', values: [q.from, q.to] }]
      : [];
  const common = { actor: q.actor, filters, ...(q.breakdown ? { breakdown: q.breakdown } : {}) };
  switch (q.insight) {
    case 'trends':
      return { series: q.events, math: q.math, interval: q.interval, ...common };
    case 'funnel':
      return { steps: q.events, ...common };
    case 'retention':
      return { start_event: q.events[0], return_event: q.events[1], period: q.interval, ...common };
    case 'stickiness':
    case 'lifecycle':
      return { event: q.events[0], period: q.interval, ...common };
    case 'paths':
      return { start_event: q.events[0], steps: q.steps, limit: 15, ...common };
  }
}

/** The URL of a query: `/insights?q=<json>`. */
export function queryUrl(q: InsightQuery): string {
  return `/insights?q=${encodeURIComponent(JSON.stringify(q))}`;
}

/** The query in a URL's search string, or undefined when it holds none (or unreadable JSON). */
export function queryFromSearch(search: string): InsightQuery | undefined {
  const text = new URLSearchParams(search).get('q');
  if (!text) return undefined;
  try {
    const raw = JSON.parse(text) as unknown;
    return typeof raw === 'object' && raw !== null ? normalized(raw as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
