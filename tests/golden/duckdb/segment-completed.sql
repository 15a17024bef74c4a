SELECT
  "orders"."currency" AS "orders.currency",
  count(*) AS "orders.count",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
WHERE ("orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)
GROUP BY 1
ORDER BY "orders.count" DESC
LIMIT $1
