import type { JsonValue } from '../../engine';
import { cast, ident, or, param, sql, textMatch } from '../../sql';
import type { ReportContext } from '../common/context';
import { cubeGroups, type MemberColumn, memberRows } from './cube-sql';
import type { SearchParams } from './params';
import { phoneMatch } from './phone';

export interface SearchHit {
  customer_id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  type: string | null;
  country: string | null;
  city: string | null;
  revenue: number;
  orders: number;
  last_order_at: string | null;
  /** An id only the facts knew: the ETL made the customer up, with no attributes. */
  placeholder: boolean;
  /** What matched: id, id_prefix, name, email or phone. */
  matched_on: string;
}

export interface SearchResult {
  data: SearchHit[];
  /** Every match, of which `data` holds the first `limit`. */
  total: number;
}

const COLUMNS: readonly MemberColumn[] = [
  ...['customer_id', 'name', 'email', 'phone', 'type', 'country', 'city'].map(
    (c): MemberColumn => [c, `customers.${c}`],
  ),
  ['placeholder', 'customers.is_placeholder'],
];

/**
 * Customers (current versions) by id, name, e-mail or phone: the exact id first, then ids that
 * start with the search, then the rest by revenue. The search is a bound value compared as
 * plain text, so `%` and `_` are themselves; revenue and orders are the cube's measures.
 */
export async function searchCustomers(ctx: ReportContext, params: SearchParams): Promise<SearchResult> {
  const q = params.search;
  const current = memberRows(ctx, 'customers', COLUMNS, [], ['customers.current']);
  const exact = sql`lower(customer_id) = lower(${q})`;
  const prefix = textMatch('starts_with', ident('customer_id'), param(q));
  const name = textMatch('contains', ident('name'), param(q));
  const email = textMatch('contains', ident('email'), param(q));
  const phone = phoneMatch(ident('phone'), q);
  const sales = cubeGroups(ctx, ['orders.revenue', 'orders.order_count'], ['orders.customer_id'], []);
  const completed = memberRows(
    ctx,
    'orders',
    [
      ['customer_id', 'orders.customer_id'],
      ['at', 'orders.ordered_at'],
    ],
    [{ member: 'orders.revenue', operator: 'measureFilter' }],
  );
  // Every column aliased (ClickHouse names `m.name` so). The cube's columns through ident: an engine without dotted aliases names them otherwise inside.
  const s = (member: string) => ident('s', member);
  const revenue = cast(sql`coalesce(${s('orders.revenue')}, 0)`, 'double');
  const r = await ctx.engine.query(sql`
    WITH matched AS (
      SELECT *, CASE WHEN ${exact} THEN 0 WHEN ${prefix} THEN 1 ELSE 2 END AS rank,
             CASE WHEN ${exact} THEN 'id' WHEN ${prefix} THEN 'id_prefix' WHEN ${name} THEN 'name'
                  WHEN ${email} THEN 'email' ELSE 'phone' END AS matched_on
      FROM (${current})
      WHERE ${or([prefix, name, email, ...(phone ? [phone] : [])])!}
    )
    SELECT m.customer_id AS customer_id, m.name AS name, m.email AS email, m.phone AS phone, m.type AS type,
           m.country AS country, m.city AS city, m.placeholder AS placeholder, m.matched_on AS matched_on,
           ${revenue} AS revenue, coalesce(${s('orders.order_count')}, 0) AS orders,
           l.last_order_at AS last_order_at, count(*) OVER () AS total
    FROM matched AS m
    LEFT JOIN (${sales}) AS s ON ${s('orders.customer_id')} = m.customer_id
    LEFT JOIN (SELECT c.customer_id AS customer_id, max(c."at") AS last_order_at FROM (${completed}) AS c
               GROUP BY c.customer_id) AS l
      ON l.customer_id = m.customer_id
    ORDER BY m.rank, revenue DESC, m.customer_id
    LIMIT ${params.limit}`);
  const text = (v: JsonValue | undefined) => (v === null || v === undefined ? null : String(v));
  return {
    data: r.rows.map((row) => ({
      customer_id: String(row['customer_id']),
      name: text(row['name']),
      email: text(row['email']),
      phone: text(row['phone']),
      type: text(row['type']),
      country: text(row['country']),
      city: text(row['city']),
      revenue: Number(row['revenue']),
      orders: Number(row['orders']),
      last_order_at: text(row['last_order_at']),
      placeholder: row['placeholder'] === true,
      matched_on: String(row['matched_on']),
    })),
    total: Number(r.rows[0]?.['total'] ?? 0),
  };
}
