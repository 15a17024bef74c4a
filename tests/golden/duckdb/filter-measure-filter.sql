SELECT
  "orders"."status" AS "orders.status",
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
WHERE ("orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)
GROUP BY 1
ORDER BY "orders.count" DESC
LIMIT $1
