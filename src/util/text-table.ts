/** Formats rows as an aligned text table; numbers are right-aligned with thousands separators. */
export function formatTable(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = columns ?? Object.keys(rows[0]!);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number')
      return Number.isInteger(v)
        ? v.toLocaleString('en-US')
        : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
  const text = rows.map((r) => cols.map((c) => cell(r[c])));
  const numeric = cols.map((c) =>
    rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'),
  );
  const widths = cols.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}
