SELECT
  "orders"."product_name" AS "orders.product_name",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue",
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
GROUP BY 1
ORDER BY "orders.revenue" DESC, "orders.product_name" ASC
LIMIT $1
