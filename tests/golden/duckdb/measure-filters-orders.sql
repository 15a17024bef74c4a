SELECT
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue",
  count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.order_count",
  CAST((sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) AS DOUBLE) / NULLIF((count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)), 0) AS "orders.average_order_value",
  (count(*) FILTER (WHERE "orders".status = 'returned')) / NULLIF((count(*)), 0) AS "orders.return_rate"
FROM "fact_order_lines" AS "orders"
ORDER BY "orders.revenue" DESC
LIMIT $1
