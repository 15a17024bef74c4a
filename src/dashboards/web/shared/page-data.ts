/**
 * What a page shell hands its script: the page kind on `<body data-page>` and, for pages that
 * need more, JSON in `<script id="page-data">`. Types only, shared by the server-side shells
 * and the browser client (which cannot import server modules).
 */

export const PAGE_DATA_ID = 'page-data';

export type PageKind =
  | 'index'
  | 'dashboard'
  | 'builder'
  | 'explore'
  | 'insights'
  | 'customer'
  | 'customers'
  | 'questions'
  | 'target-groups'
  | 'not-found';

export interface DateRangeFilterDefinition {
  readonly name: string;
  readonly type: 'date_range';
  readonly title?: string;
  readonly default: string | readonly [string, string];
  readonly presets: readonly string[];
}

export interface DimensionFilterDefinition {
  readonly name: string;
  readonly type: 'dimension';
  readonly dimension: string;
  readonly title?: string;
  readonly multiple: boolean;
  readonly default: readonly string[];
  /** How the dimension's values read for people (the model's labels; code-like values humanised). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly humanize?: boolean;
}

export type FilterDefinition = DateRangeFilterDefinition | DimensionFilterDefinition;

/** A tile's place on the grid, known before its data: the page draws skeletons from it. */
export interface TileLayout {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly chart: string;
  readonly width: number;
  readonly height: number;
}

export interface DashboardPageData {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly filters: readonly FilterDefinition[];
  readonly tiles: readonly TileLayout[];
  /** Saved in the application state (built in the browser or imported): it can be edited. */
  readonly saved?: boolean;
  /** The end of the last successful ETL load of the facts it shows (ISO), or null. */
  readonly dataAsOf?: string | null;
}

export interface CustomerPageData {
  readonly customerId: string;
}

export interface CustomersPageData {
  readonly search: string;
}
