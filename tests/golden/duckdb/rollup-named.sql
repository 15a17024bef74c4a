SELECT
  "orders"."status" AS "orders.status",
  "customers"."region" AS "customers.region",
  date_trunc('year', "orders"."ordered_at") AS "orders.ordered_at.year",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue",
  count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.order_count",
  grouping("customers.region", "orders.ordered_at.year") AS "__grouping"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
GROUP BY GROUPING SETS (("orders.status", "customers.region", "orders.ordered_at.year"), ("orders.status", "customers.region"), ("orders.status"))
ORDER BY "orders.ordered_at.year" ASC
LIMIT $1
