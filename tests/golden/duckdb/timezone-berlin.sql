SELECT
  date_trunc('day', timezone($1, timezone('UTC', "orders"."ordered_at"))) AS "orders.ordered_at.day",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
WHERE "orders"."ordered_at" >= timezone('UTC', timezone($3, $2::TIMESTAMP)) AND "orders"."ordered_at" < timezone('UTC', timezone($5, $4::TIMESTAMP))
GROUP BY 1
ORDER BY "orders.ordered_at.day" ASC
LIMIT $6
