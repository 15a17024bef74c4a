import { cubeSubquery } from '../../cube';
import { AppError } from '../../errors';
import { ident, list, type SqlNode, sql } from '../../sql';
import { clvMembers } from '../clv/report';
import { planCohort } from '../cohort/report';
import type { ReportContext } from '../common/context';
import { funnelActors } from '../funnel/report';
import { pathsMembers } from '../paths/members';
import { retentionMembers } from '../retention/report';
import { planRfm } from '../rfm/report';
import { segmentMembers } from '../segments/report';
import type { SegmentDefinition } from './definition';

/** The SQL of a definition's members: one column, customer_id. */
export async function membersSql(ctx: ReportContext, d: SegmentDefinition): Promise<SqlNode> {
  switch (d.source) {
    case 'rfm': {
      const plan = await planRfm(ctx, { ...d.params, limit: 0 });
      const conditions: SqlNode[] = [];
      if (d.segments?.length) conditions.push(sql`segment IN (${list(d.segments.map((s) => sql`${s}`))})`);
      if (d.cells?.length) conditions.push(sql`rfm_cell IN (${list(d.cells.map((c) => sql`${c}`))})`);
      return sql`SELECT customer_id FROM (${plan.customers}) WHERE ${list(conditions, ' OR ')}`;
    }
    case 'cohort': {
      const plan = await planCohort(ctx, d.params);
      return sql`SELECT customer_id FROM (${plan.members}) WHERE cohort = ${d.cohort}`;
    }
    case 'query': {
      const idDimension = d.query.dimensions.find((x) => x.endsWith('.customer_id'));
      if (!idDimension) {
        throw new AppError(
          'VALIDATION_FAILED',
          'a query segment needs a customer id among its dimensions, e.g. customers.customer_id',
        );
      }
      const rows = cubeSubquery(ctx, d.query, { rows: 'all' });
      return sql`SELECT DISTINCT ${ident(idDimension)} AS customer_id FROM (${rows})`;
    }
    case 'ids':
      return sql`SELECT unnest(${d.customer_ids}::VARCHAR[]) AS customer_id`;
    case 'cluster':
      return segmentMembers(ctx, d.params, d.cluster);
    case 'funnel':
      return funnelActors(ctx, d.params, { step: d.step, which: d.which });
    case 'retention':
      return retentionMembers(ctx, d.params, d);
    case 'paths':
      return pathsMembers(ctx, d.params, d);
    case 'clv':
      return clvMembers(ctx, d.params, d);
  }
}
