SELECT
  date_trunc('hour', "orders"."ordered_at") AS "orders.ordered_at.hour",
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
WHERE "orders"."ordered_at" >= $1::TIMESTAMP AND "orders"."ordered_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "orders.ordered_at.hour" ASC
LIMIT $3
