SELECT
  date_trunc('year', "orders"."ordered_at") AS "orders.ordered_at.year",
  date_trunc('month', "orders"."ordered_at") AS "orders.ordered_at.month",
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
GROUP BY 1, 2
ORDER BY "orders.ordered_at.year" DESC
LIMIT $1
