/**
 * How numbers and dates read on every page. The demo warehouse books in euros and the model
 * has no currency setting yet, so `currency` means EUR.
 */
export const CURRENCY = 'EUR';
const LOCALE = 'en-US';

export type NumberFormat = 'currency' | 'percent' | 'number' | 'integer';

const formatters: Record<NumberFormat | 'plain', Intl.NumberFormat> = {
  currency: new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency: CURRENCY,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }),
  percent: new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 }),
  integer: new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 }),
  number: new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }),
  plain: new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 }),
};

export function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A number in the field's format: `currency` €1,234.50, `percent` 12.5%, `integer` 1,235. */
export function formatNumber(value: unknown, format?: string): string {
  const n = asNumber(value);
  if (n === null) return value === null || value === undefined ? '—' : String(value);
  const f = formatters[(format as NumberFormat | undefined) ?? 'plain'] ?? formatters.plain;
  return f.format(n);
}

/** A relative change with its sign: +12.3% / −4.0%. */
export function formatDelta(delta: number): string {
  const pct = new Intl.NumberFormat(LOCALE, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  });
  return pct.format(delta).replace('-', '−');
}

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

export interface FieldLike {
  readonly name: string;
  readonly kind?: string;
  readonly format?: string;
}

/** A cell's text by its field: numbers formatted, times at their granularity, the rest as text. */
export function formatCell(value: unknown, field: FieldLike): string {
  if (value === null || value === undefined) return '—';
  if (field.kind === 'quantitative') return formatNumber(value, field.format);
  if (field.kind === 'temporal') return formatTime(value, granularityOf(field.name));
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return String(value);
}
