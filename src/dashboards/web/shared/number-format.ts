/**
 * How numbers read for people, in one place for the page (KPI cards, tables, tooltips) and the
 * exports the server renders (a KPI tile's SVG and PNG): pure `Intl` formatting, no DOM. The
 * demo warehouse books in euros and the model has no currency setting yet, so `currency` means EUR.
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

/** One decimal at most, written the same by every engine (compact notation is not: ICUs differ). */
const ONE_DECIMAL = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const SCALES: readonly [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 29,882,574 → "29.9M", 167,012 → "167K"; with the euro sign for amounts ("€29.9M", "−€1.2M"). */
function compact(n: number, currency: boolean): string {
  const abs = Math.abs(n);
  const [scale, suffix] = SCALES.find(([s]) => abs >= s) ?? [1, ''];
  // 999,960 reads "1M", not "1,000K".
  let text = ONE_DECIMAL.format(abs / scale);
  let unit = suffix;
  const next = SCALES[SCALES.findIndex(([s]) => s === scale) - 1];
  if (next && text === '1,000') {
    text = '1';
    unit = next[1];
  }
  return `${n < 0 ? '−' : ''}${currency ? '€' : ''}${text}${unit}`;
}

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
  if (Math.abs(n) >= 100_000) return compact(n, f === 'currency');
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
