import { type LabelRule, labelOf, MISSING_LABEL } from '../../../../util/labels';

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
  percent: new Intl.NumberFormat(LOCALE, {
    style: 'percent',
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }),
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

const COMPACT: Record<NumberFormat | 'plain', Intl.NumberFormat> = {
  currency: new Intl.NumberFormat(LOCALE, {
    style: 'currency',
    currency: CURRENCY,
    notation: 'compact',
    maximumFractionDigits: 1,
  }),
  percent: formatters.percent,
  integer: new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 }),
  number: new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 }),
  plain: new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 }),
};

const WHOLE_CURRENCY = new Intl.NumberFormat(LOCALE, {
  style: 'currency',
  currency: CURRENCY,
  maximumFractionDigits: 0,
});

/**
 * A number as a headline reads it: compact from 100,000 on (€29.9M, 152.3K), whole euros from
 * €1,000, a rate with one decimal (62.7%); the exact value belongs in the tooltip.
 */
export function formatCompact(value: unknown, format?: string): string {
  const n = asNumber(value);
  if (n === null) return formatNumber(value, format);
  const f = (format as NumberFormat | undefined) ?? 'plain';
  if (f === 'percent') return formatters.percent.format(n);
  if (Math.abs(n) >= 100_000) return (COMPACT[f] ?? COMPACT.plain).format(n);
  if (f === 'currency' && Math.abs(n) >= 1000) return WHOLE_CURRENCY.format(n);
  if (f === 'number' || f === 'plain')
    return new Intl.NumberFormat(LOCALE, { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : 1 }).format(n);
  return formatNumber(n, f);
}

/** A value with its unit when it has one: "5.0 hours". */
export function withUnit(text: string, unit?: string): string {
  return unit ? `${text} ${unit}` : text;
}

/**
 * A change with its sign: relative (+12.3%, −4.0%) for amounts and counts, in percentage points
 * (+0.7 pts) for rates and shares, so a rate from 10% to 11% reads +1.0 pts, not +10%.
 */
export function formatDelta(delta: number, unit: 'percent' | 'pts' = 'percent'): string {
  if (unit === 'pts') {
    const pts = new Intl.NumberFormat(LOCALE, {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
      signDisplay: 'exceptZero',
    });
    return `${pts.format(delta * 100).replace('-', '−')} pts`;
  }
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
