SELECT
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
ORDER BY "orders.count" DESC
LIMIT $1
