import { sql } from '../../sql';
import { type ReportContext, stateEngine } from '../common/context';

export interface Membership {
  segment_id: string;
  name: string;
  refreshed_at: string;
}

/**
 * The saved segments (target groups) whose last snapshot holds the customer, by name: application
 * state, read where it is kept (the embedded DuckDB), whichever engine the warehouse is.
 */
export async function customerSegments(ctx: ReportContext, customerId: string): Promise<Membership[]> {
  const r = await stateEngine(ctx).query(sql`
    SELECT s.segment_id, s.name, s.refreshed_at
    FROM saved_segment_members AS m JOIN saved_segments AS s ON s.segment_id = m.segment_id
    WHERE m.customer_id = ${customerId}
    ORDER BY s.name, s.segment_id`);
  return r.rows.map((row) => ({
    segment_id: String(row['segment_id']),
    name: String(row['name']),
    refreshed_at: String(row['refreshed_at']),
  }));
}
