import { labelOf } from '../../../util/labels';
import { formatWindow } from '../../../util/periods';
import type { ExportContext, ExportTile } from './export-types';
import { titleWithoutUnit, unitOf } from './field-units';
import type { FieldInfo } from './tile-types';

const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** A time bucket's start as the window it stands for: "Mar 2026", "Q1 2026", "Mar 2–8, 2026". */
function bucketLabel(value: unknown, granularity: string): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const [y, m, d] = [Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10))];
  const start = Date.UTC(y, m, d);
  const end =
    granularity === 'year'
      ? Date.UTC(y, 11, 31)
      : granularity === 'quarter'
        ? Date.UTC(y, m + 3, 0)
        : granularity === 'month'
          ? Date.UTC(y, m + 1, 0)
          : granularity === 'week'
            ? start + 6 * 86_400_000
            : start;
  return formatWindow(iso(start), `${iso(end)}T23:59:59.999`);
}

/** One drill-down step's value for people: a time bucket in words, a category by its label. */
function stepLabel(step: { member: string; value: unknown }, fields: readonly FieldInfo[]): string {
  const granularity = GRANULARITIES.find((g) => step.member.endsWith(`.${g}`));
  const bucket = granularity ? bucketLabel(step.value, granularity) : undefined;
  return (
    bucket ??
    labelOf(
      step.value,
      fields.find((f) => f.name === step.member),
    )
  );
}

/**
 * "Units: Revenue in €", "Units: Actual, Forecast and 4 more in €; Median first response in
 * hours", or nothing when no number has a unit.
 */
function unitsLine(fields: readonly FieldInfo[]): string | undefined {
  const byUnit = new Map<string, string[]>();
  for (const f of fields) {
    const unit = f.kind === 'quantitative' ? unitOf(f) : undefined;
    if (unit !== undefined) byUnit.set(unit, [...(byUnit.get(unit) ?? []), titleWithoutUnit(f)]);
  }
  const groups = [...byUnit].map(([unit, titles]) => {
    const named =
      titles.length <= 2
        ? titles.join(' and ')
        : `${titles.slice(0, 2).join(', ')} and ${titles.length - 2} more`;
    return `${named} in ${unit}`;
  });
  return groups.length > 0 ? `Units: ${groups.join('; ')}` : undefined;
}

export interface ExportHeader {
  readonly text: string;
  readonly subtitle: string[];
}

/**
 * The block above an exported tile: its title, then the dashboard and the period, the drill-down,
 * the filters that applied, those that did not, and the units of its numbers. A KPI states its
 * window and unit in its own lines, so its header leaves them out (`body: 'kpi'`).
 */
export function exportHeader(tile: ExportTile, ctx: ExportContext, body: 'chart' | 'kpi'): ExportHeader {
  const period = body === 'kpi' && tile.kpi?.window ? undefined : ctx.period;
  const drilled = tile.drilled?.map((s) => stepLabel(s, tile.fields)) ?? [];
  const lines = [
    period ? `${ctx.dashboard} · ${period}` : ctx.dashboard,
    drilled.length > 0 ? `Drilled into ${drilled.join(' › ')}` : undefined,
    ctx.filters.length > 0 ? `Filtered by ${ctx.filters.join(' · ')}` : undefined,
    ctx.ignored.length > 0 ? `Not filtered by ${ctx.ignored.join(', ')}` : undefined,
    body === 'chart' ? unitsLine(tile.fields) : undefined,
  ];
  return { text: tile.title, subtitle: lines.filter((l): l is string => l !== undefined) };
}
