SELECT
  "orders"."status" AS "orders.status",
  sum("orders".quantity * ("products"."unit_cost")) FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.cost_of_goods",
  (sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) - (sum("orders".quantity * ("products"."unit_cost")) FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) AS "orders.margin"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_product" AS "products" ON "orders".product_key = "products".product_key
GROUP BY 1
ORDER BY "orders.cost_of_goods" DESC
LIMIT $1
