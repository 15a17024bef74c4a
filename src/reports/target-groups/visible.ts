import { type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { memberRows } from '../customer360/cube-sql';
import type { SavedSegment } from './store';

/** The ids of the customers the user may see (current versions), as the member export uses them. */
export function visibleCustomers(ctx: ReportContext): SqlNode {
  const customers = memberRows(
    ctx,
    'customers',
    [['customer_id', 'customers.customer_id']],
    [],
    ['customers.current'],
  );
  return sql`SELECT DISTINCT customer_id FROM (${customers}) visible`;
}

/**
 * Saved segments as a user restricted to some rows may see them: the member count over the
 * members they can see, and an `ids` definition cut to those members; segments are shared, and
 * their snapshots hold every region's customers. An unrestricted user sees them as stored.
 */
export async function segmentsAsSeen(ctx: ReportContext, segments: SavedSegment[]): Promise<SavedSegment[]> {
  if ((ctx.model.access?.rows.size ?? 0) === 0 || segments.length === 0) return segments;
  const ids = segments.map((s) => s.segment_id);
  const visible = visibleCustomers(ctx);
  const counts = await ctx.engine.query(sql`
    SELECT m.segment_id, count(*) AS n
    FROM saved_segment_members m JOIN (${visible}) c ON c.customer_id = m.customer_id
    WHERE list_contains(${ids}::VARCHAR[], m.segment_id) GROUP BY 1`);
  const countOf = new Map(counts.rows.map((r) => [String(r['segment_id']), Number(r['n'])]));
  return Promise.all(
    segments.map(async (s): Promise<SavedSegment> => {
      const seen = { ...s, member_count: countOf.get(s.segment_id) ?? 0 };
      if (s.definition.source !== 'ids') return seen;
      const members = await ctx.engine.query(sql`
        SELECT m.customer_id FROM saved_segment_members m JOIN (${visible}) c ON c.customer_id = m.customer_id
        WHERE m.segment_id = ${s.segment_id}`);
      const mine = new Set(members.rows.map((r) => String(r['customer_id'])));
      return {
        ...seen,
        definition: { ...s.definition, customer_ids: s.definition.customer_ids.filter((id) => mine.has(id)) },
      };
    }),
  );
}
