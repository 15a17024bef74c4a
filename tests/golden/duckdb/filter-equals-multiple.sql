SELECT
  "orders"."currency" AS "orders.currency",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
WHERE "orders"."currency" IN ($1, $2, $3)
GROUP BY 1
ORDER BY "orders.revenue" DESC
LIMIT $4
