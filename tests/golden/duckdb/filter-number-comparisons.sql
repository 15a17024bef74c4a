SELECT
  "orders"."status" AS "orders.status",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
WHERE (("orders"."unit_price" > $1) AND ("orders"."unit_price" <= $2) AND ("orders"."discount" >= $3) AND ("orders"."discount" < $4))
GROUP BY 1
ORDER BY "orders.revenue" DESC
LIMIT $5
