/**
 * The HTTP API's answers as the client reads them. They mirror the server's types
 * (src/dashboards/run-tile.ts, src/model/meta.ts, src/server/routes/*), which the client cannot
 * import: those modules pull in the engine and Node.
 */

export type Row = Record<string, unknown>;

export type { FieldInfo as Field, Kpi, KpiComparison } from '../shared/tile-types';

import type { FieldInfo as Field, Kpi } from '../shared/tile-types';

export interface CubeQuery {
  measures?: string[];
  dimensions?: string[];
  timeDimensions?: { dimension: string; granularity?: string; dateRange?: string | [string, string] }[];
  filters?: unknown[];
  segments?: string[];
  order?: Record<string, 'asc' | 'desc'> | [string, 'asc' | 'desc'][];
  limit?: number;
  [key: string]: unknown;
}

export interface TileResult {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly chart: string;
  readonly width: number;
  readonly height: number;
  readonly spec?: Record<string, unknown>;
  readonly data: Row[];
  readonly fields: Field[];
  readonly query?: CubeQuery;
  readonly report?: string;
  readonly params?: Record<string, unknown>;
  readonly kpi?: Kpi;
  readonly drill?: { member: string; to: string };
  readonly drilled?: { member: string; value: unknown }[];
  readonly save_segment?: { field: string };
  readonly applied: string[];
  readonly ignored: string[];
  readonly error?: { code: string; message: string };
}

export interface SavedSegment {
  readonly segment_id: string;
  readonly name: string;
  readonly member_count: number;
  readonly members_url: string;
}

export interface MetaMember {
  readonly name: string;
  readonly title: string;
  readonly shortTitle: string;
  readonly type: string;
  readonly format?: string;
  readonly description?: string;
}

export interface MetaCube {
  readonly name: string;
  readonly title: string;
  readonly description?: string;
  readonly measures: MetaMember[];
  readonly dimensions: MetaMember[];
  readonly segments: MetaMember[];
}

export interface Meta {
  readonly cubes: MetaCube[];
}

export interface MemberValues {
  readonly member: string;
  readonly values: unknown[];
}

export interface Annotation {
  readonly measures: Record<string, { title: string; shortTitle: string; format?: string; unit?: string }>;
  readonly dimensions: Record<
    string,
    {
      title: string;
      shortTitle: string;
      type: string;
      format?: string;
      labels?: Record<string, string>;
      humanize?: boolean;
    }
  >;
  readonly timeDimensions: Record<string, { title: string; shortTitle: string; granularity?: unknown }>;
}

export interface LoadResponse {
  readonly query: Record<string, unknown>;
  readonly data: Row[];
  readonly annotation: Annotation;
}

export interface SqlResponse {
  readonly queries: { text: string; params: unknown[]; dialect: string }[];
}

export interface CustomerHit {
  readonly customer_id: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly type: string | null;
  readonly country: string | null;
  readonly city: string | null;
  readonly revenue: number | null;
  readonly orders: number | null;
  readonly last_order_at: string | null;
}

export type TimelineKind = 'order' | 'interaction' | 'campaign' | 'web_session' | 'deal' | 'ticket';

export interface TimelineEvent {
  readonly at: string;
  readonly kind: TimelineKind | string;
  readonly title: string;
  readonly detail?: string | null;
  readonly status?: string | null;
  readonly amount?: number | null;
  readonly planned: boolean;
}

export interface CustomerDetail {
  readonly profile: Record<string, unknown> & { customer_id: string; name?: string | null };
  readonly history: Record<string, unknown>[];
  readonly kpis: Record<string, unknown>;
  readonly rfm: {
    recency_days: number;
    frequency: number;
    monetary: number;
    r: number;
    f: number;
    m: number;
    cell: string;
    segment: string;
  } | null;
  readonly cluster: { cluster: number; label: string; k: number } | null;
  /** The CLV report's answer for the customer (weeks, a 52-week horizon, no discount). */
  readonly clv: {
    frequency: number;
    recency: number;
    T: number;
    p_alive: number;
    expected_purchases: number | null;
    expected_avg_value: number | null;
    clv: number | null;
    unit: string;
    horizon: number;
  } | null;
  readonly segments: { segment_id: string; name: string }[];
  readonly timeline: TimelineEvent[];
}
