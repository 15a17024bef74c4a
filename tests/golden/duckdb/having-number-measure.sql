SELECT
  ("channels"."channel") AS "orders.channel",
  CAST((sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) AS DOUBLE) / NULLIF((count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)), 0) AS "orders.average_order_value"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_channel" AS "channels" ON "orders".channel_key = "channels".channel_key
WHERE "orders"."status" = $1
GROUP BY 1
HAVING (CAST((sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)) AS DOUBLE) / NULLIF((count(DISTINCT "orders"."order_id") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0)), 0)) < $2
ORDER BY "orders.average_order_value" DESC
LIMIT $3
