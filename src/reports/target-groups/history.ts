import type { Row } from '../../engine';
import { type SqlNode, sql } from '../../sql';
import { type ReportContext, stateEngine } from '../common/context';

/** The tables of sql/schema/010_target_group_history.sql, keyed by segment id. */
export const HISTORY_TABLES = [
  'target_group_refreshes',
  'target_group_schedules',
  'target_group_pushes',
] as const;

export interface SnapshotRecord {
  seq: number;
  refreshed_at: string;
  cause: string;
  member_count: number;
  added: number;
  removed: number;
}

/**
 * The history row of a snapshot: the staged members (`staged`) against the current ones (`id`),
 * numbered after the segment's last row. Runs inside store()'s transaction, before the swap.
 */
export function recordSnapshot(id: string, staged: string, now: string, cause: string): SqlNode {
  return sql`
    INSERT INTO target_group_refreshes
    WITH next AS (SELECT customer_id FROM saved_segment_members WHERE segment_id = ${staged}),
         prev AS (SELECT customer_id FROM saved_segment_members WHERE segment_id = ${id})
    SELECT ${id},
           (SELECT coalesce(max(seq), 0) + 1 FROM target_group_refreshes WHERE segment_id = ${id}),
           CAST(${now} AS TIMESTAMP), ${cause},
           (SELECT count(*) FROM next),
           (SELECT count(*) FROM next ANTI JOIN prev USING (customer_id)),
           (SELECT count(*) FROM prev ANTI JOIN next USING (customer_id))`;
}

function asRecord(row: Row): SnapshotRecord {
  return {
    seq: Number(row['seq']),
    refreshed_at: String(row['refreshed_at']),
    cause: String(row['cause']),
    member_count: Number(row['member_count']),
    added: Number(row['added']),
    removed: Number(row['removed']),
  };
}

/** A segment's snapshots, oldest first. */
export async function segmentHistory(ctx: ReportContext, segmentId: string): Promise<SnapshotRecord[]> {
  const r = await stateEngine(ctx).query(sql`
    SELECT seq, refreshed_at, cause, member_count, added, removed FROM target_group_refreshes
    WHERE segment_id = ${segmentId} ORDER BY seq`);
  return r.rows.map(asRecord);
}
