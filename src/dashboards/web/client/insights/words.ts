import type { InsightQuery, Period } from './state';

/** Who an insight counts, in words: plural and singular. */
const ACTOR_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  person: ['persons', 'person'],
  customer: ['customers', 'customer'],
  anonymous: ['anonymous visitors', 'anonymous visitor'],
  session: ['sessions', 'session'],
  customer_then_anonymous: ['persons (customers, else anonymous visitors)', 'person'],
};

export const actorPlural = (actor: string): string => ACTOR_WORDS[actor]?.[0] ?? actor;
export const actorSingular = (actor: string): string => ACTOR_WORDS[actor]?.[1] ?? actor;

export const PERIOD_ADJECTIVE: Readonly<Record<Period, string>> = {
  day: 'Daily',
  week: 'Weekly',
  month: 'Monthly',
};

/** "12 May 2025" from "2025-05-12" (a calendar date: no time zone shifts it). */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  const date = new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1));
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

/** A period by its first day, as a person names it: "Nov 2025" for a month, "week of 3 Nov 2025", "3 Nov 2025". */
export function shortPeriod(iso: string, period: Period): string {
  if (period === 'day') return longDate(iso);
  if (period === 'week') return `the week of ${longDate(iso)}`;
  const [y, m] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y!, (m ?? 1) - 1, 1)),
  );
}

/** "a", "a and b", "a, b and c". */
export function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A breakdown's name for a legend: `web_events.properties.$device_type` → "$device_type". */
export function breakdownTitle(member: string): string {
  return member.split('.').at(-1) ?? member;
}

/** What the y axis of a trend counts. */
export function trendMeasure(q: InsightQuery): string {
  if (q.math === 'unique') return `Unique ${actorPlural(q.actor)}`;
  if (q.math === 'per_actor') return `Events per ${actorSingular(q.actor)}`;
  return 'Events';
}

/**
 * The range and the counting in a sentence: the chosen dates, else the periods the answer
 * covers (the report's default range), and who is counted.
 */
export function describe(
  q: InsightQuery,
  periods: readonly string[],
  cut: { readonly first: boolean; readonly last: boolean } = { first: false, last: false },
  asOf?: string,
): string {
  const parts = [describeRange(q, periods)];
  if (q.breakdown) parts.push(`Split by ${breakdownTitle(q.breakdown)}.`);
  if (asOf) parts.push(`Events before ${longDate(asOf)}.`);
  const unit = q.interval;
  // In a lifecycle, those not seen yet in the period as_of cuts count as dormant: it reads high.
  const lifecycle = q.insight === 'lifecycle';
  if (cut.first && cut.last)
    parts.push(
      `The first and the last ${unit} are incomplete (the first starts before the range or the data, the last runs past the range or today), so they read low${lifecycle ? ' (and the last one’s dormant high)' : ''}.`,
    );
  else if (cut.first)
    parts.push(`The first ${unit} is incomplete (it starts before the range or the data), so it reads low.`);
  else if (cut.last)
    parts.push(
      `The last ${unit} is incomplete (it runs past the range or today), so it reads low${lifecycle ? ' (and its dormant high)' : ''}.`,
    );
  return parts.join(' ');
}

const UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
};

/** A funnel window in words: `7d` → "7 days", `1d12h` → "1 day 12 hours". */
export function windowWords(window: string): string {
  return [...window.matchAll(/(\d+)([smhdw])/g)]
    .map(([, n, u]) => `${n} ${UNIT_WORDS[u!]}${n === '1' ? '' : 's'}`)
    .join(' ');
}

const MODE_WORDS = {
  ordered: 'in order',
  strict: 'in order with nothing in between',
  unordered: 'in any order',
} as const;

function describeRange(q: InsightQuery, periods: readonly string[]): string {
  const sorted = [...periods].sort();
  const range =
    q.from && q.to
      ? `from ${longDate(q.from)} to ${longDate(q.to)}`
      : sorted.length > 0
        ? `from ${longDate(sorted[0]!)} to ${longDate(sorted.at(-1)!)} (the report's default range; periods by their first day)`
        : "over the report's default range";
  const who = actorPlural(q.actor);
  const unit = q.interval;
  switch (q.insight) {
    case 'trends':
      return q.math === 'total'
        ? `Events per ${unit}, ${range}.`
        : `${trendMeasure(q)} per ${unit}, ${range}.`;
    case 'funnel':
      return `${who[0]!.toUpperCase()}${who.slice(1)} through ${q.events.length} steps ${MODE_WORDS[q.mode ?? 'ordered']} within ${windowWords(q.window ?? '7d')} of the first${
        q.exclusions?.length
          ? `, leaving out those who did ${q.exclusions.map((x) => x.event).join(' or ')} in between`
          : ''
      }, ${range}.`;
    case 'retention':
      return q.retentionType === 'recurring'
        ? `${PERIOD_ADJECTIVE[unit]} cohorts of ${who} by every ${unit} they did ${q.events[0]}, returning with ${q.events[1]}, ${range}.`
        : `${PERIOD_ADJECTIVE[unit]} cohorts of ${who} by their first ${q.events[0]}, returning with ${q.events[1]}, ${range}.`;
    case 'stickiness':
      return `${who[0]!.toUpperCase()}${who.slice(1)} by how many days of each ${unit} they did ${q.events[0]}, complete ${unit}s ${range}.`;
    case 'lifecycle':
      return `${who[0]!.toUpperCase()}${who.slice(1)} doing ${q.events[0]} each ${unit}: new, returning, resurrecting, and dormant (below zero), ${range}.`;
    case 'paths':
      return `The commonest paths of up to ${q.steps} events ${q.pathEnd ? 'ending' : 'starting'} at ${q.events[0]}${
        q.excludeEvents?.length ? ` (leaving out ${q.excludeEvents.join(', ')})` : ''
      }, by the sessions that took them, ${range}.`;
  }
}
