SELECT
  "customers"."name" AS "customers.name",
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
WHERE (("customers"."name" IN ($1, $2, $3)) AND ((NOT ("orders"."product_name" = $4) OR "orders"."product_name" IS NULL)))
GROUP BY 1
ORDER BY "orders.count" DESC
LIMIT $5
