SELECT
  date_trunc('day', "orders"."ordered_at") AS "orders.ordered_at.day",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
WHERE "orders"."ordered_at" >= $1::TIMESTAMP AND "orders"."ordered_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "orders.ordered_at.day" ASC
LIMIT $3
