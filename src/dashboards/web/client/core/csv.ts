import { humanCsv } from '../../shared/export-csv';
import type { Field, Row } from '../api-types';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows as CSV (RFC 4180), columns in field order with raw values, as the server's CSV has them. */
export function toCsv(fields: readonly Field[], rows: readonly Row[]): string {
  const lines = [fields.map((f) => cell(f.name)).join(',')];
  for (const r of rows) lines.push(fields.map((f) => cell(r[f.name])).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Rows as CSV for people, as the server's `?headers=titles` writes them: titles with units,
 * labelled categories, plain numbers, ISO dates (the same code, shared with the server).
 */
export function toHumanCsv(fields: readonly Field[], rows: readonly Row[]): string {
  return humanCsv(fields, rows);
}
