import { formatCompact, formatDelta, formatNumber, withUnit } from './number-format';
import type { Kpi, KpiComparison } from './tile-types';

/** The page's colours (base.css): text, muted, good news, bad news. */
export const EXPORT_COLOURS = { text: '#1d2433', muted: '#667085', good: '#12915a', bad: '#d23c3c' };

const KIND_LABEL: Readonly<Record<string, string>> = {
  previous_period: 'previous period',
  previous_year: 'a year earlier',
};

export interface ComparisonText {
  /** "▲ +12.3%", "▼ −0.7 pts", or "n/a". */
  readonly change: string;
  /** "vs Jan 1 – Jun 30, 2025 (a year earlier)", with the reason when the change is n/a. */
  readonly against: string;
  readonly tone: KpiComparison['tone'];
}

/** One comparison as the KPI card reads it: arrow and sign, the earlier window, or n/a and why. */
export function comparisonText(c: KpiComparison): ComparisonText {
  const what = KIND_LABEL[c.kind] ?? c.kind.replaceAll('_', ' ');
  const against = `vs ${c.window.label} (${what})`;
  if (c.delta === null) {
    return { change: 'n/a', against: c.reason ? `${against}: ${c.reason}` : against, tone: 'neutral' };
  }
  const arrow = c.delta > 0 ? '▲' : c.delta < 0 ? '▼' : '■';
  return { change: `${arrow} ${formatDelta(c.delta, c.delta_unit)}`, against, tone: c.tone };
}

/** The headline (compact, with its unit) and the exact value when the headline rounds it. */
export function kpiValueText(kpi: Kpi): { headline: string; exact?: string } {
  const headline = `${formatCompact(kpi.value, kpi.format)}${kpi.unit && kpi.value !== null ? ` ${kpi.unit}` : ''}`;
  const exact = withUnit(formatNumber(kpi.value, kpi.format), kpi.value === null ? undefined : kpi.unit);
  return exact === headline ? { headline } : { headline, exact };
}

/** The window the value covers: "Jan 1 – Jun 30, 2026 (to date)", with the data's caveat. */
export function kpiWindowText(kpi: Kpi): string | undefined {
  const w = kpi.window;
  if (!w) return undefined;
  return `${w.label}${w.to_date ? ' (to date)' : ''}${w.note ? ` · ${w.note}` : ''}`;
}

const text = (value: string, x: number, y: number, style: Record<string, unknown>) => ({
  mark: { type: 'text', text: value, x, y, align: 'left', baseline: 'top', ...style },
});

/**
 * A KPI drawn as the page's card draws it, in text marks: the headline value with its unit, the
 * exact value, the window, and each comparison in the colour of its news (good, bad, neutral).
 */
export function kpiBodySpec(kpi: Kpi, width: number): Record<string, unknown> {
  const value = kpiValueText(kpi);
  const window = kpiWindowText(kpi);
  const layer: object[] = [
    text(value.headline, 0, 0, { fontSize: 34, fontWeight: 'bold', color: EXPORT_COLOURS.text }),
  ];
  let y = 44;
  for (const line of [value.exact, window]) {
    if (line === undefined) continue;
    layer.push(text(line, 0, y, { fontSize: 12, color: EXPORT_COLOURS.muted }));
    y += 18;
  }
  y += 6;
  for (const c of kpi.comparisons.map(comparisonText)) {
    const colour = c.tone === 'neutral' ? EXPORT_COLOURS.muted : EXPORT_COLOURS[c.tone];
    layer.push(text(c.change, 0, y, { fontSize: 13, fontWeight: 'bold', color: colour }));
    layer.push(text(c.against, 100, y, { fontSize: 12, color: EXPORT_COLOURS.muted }));
    y += 20;
  }
  return { width, height: y, data: { values: [{}] }, layer };
}
