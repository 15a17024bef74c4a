SELECT
  "customers"."region" AS "customers.region",
  "customers"."country" AS "customers.country",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue",
  grouping("customers.region", "customers.country") AS "__grouping"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
GROUP BY GROUPING SETS (("customers.region", "customers.country"), ("customers.region"), ())
ORDER BY "orders.revenue" DESC
LIMIT $1
