import { type LabelRule, labelOf, MISSING_LABEL } from '../../../../util/labels';
import { formatNumber } from '../../shared/number-format';

/**
 * How numbers and dates read on every page. The number formats live in
 * src/dashboards/web/shared/number-format.ts, shared with the exports the server renders.
 */
export {
  asNumber,
  CURRENCY,
  formatCompact,
  formatDelta,
  formatNumber,
  type NumberFormat,
  withUnit,
} from '../../shared/number-format';

const LOCALE = 'en-US';

const MONTH = new Intl.DateTimeFormat(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const DAY = new Intl.DateTimeFormat(LOCALE, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const MINUTE = new Intl.DateTimeFormat(LOCALE, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** Timestamps arrive as wall-clock text without a zone (`2025-07-01T00:00:00.000`): read as UTC. */
export function parseTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const text =
    value.length === 10 ? `${value}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
  const d = new Date(text.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A time value at the precision its granularity (the field name's suffix, e.g. `.month`) implies. */
export function formatTime(value: unknown, granularity?: string): string {
  const d = parseTime(value);
  if (!d) return value === null || value === undefined ? '—' : String(value);
  switch (granularity) {
    case 'year':
      return String(d.getUTCFullYear());
    case 'quarter':
      return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
    case 'month':
      return MONTH.format(d);
    case 'week':
      return `Week of ${DAY.format(d)}`;
    case 'day':
      return DAY.format(d);
    default:
      return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? DAY.format(d) : MINUTE.format(d);
  }
}

const GRANULARITIES = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

/** The granularity a field name ends in (`orders.ordered_at.month` → month). */
export function granularityOf(field: string): string | undefined {
  const last = field.split('.').at(-1);
  return last && GRANULARITIES.includes(last) ? last : undefined;
}

export interface FieldLike extends LabelRule {
  readonly name: string;
  readonly kind?: string;
  readonly format?: string;
}

/**
 * A cell's text by its field: numbers formatted ("—" when a number cannot be computed), times at
 * their granularity, categories by the model's labels, a missing category `(unknown)`.
 */
export function formatCell(value: unknown, field: FieldLike): string {
  if (field.kind === 'quantitative')
    return value === null || value === undefined ? '—' : formatNumber(value, field.format);
  if (value === null || value === undefined || value === '') return MISSING_LABEL;
  if (field.kind === 'temporal') return formatTime(value, granularityOf(field.name));
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return labelOf(value, field);
}
