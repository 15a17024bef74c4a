import type { Row } from '../../engine';
import type { QueryFilter } from '../../query/schema';
import { func, raw, type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { cubeTotals, customerFilter, memberRows } from './cube-sql';

export interface Kpis {
  revenue: number;
  orders: number;
  average_order_value: number | null;
  first_order_at: string | null;
  last_order_at: string | null;
  /** Units bought on completed lines. */
  items: number;
  order_lines: number;
  /** Returned order lines. */
  returns: number;
  cancelled_lines: number;
  /** Completed revenue unpaid at as_of, and the part of it past its due date. */
  open_receivables: number;
  overdue_receivables: number;
  overdue_orders: number;
  interactions_done: number;
  last_interaction_at: string | null;
  /** Interactions with status planned (they lie in the future), and the earliest of them. */
  interactions_planned: number;
  next_planned_at: string | null;
  deals: number;
  open_deals: number;
  open_pipeline: number;
  won_deals: number;
  won_amount: number;
  tickets: number;
  open_tickets: number;
  average_satisfaction: number | null;
  web_sessions: number;
  purchasing_web_sessions: number;
}

const before = (member: string, asOf: string): QueryFilter => ({
  member,
  operator: 'beforeDate',
  values: [asOf],
});

/**
 * First and last time of the rows a measure counts (its filters as a row filter): the model has
 * no min/max measures of event times.
 */
function extent(ctx: ReportContext, measure: string, time: string, filters: readonly QueryFilter[]): SqlNode {
  const rows = memberRows(
    ctx,
    measure.split('.')[0]!,
    [['at', time]],
    [...filters, { member: measure, operator: 'measureFilter' }],
  );
  // func: NULL over no rows on every engine (ClickHouse's plain min gives 1970-01-01).
  const at = raw('r."at"');
  return sql`SELECT ${func('min', [at])} AS first, ${func('max', [at])} AS last FROM (${rows}) AS r`;
}

/**
 * The customer's KPIs: cube measures (cubes/*.yml) filtered to the customer's id, over all
 * their SCD2 versions. Orders, interactions done, tickets and web sessions count before as_of;
 * receivables are those open at as_of (unpaid, or paid on or after it) — the cube's
 * overdue_amount looks at today instead. Planned interactions, deals and open tickets are the
 * warehouse's current state.
 */
export async function customerKpis(ctx: ReportContext, customerId: string, asOf: string): Promise<Kpis> {
  const orders = [customerFilter('orders', customerId), before('orders.ordered_at', asOf)];
  const open: QueryFilter = {
    or: [
      { member: 'orders.paid_at', operator: 'notSet' },
      { member: 'orders.paid_at', operator: 'afterOrOnDate', values: [asOf] },
    ],
  };
  const interactions = [customerFilter('interactions', customerId)];
  const queries = {
    sales: cubeTotals(
      ctx,
      [
        'orders.revenue',
        'orders.order_count',
        'orders.average_order_value',
        'orders.quantity',
        'orders.count',
        'orders.returned_lines',
        'orders.cancelled_lines',
      ],
      orders,
    ),
    orderDates: extent(ctx, 'orders.revenue', 'orders.ordered_at', orders),
    receivable: cubeTotals(ctx, ['orders.revenue'], [...orders, open]),
    overdue: cubeTotals(
      ctx,
      ['orders.revenue', 'orders.order_count'],
      [...orders, open, before('orders.due_at', asOf)],
    ),
    done: cubeTotals(ctx, ['interactions.done'], [...interactions, before('interactions.occurred_at', asOf)]),
    doneDates: extent(ctx, 'interactions.done', 'interactions.occurred_at', [
      ...interactions,
      before('interactions.occurred_at', asOf),
    ]),
    planned: cubeTotals(ctx, ['interactions.planned'], interactions),
    plannedDates: extent(ctx, 'interactions.planned', 'interactions.occurred_at', interactions),
    deals: cubeTotals(
      ctx,
      [
        'deal_outcomes.count',
        'deal_outcomes.open',
        'deal_outcomes.open_amount',
        'deal_outcomes.won',
        'deal_outcomes.won_amount',
      ],
      [customerFilter('deal_outcomes', customerId)],
    ),
    tickets: cubeTotals(
      ctx,
      ['tickets.count', 'tickets.open', 'tickets.average_satisfaction'],
      [customerFilter('tickets', customerId), before('tickets.opened_at', asOf)],
    ),
    web: cubeTotals(
      ctx,
      ['web_events.sessions', 'web_events.purchasing_sessions'],
      [customerFilter('web_events', customerId), before('web_events.occurred_at', asOf)],
    ),
  };
  const names = Object.keys(queries) as (keyof typeof queries)[];
  const results = await Promise.all(names.map((n) => ctx.engine.query(queries[n])));
  const row = Object.fromEntries(names.map((n, i) => [n, results[i]!.rows[0] ?? {}])) as Record<
    keyof typeof queries,
    Row
  >;
  const num = (r: Row, key: string) => Number(r[key] ?? 0);
  const orNull = (r: Row, key: string) => (r[key] === null || r[key] === undefined ? null : Number(r[key]));
  const time = (r: Row, key: string) => (typeof r[key] === 'string' ? (r[key] as string) : null);
  return {
    revenue: num(row.sales, 'orders.revenue'),
    orders: num(row.sales, 'orders.order_count'),
    average_order_value: orNull(row.sales, 'orders.average_order_value'),
    first_order_at: time(row.orderDates, 'first'),
    last_order_at: time(row.orderDates, 'last'),
    items: num(row.sales, 'orders.quantity'),
    order_lines: num(row.sales, 'orders.count'),
    returns: num(row.sales, 'orders.returned_lines'),
    cancelled_lines: num(row.sales, 'orders.cancelled_lines'),
    open_receivables: num(row.receivable, 'orders.revenue'),
    overdue_receivables: num(row.overdue, 'orders.revenue'),
    overdue_orders: num(row.overdue, 'orders.order_count'),
    interactions_done: num(row.done, 'interactions.done'),
    last_interaction_at: time(row.doneDates, 'last'),
    interactions_planned: num(row.planned, 'interactions.planned'),
    next_planned_at: time(row.plannedDates, 'first'),
    deals: num(row.deals, 'deal_outcomes.count'),
    open_deals: num(row.deals, 'deal_outcomes.open'),
    open_pipeline: num(row.deals, 'deal_outcomes.open_amount'),
    won_deals: num(row.deals, 'deal_outcomes.won'),
    won_amount: num(row.deals, 'deal_outcomes.won_amount'),
    tickets: num(row.tickets, 'tickets.count'),
    open_tickets: num(row.tickets, 'tickets.open'),
    average_satisfaction: orNull(row.tickets, 'tickets.average_satisfaction'),
    web_sessions: num(row.web, 'web_events.sessions'),
    purchasing_web_sessions: num(row.web, 'web_events.purchasing_sessions'),
  };
}
