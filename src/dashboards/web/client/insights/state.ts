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
export const FUNNEL_MODES = ['ordered', 'strict', 'unordered'] as const;
export type FunnelMode = (typeof FUNNEL_MODES)[number];
export const RETENTION_TYPES = ['first_time', 'recurring'] as const;
export type RetentionType = (typeof RETENTION_TYPES)[number];
/** The funnel's default window (the report's too). */
export const DEFAULT_WINDOW = '7d';
/** Bins of the time-to-convert histogram the page asks for. */
export const TIME_TO_CONVERT_BINS = 20;
/** The funnel reads each correlation property once more: it takes at most five. */
export const MAX_CORRELATION_PROPERTIES = 5;

/** A trend series' condition: only its events whose property has this value. */
export interface SeriesWhere {
  readonly property: string;
  readonly value: string;
}

/** A funnel exclusion: the event, between steps `from` and `to` (1-based; default first and last). */
export interface Exclusion {
  readonly event: string;
  readonly from?: number;
  readonly to?: number;
}

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
  /** Trends: per series (same index as `events`), its property condition or null. */
  readonly where?: readonly (SeriesWhere | null)[];
  /** Funnel: the longest time from step 1 to the last (`7d`, `36h`, `1d12h`); absent = 7d. */
  readonly window?: string;
  /** Funnel: absent = ordered. */
  readonly mode?: FunnelMode;
  readonly exclusions?: readonly Exclusion[];
  /** Funnel's extra views, each an extra read of the funnel: asked for only when shown. */
  readonly overTime?: Period;
  readonly timeToConvert?: boolean;
  readonly correlation?: boolean;
  /** Funnel: dimensions whose values are tested for correlation with converting. */
  readonly correlationProperties?: readonly string[];
  /** Retention: absent = first_time. */
  readonly retentionType?: RetentionType;
  /** Paths: the event ends the paths (the steps before it) instead of starting them. */
  readonly pathEnd?: boolean;
  /** Paths: events left out of the sessions. */
  readonly excludeEvents?: readonly string[];
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
    breakdown: true,
    periods: PERIODS,
    math: false,
    actors: ACTORS,
    steps: false,
  },
  stickiness: {
    title: 'Stickiness',
    eventLabels: ['Event'],
    breakdown: true,
    periods: ['week', 'month'],
    math: false,
    actors: ACTORS,
    steps: false,
  },
  lifecycle: {
    title: 'Lifecycle',
    eventLabels: ['Event'],
    breakdown: true,
    periods: PERIODS,
    math: false,
    actors: ACTORS,
    steps: false,
  },
  paths: {
    title: 'Paths',
    eventLabels: ['Event'],
    breakdown: true,
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

const DURATION = /^(?:\d+[smhdw])+$/;
const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): string[] =>
  Array.isArray(v) ? [...new Set(v.map(text).filter((e) => e !== ''))] : [];

/**
 * A property as a member of web_events: `plan` and `properties.plan` are
 * `web_events.properties.plan`; a dotted member (`web_events.source`) is kept.
 */
export function propertyMember(name: string): string {
  const s = name.trim();
  if (s === '') return '';
  if (s.startsWith('properties.')) return `web_events.${s}`;
  return s.includes('.') ? s : `web_events.properties.${s}`;
}

/** A property's name without its cube: `web_events.properties.plan` → `plan`. */
export function shortProperty(member: string): string {
  return member.replace(/^web_events\.properties\./, '');
}

function seriesWhere(raw: unknown): SeriesWhere | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const property = propertyMember(text(r['property']));
  const value = text(r['value']);
  return property && value ? { property, value } : null;
}

/** Exclusions with an event; a step bound kept only when it is a step of the funnel and from < to. */
function exclusions(raw: unknown, steps: number): Exclusion[] {
  if (!Array.isArray(raw)) return [];
  const step = (v: unknown, min: number) => {
    const n = Number(v);
    return v !== null && v !== '' && Number.isInteger(n) && n >= min && n <= steps ? n : undefined;
  };
  return raw.flatMap((x): Exclusion[] => {
    const r = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
    const event = text(r['event']);
    if (!event) return [];
    const from = step(r['from'], 1);
    let to = step(r['to'], 2);
    if (from !== undefined && to !== undefined && to <= from) to = undefined;
    return [{ event, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }];
  });
}

