import type { JsonValue } from '../../engine';
import type { ReportRows } from './definition';

function field(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** RFC 4180 CSV of a report's (small) rows, columns in their documented order. */
export function rowsToCsv(rows: ReportRows): string {
  const lines = [rows.columns.join(',')];
  for (const r of rows.data) lines.push(rows.columns.map((c) => field(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
