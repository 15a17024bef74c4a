import { cubeSubquery } from '../../cube';
import { AppError } from '../../errors';
import { cast, fn, ident, list, param, type SqlNode, sql } from '../../sql';
import { clv, clvMembers } from '../clv/report';
import { cohort, planCohort } from '../cohort/report';
import type { ReportContext } from '../common/context';
import { type ReportEngine, reportRunsOn } from '../common/definition';
import { funnel, funnelActors } from '../funnel/report';
import { pathsMembers } from '../paths/members';
import { paths } from '../paths/report';
import { retention, retentionMembers } from '../retention/report';
import { planRfm, rfm } from '../rfm/report';
import { segmentMembers, segments } from '../segments/report';
import type { SegmentDefinition } from './definition';

/**
 * The report whose SQL gives a source's members; a cube query and a list of ids need none (the
 * cube's SQL and bound values run on every engine).
 */
const SOURCE_REPORTS: Record<
  SegmentDefinition['source'],
  { readonly name: string; readonly engines?: readonly ReportEngine[] } | undefined
> = {
  rfm: rfm,
  cohort: cohort,
  query: undefined,
  ids: undefined,
  cluster: segments,
  funnel: funnel,
  retention: retention,
  paths: paths,
  clv: clv,
};

/** Refuses a source whose report does not run on the warehouse engine, naming the source. */
function assertSourceRunsOn(ctx: ReportContext, source: SegmentDefinition['source']): void {
  const report = SOURCE_REPORTS[source];
  const dialect = ctx.engine.dialect.name;
  if (report === undefined || reportRunsOn(report, dialect)) return;
  throw new AppError(
    'REPORT_ENGINE_UNSUPPORTED',
    `a target group from the ${source} source needs the report "${report.name}", which does not run on ${dialect} yet; save it on the embedded DuckDB warehouse (without --clickhouse)`,
    { report: report.name, source, engine: dialect },
  );
}

/** The SQL of a definition's members on the warehouse: one column, customer_id. */
export async function membersSql(ctx: ReportContext, d: SegmentDefinition): Promise<SqlNode> {
  assertSourceRunsOn(ctx, d.source);
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
      return sql`SELECT ${fn.unnest(cast(param(d.customer_ids), 'text[]'))} AS customer_id`;
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
