SELECT
  "customers"."region" AS "customers.region",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue",
  count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.order_count"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
GROUP BY 1
HAVING (((sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) > $1) AND ((((count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) >= $2) OR ((sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) IS NULL))))
ORDER BY "orders.revenue" DESC
LIMIT $3
