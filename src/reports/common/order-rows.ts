import type { Population } from '../../model/logical-query';
import { type SqlNode, sql } from '../../sql';
import type { ReportContext } from './context';
import { col, localTime, populationRows } from './population';

/** A completed order line: status completed, a positive quantity and a price not below zero. */
const completed = (p: Population): SqlNode =>
  sql`${col(p, 'status')} = 'completed' AND ${col(p, 'quantity')} > 0 AND ${col(p, 'unit_price')} >= 0`;

/**
 * The order lines of a population as the customer reports (RFM, CLV) read them: customer_id,
 * order_id, ts (wall-clock time in the report's zone), revenue and whether the line is completed.
 */
export function orderRows(ctx: ReportContext, p: Population): SqlNode {
  return populationRows(ctx, p, [
    { expr: col(p, 'customer_id'), alias: 'customer_id' },
    { expr: col(p, 'order_id'), alias: 'order_id' },
    { expr: localTime(p, 'ordered_at'), alias: 'ts' },
    { expr: col(p, 'revenue'), alias: 'revenue' },
    { expr: completed(p), alias: 'completed' },
  ]);
}
