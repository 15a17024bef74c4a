import type { Field } from '../api-types';
import { dataTable } from '../components/data-table';
import type { ReportRows } from './run';

/** Rate columns show as percentages. */
const PERCENT = new Set(['conversion_from_previous', 'conversion_from_first', 'percentage', 'share']);

/** A CSV column's title for people: `conversion_from_first` → "Conversion from first". */
function titleOf(name: string): string {
  const words = name.replace(/_/g, ' ');
  return `${words[0]?.toUpperCase() ?? ''}${words.slice(1)}`;
}

/** The fields of the report's columns: numbers right-aligned, rates as percentages. */
export function reportFields(result: ReportRows, breakdown?: string): Field[] {
  return (
    result.columns
      // An all-empty column (no breakdown asked, no actors counted for math total) says nothing.
      .filter((name) => result.rows.some((r) => r[name] !== null && r[name] !== undefined))
      .map((name) => {
        const numeric = result.rows.some((r) => typeof r[name] === 'number');
        return {
          name,
          title: name === 'breakdown' && breakdown ? breakdown : titleOf(name),
          kind: numeric ? 'quantitative' : 'nominal',
          ...(PERCENT.has(name) ? { format: 'percent' } : {}),
        } satisfies Field;
      })
  );
}

/** The report's rows as a sortable table. */
export function reportTable(result: ReportRows, breakdown?: string): HTMLElement {
  return dataTable(reportFields(result, breakdown), result.rows);
}
