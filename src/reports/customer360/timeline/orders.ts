import { cast, func, raw, sql } from '../../../sql';
import { customerFilter, memberRows } from '../cube-sql';
import { detailOf, num, plural, str, type TimelineSource } from './entry';

/**
 * One entry per order (not per line): its value over all lines, the revenue it counts for (the
 * cube's `orders.revenue`: completed lines), lines, channel and what became of it.
 */
export const orderEntries: TimelineSource = {
  kind: 'order',
  rows(ctx, customerId) {
    const lines = memberRows(
      ctx,
      'orders',
      [
        ['order_id', 'orders.order_id'],
        ['ordered_at', 'orders.ordered_at'],
        ['value', 'orders.line_revenue'],
        ['revenue', 'orders.revenue'],
        ['items', 'orders.quantity'],
        ['cancelled', 'orders.cancelled_lines'],
        ['returned', 'orders.returned_lines'],
        ['channel', 'orders.channel'],
        ['currency', 'orders.currency'],
        ['campaign', 'campaigns.name'],
      ],
      [customerFilter('orders', customerId)],
    );
    // Columns qualified: ClickHouse reads a bare name that is also an alias as the alias.
    const sum = (c: string) => func('sum', [raw(`l.${c}`)]);
    return sql`
      SELECT l.order_id AS ref, min(l.ordered_at) AS "at", count(*) AS lines, ${cast(sum('value'), 'double')} AS amount,
             ${cast(sql`coalesce(${sum('revenue')}, 0)`, 'double')} AS revenue,
             ${cast(sql`coalesce(${sum('items')}, 0)`, 'double')} AS items,
             count(l.cancelled) AS cancelled_lines, count(l.returned) AS returned_lines,
             min(l.channel) AS channel, min(l.currency) AS currency, min(l.campaign) AS campaign
      FROM (${lines}) AS l GROUP BY l.order_id`;
  },
  entry(row) {
    const lines = Number(row['lines']);
    const cancelled = Number(row['cancelled_lines']);
    const returned = Number(row['returned_lines']);
    const status =
      cancelled === lines
        ? 'cancelled'
        : returned === lines
          ? 'returned'
          : returned > 0
            ? 'partly_returned'
            : cancelled > 0
              ? 'partly_cancelled'
              : 'completed';
    const channel = str(row['channel']);
    const campaign = str(row['campaign']);
    return {
      at: String(row['at']),
      kind: 'order',
      title: `Order ${row['ref']}`,
      detail: detailOf([
        plural(lines, 'line'),
        channel,
        status.replace('_', ' '),
        campaign && `campaign ${campaign}`,
      ]),
      status,
      amount: num(row['amount']),
      planned: false,
      ref: String(row['ref']),
      data: {
        lines,
        items: Number(row['items']),
        revenue: Number(row['revenue']),
        cancelled_lines: cancelled,
        returned_lines: returned,
        channel,
        currency: str(row['currency']),
        campaign,
      },
    };
  },
};
