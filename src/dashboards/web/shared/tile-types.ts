/**
 * The parts of a tile's answer that the server builds and the browser reads: its fields and its
 * KPI. Types only, shared by src/dashboards (which builds them) and the client (which cannot
 * import server modules), so the two cannot drift apart.
 */

/** Which way is good news for a measure: revenue higher, response times lower, costs neither. */
export type Better = 'higher' | 'lower' | 'none';

/** What a chart, a table or an export knows about one column of a tile's rows. */
export interface FieldInfo {
  readonly name: string;
  readonly title: string;
  readonly kind: 'temporal' | 'quantitative' | 'nominal';
  readonly format?: string;
  /** The unit of a plain number (`hours`), shown with axis titles and KPI values. */
  readonly unit?: string;
  /** Which way is good news (measures). */
  readonly better?: Better;
  /** How a nominal field's values read for people: explicit labels, then humanised codes. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly humanize?: boolean;
}

export interface KpiWindow {
  readonly from: string;
  readonly to: string;
  /** The window in words: "Jan 1 – May 14, 2026". */
  readonly label: string;
}

export type ComparisonKind = 'previous_period' | 'previous_year';

export interface KpiComparison {
  readonly kind: ComparisonKind;
  readonly window: KpiWindow;
  readonly value: number | null;
  /**
   * The change: relative for amounts and counts (0.31 = +31%), in percentage points for rates
   * and shares (0.007 = +0.7 pts); null when there is nothing fair to compare with.
   */
  readonly delta: number | null;
  readonly delta_unit: 'percent' | 'pts';
  /** Whether the change is good news, by the measure's `better`; neutral without a delta. */
  readonly tone: 'good' | 'bad' | 'neutral';
  /** Why the delta is n/a: the data does not cover the window, no value, a zero base. */
  readonly reason?: string;
}

export interface Kpi {
  readonly value: number | null;
  readonly format?: string;
  readonly unit?: string;
  readonly better: Better;
  /**
   * The window the value covers (up to now while the range runs); absent when the tile takes
   * no date filter. `note` says when the data covers only part of it.
   */
  readonly window?: KpiWindow & { readonly to_date: boolean; readonly note?: string };
  readonly comparisons: KpiComparison[];
}
