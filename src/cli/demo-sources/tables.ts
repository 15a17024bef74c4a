/**
 * The demo company's operational systems: which demo file becomes which table of which system.
 * Columns and their types follow the demo job's mapping and its landing contract, so the jobs
 * in etl/jobs-sources read back what the file jobs in etl/jobs read.
 */
export interface DemoTable {
  /** The file job in etl/jobs whose file and mapping the table is built from. */
  readonly job: string;
  readonly system: 'postgres' | 'mysql';
  readonly table: string;
}

export const DEMO_TABLES: readonly DemoTable[] = [
  { job: 'demo-employees', system: 'postgres', table: 'employees' },
  { job: 'demo-customers', system: 'postgres', table: 'customers' },
  { job: 'demo-campaigns', system: 'postgres', table: 'campaigns' },
  { job: 'demo-interactions', system: 'postgres', table: 'interactions' },
  { job: 'demo-campaign-responses', system: 'postgres', table: 'campaign_responses' },
  { job: 'demo-deals', system: 'postgres', table: 'deals' },
  { job: 'demo-tickets', system: 'postgres', table: 'tickets' },
  { job: 'demo-products', system: 'mysql', table: 'products' },
  { job: 'demo-orders', system: 'mysql', table: 'orders' },
  { job: 'demo-web-events', system: 'mysql', table: 'web_events' },
];

/** A column's type as DuckDB stages it, and how each database declares it. */
export const COLUMN_TYPES = {
  integer: { duck: 'BIGINT', postgres: 'bigint', mysql: 'BIGINT' },
  decimal: { duck: 'DECIMAL(18, 4)', postgres: 'numeric(18, 4)', mysql: 'DECIMAL(18, 4)' },
  timestamp: { duck: 'TIMESTAMP', postgres: 'timestamptz', mysql: 'DATETIME(6)' },
  date: { duck: 'DATE', postgres: 'date', mysql: 'DATE' },
  text: { duck: 'VARCHAR', postgres: 'text', mysql: 'TEXT' },
} as const;

export type ColumnKind = keyof typeof COLUMN_TYPES;
