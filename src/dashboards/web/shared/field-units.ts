/**
 * The units of a field's numbers as exports state them ("Revenue (€)", "Median First Response
 * (hours)"): in the header of a CSV for people and the units line of an exported chart.
 */
import type { FieldInfo } from './tile-types';

/** The unit a field's numbers are in, when it has one: its own (`hours`), else € for amounts. */
export function unitOf(field: Pick<FieldInfo, 'unit' | 'format'>): string | undefined {
  return field.unit ?? (field.format === 'currency' ? '€' : undefined);
}

/**
 * A field's title without the unit it ends in, for a title that states the unit apart: "Median
 * First Response Hours" (hours) → "Median First Response", to read "Median First Response (hours)".
 */
export function titleWithoutUnit(field: Pick<FieldInfo, 'title' | 'unit' | 'format'>): string {
  const unit = unitOf(field)?.toLowerCase();
  if (unit === undefined) return field.title;
  const words = field.title.split(' ');
  return words.length > 1 && words.at(-1)!.toLowerCase() === unit
    ? words.slice(0, -1).join(' ')
    : field.title;
}
