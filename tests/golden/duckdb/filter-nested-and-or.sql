SELECT
  "customers"."region" AS "customers.region",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
LEFT JOIN "dim_geography" AS "geography" ON "orders".geography_key = "geography".geography_key
WHERE (((("orders"."status" = $1) OR ((("orders"."status" = $2) AND ("customers"."type" = $3))))) AND ((((NOT ((("geography"."country")) = $4) OR (("geography"."country")) IS NULL)) AND ((("orders"."quantity" > $5) OR ("orders"."revenue" >= $6))))))
GROUP BY 1
ORDER BY "orders.revenue" DESC
LIMIT $7
