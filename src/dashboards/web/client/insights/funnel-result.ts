import type { Row } from '../api-types';

/** The columns of a funnel's step rows, as the report's CSV has them. */
const STEP_COLUMNS = [
  'step_index',
  'step',
  'actors',
  'conversion_from_previous',
  'conversion_from_first',
  'dropped',
  'customers',
  'customers_dropped',
  'median_seconds_to_step',
  'p90_seconds_to_step',
] as const;

type Value = string | number | boolean | null;

/** One correlated event or property value (the funnel's `correlation`). */
export interface CorrelationRow {
  readonly event?: string;
  readonly property?: string;
  readonly value?: Value;
  readonly success_with: number;
  readonly failure_with: number;
  readonly odds_ratio: number;
  readonly p_value: number;
  readonly direction: 'success' | 'failure';
  readonly significant: boolean;
}

/** What POST /v1/reports/funnel answers as JSON (the parts the page shows). */
export interface FunnelAnswer {
  readonly as_of: string | null;
  readonly window: { readonly text: string; readonly seconds: number };
  readonly steps: readonly Row[];
  readonly breakdown?: {
    readonly values: readonly { readonly value: Value; readonly steps: readonly Row[] }[];
  };
  readonly over_time?: readonly {
    readonly period: string;
    readonly entered: number;
    readonly converted: number;
    readonly conversion: number | null;
    readonly partial: boolean;
    readonly window_closed: boolean;
  }[];
  readonly time_to_convert?: readonly {
    readonly from_seconds: number;
    readonly to_seconds: number;
    readonly actors: number;
  }[];
  readonly correlation?: {
    readonly successes: number;
    readonly failures: number;
    readonly events?: readonly CorrelationRow[];
    readonly properties?: readonly CorrelationRow[];
  };
}

/** The step rows of a funnel answer, as the CSV gives them (a breakdown value per row when asked). */
// (The shape of run.ts's ReportRows, not imported: this file stays free of the browser's globals.)
export function funnelRows(answer: FunnelAnswer): { columns: string[]; rows: readonly Row[] } {
  if (answer.breakdown) {
    return {
      columns: ['breakdown', ...STEP_COLUMNS],
      rows: answer.breakdown.values.flatMap((v) => v.steps.map((s) => ({ breakdown: v.value, ...s }))),
    };
  }
  return { columns: [...STEP_COLUMNS], rows: answer.steps };
}

/**
 * Correlated events and property values as one table's rows, most telling first (the largest
 * |log odds ratio|, as the report sorts each list): events and property values merged.
 */
export function correlationRows(answer: FunnelAnswer): Row[] {
  const c = answer.correlation;
  if (!c) return [];
  const rows = [
    ...(c.events ?? []).map((r) => ({ ...r, kind: 'Event', name: r.event ?? '' })),
    ...(c.properties ?? []).map((r) => ({
      ...r,
      kind: 'Property',
      name: `${String(r.property ?? '').replace(/^web_events\.properties\./, '')} = ${r.value === null || r.value === undefined ? '(none)' : String(r.value)}`,
    })),
  ];
  return rows
    .sort(
      (a, b) =>
        Math.abs(Math.log(b.odds_ratio)) - Math.abs(Math.log(a.odds_ratio)) || a.name.localeCompare(b.name),
    )
    .map((r) => ({
      variable: r.name,
      kind: r.kind,
      completed_with: r.success_with,
      dropped_with: r.failure_with,
      odds_ratio: r.odds_ratio,
      // A p-value too small to print reads as a bound, not as 0.
      p_value: r.p_value < 0.0001 ? '< 0.0001' : String(Number(r.p_value.toPrecision(2))),
      significant: r.significant ? 'yes' : 'no',
      direction: r.direction === 'success' ? 'more conversion' : 'less conversion',
    }));
}

/** Seconds in words for a histogram bin's edge: 90 → "1.5 min", 7200 → "2 h", 172800 → "2 d". */
export function durationWords(seconds: number): string {
  const fmt = (n: number) => String(Math.round(n * 10) / 10);
  if (seconds < 60) return `${fmt(seconds)} s`;
  if (seconds < 3600) return `${fmt(seconds / 60)} min`;
  if (seconds < 86_400) return `${fmt(seconds / 3600)} h`;
  return `${fmt(seconds / 86_400)} d`;
}
