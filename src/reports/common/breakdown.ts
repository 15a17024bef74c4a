import { AppError } from '../../errors';
import type { Dimension } from '../../model/types';

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
