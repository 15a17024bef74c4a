SELECT
  "orders"."status" AS "orders.status",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
WHERE (((("customers"."type") = 'b2b')) AND (("orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)))
GROUP BY 1
ORDER BY "orders.revenue" DESC
LIMIT $1
