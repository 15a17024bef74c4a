SELECT
  "orders".paid_at IS NOT NULL AS "orders.is_paid",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
WHERE (((NOT ("customers"."is_placeholder" = $1) OR "customers"."is_placeholder" IS NULL)) AND (("orders".paid_at IS NOT NULL) = $2))
GROUP BY 1
ORDER BY "orders.revenue" DESC
LIMIT $3