/** The options of one insight only, each left out when it has its default. */
function insightOptions(
  insight: Insight,
  raw: Partial<Record<keyof InsightQuery, unknown>>,
  events: readonly string[],
): Partial<InsightQuery> {
  switch (insight) {
    case 'trends': {
      const given = Array.isArray(raw.where) ? raw.where : [];
      const where = events.map((_, i) => seriesWhere(given[i]));
      return where.some((w) => w !== null) ? { where } : {};
    }
    case 'funnel': {
      const window = text(raw.window).toLowerCase().replace(/\s+/g, '');
      const mode = oneOf(FUNNEL_MODES, raw.mode, 'ordered');
      const excl = exclusions(raw.exclusions, events.length);
      const props = list(raw.correlationProperties).slice(0, MAX_CORRELATION_PROPERTIES);
      return {
        ...(DURATION.test(window) && window !== DEFAULT_WINDOW ? { window } : {}),
        ...(mode !== 'ordered' ? { mode } : {}),
        ...(excl.length > 0 ? { exclusions: excl } : {}),
        ...(PERIODS.includes(raw.overTime as Period) ? { overTime: raw.overTime as Period } : {}),
        ...(raw.timeToConvert === true ? { timeToConvert: true } : {}),
        ...(raw.correlation === true ? { correlation: true } : {}),
        // The properties are part of the correlation view: without it they are not asked for.
        ...(raw.correlation === true && props.length > 0 ? { correlationProperties: props } : {}),
      };
    }
    case 'retention':
      return raw.retentionType === 'recurring' ? { retentionType: 'recurring' } : {};
    case 'paths': {
      const excluded = list(raw.excludeEvents).slice(0, 100);
      return {
        ...(raw.pathEnd === true ? { pathEnd: true } : {}),
        ...(excluded.length > 0 ? { excludeEvents: excluded } : {}),
      };
    }
    default:
      return {};
  }
}

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
    ...insightOptions(insight, raw, events),
  };
}

/** The same query for another insight: the events carried over where they fit. */
export function switchedTo(query: InsightQuery, insight: Insight): InsightQuery {
  // A series' condition belongs to its series: it does not follow the events elsewhere.
  return normalized({ ...query, insight, actor: undefined, where: undefined });
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
      return { series: trendSeries(q), math: q.math, interval: q.interval, ...common };
    case 'funnel':
      return { steps: q.events, ...funnelOptions(q), ...common };
    case 'retention':
      return {
        start_event: q.events[0],
        return_event: q.events[1],
        period: q.interval,
        ...(q.retentionType ? { type: q.retentionType } : {}),
        ...common,
      };
    case 'stickiness':
    case 'lifecycle':
      return { event: q.events[0], period: q.interval, ...common };
    case 'paths':
      return {
        [q.pathEnd ? 'end_event' : 'start_event']: q.events[0],
        steps: q.steps,
        limit: 15,
        ...(q.excludeEvents?.length ? { exclude_events: q.excludeEvents } : {}),
        ...common,
      };
  }
}

/** Trend series: the event's name alone, or `{event, filters}` where it has a condition. */
function trendSeries(q: InsightQuery): unknown[] {
  return q.events.map((event, i) => {
    const w = q.where?.[i];
    // The label names the condition: two series of one event stay two lines.
    return w
      ? {
          event,
          filters: [{ member: w.property, operator: 'equals', values: [w.value] }],
          label: `${event} where ${shortProperty(w.property)} = ${w.value}`,
        }
      : event;
  });
}

/** The funnel's parameters besides its steps: only those the query sets. */
function funnelOptions(q: InsightQuery): Record<string, unknown> {
  return {
    ...(q.window ? { window: q.window } : {}),
    ...(q.mode ? { mode: q.mode } : {}),
    ...(q.exclusions?.length
      ? {
          exclusions: q.exclusions.map((x) => ({
            event: x.event,
            ...(x.from !== undefined ? { from_step: x.from } : {}),
            ...(x.to !== undefined ? { to_step: x.to } : {}),
          })),
        }
      : {}),
    ...(q.overTime ? { conversion_over_time: q.overTime } : {}),
    ...(q.timeToConvert ? { time_to_convert_bins: TIME_TO_CONVERT_BINS } : {}),
    ...(q.correlation ? { correlation: true } : {}),
    ...(q.correlationProperties?.length ? { correlation_properties: q.correlationProperties } : {}),
  };
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
