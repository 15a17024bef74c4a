import { AppError } from '../../errors';
import { joinPath } from '../../model/join-graph';
import { findMember } from '../../model/lookup';
import type { Dimension } from '../../model/types';
import type { ReportContext } from './context';

/**
 * Refuses a dimension a report cannot break down by: a time dimension (every timestamp its own
 * value), or saved-segment membership (`customers.segment`), a filter only: its SQL is the
 * customer id, so a breakdown by it would list customers, not segments.
 */
export function checkBreakdownDimension(d: Dimension): void {
  if (d.type === 'time') {
    throw new AppError(
      'VALIDATION_FAILED',
      `breakdown: ${d.fullName} is a time dimension; break down by a property`,
    );
  }
  if (d.segmentMembership) {
    throw new AppError(
      'VALIDATION_FAILED',
      `breakdown: ${d.fullName} filters by saved segment membership and cannot be a breakdown; filter by it (filters: [{"member": "${d.fullName}", "operator": "equals", "values": ["<segment>"]}]) and compare the runs`,
    );
  }
}

/**
 * The breakdown dimension of a report over `source` (a cube): a dimension of it (`source` or
 * `web_events.source`), a key of one of its JSON dimensions (`properties.$browser`) or a
 * dimension of a cube it joins (`customers.region`). An unknown name is refused with the
 * closest names ("did you mean").
 */
export function sourceBreakdown(ctx: ReportContext, source: string, name: string): Dimension {
  const head = name.split('.')[0]!;
  const full = ctx.model.cubes.has(head) ? name : `${source}.${name}`;
  const d = findMember(ctx.model, full, 'dimension', 'breakdown').member as Dimension;
  checkBreakdownDimension(d);
  if (d.cube !== source && joinPath(ctx.model.edges, source, d.cube) === undefined) {
    throw new AppError('VALIDATION_FAILED', `breakdown: ${source} does not join ${d.cube}`);
  }
  return d;
}
