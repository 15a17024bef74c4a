SELECT
  "orders"."status" AS "orders.status",
  date_trunc('quarter', "orders"."ordered_at") AS "orders.ordered_at.quarter"
FROM "fact_order_lines" AS "orders"
WHERE "orders"."ordered_at" >= $1::TIMESTAMP AND "orders"."ordered_at" < $2::TIMESTAMP
GROUP BY 1, 2
ORDER BY "orders.ordered_at.quarter" ASC
LIMIT $3
