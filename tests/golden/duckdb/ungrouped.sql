SELECT
  "orders"."order_id" AS "orders.order_id",
  "orders"."line_no" AS "orders.line_no",
  "orders"."status" AS "orders.status",
  CASE WHEN "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0 THEN "orders"."revenue" END AS "orders.revenue",
  1 AS "orders.count"
FROM "fact_order_lines" AS "orders"
WHERE "orders"."customer_id" = $1
ORDER BY "orders.revenue" DESC
LIMIT $2
