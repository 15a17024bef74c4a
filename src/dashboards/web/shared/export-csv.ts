import { labelOf } from '../../../util/labels';
import { titleWithoutUnit, unitOf } from './field-units';
import type { FieldInfo } from './tile-types';

type Row = Readonly<Record<string, unknown>>;

/** RFC 4180: quoted when it holds a comma, a quote or a line break, or starts or ends with a space. */
function cell(text: string): string {
  return /[",\n\r]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Text a spreadsheet would run as a formula (=, +, -, @ first) is kept as text with a leading
 * apostrophe: labels come from the warehouse, and a customer name must not become a formula.
 */
function inert(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * A column's header for people: its title with its unit, "Revenue (€)", "Median First Response
 * (hours)"; a rate or share, written as the fraction it is (0.25), "Win Rate (fraction)".
 */
export function csvHeader(field: FieldInfo): string {
  const unit = unitOf(field);
  if (unit !== undefined) return `${titleWithoutUnit(field)} (${unit})`;
  return field.format === 'percent' ? `${field.title} (fraction)` : field.title;
}

/** Midnight reads as the date; other times as ISO 8601 to the second. */
function isoTime(value: unknown): string {
  const text = String(value);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (!m) return text;
  return m[2] === '00:00:00' && !/[1-9]/.test(m[3] ?? '') ? m[1]! : `${m[1]}T${m[2]}`;
}

/** One value as a spreadsheet should read it: numbers as they are, dates ISO, categories labelled. */
function humanValue(value: unknown, field: FieldInfo): string {
  if (field.kind === 'quantitative')
    return value === null || value === undefined ? '' : typeof value === 'object' ? '' : String(value);
  if (field.kind === 'temporal' && value !== null && value !== undefined && value !== '')
    return isoTime(value);
  return inert(labelOf(value, field));
}

/**
 * A tile's rows as CSV for people: titles with units as the header ("Revenue (€)"), categories
 * by their labels (a missing one `(unknown)`), numbers unformatted so that a spreadsheet can sum
 * them, dates ISO. `context` lines (title, period, filters) come first, one cell each, then an
 * empty line; without them the first line is the header. A UTF-8 byte order mark leads, so that
 * Excel reads € and accents right.
 */
export function humanCsv(
  fields: readonly FieldInfo[],
  rows: readonly Row[],
  context: readonly string[] = [],
): string {
  const lines = [fields.map((f) => cell(csvHeader(f))).join(',')];
  for (const r of rows) lines.push(fields.map((f) => cell(humanValue(r[f.name], f))).join(','));
  return `\uFEFF${csvPreamble(context)}${lines.join('\n')}\n`;
}

/** Lines that say what a CSV holds, one cell each, and the empty line that ends them. */
export function csvPreamble(context: readonly string[]): string {
  return context.length > 0 ? `${context.map(cell).join('\n')}\n\n` : '';
}
