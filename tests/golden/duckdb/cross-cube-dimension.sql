SELECT
  ("geography"."country") AS "orders.country",
  ("channels"."channel") AS "orders.channel",
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_geography" AS "geography" ON "orders".geography_key = "geography".geography_key
LEFT JOIN "dim_channel" AS "channels" ON "orders".channel_key = "channels".channel_key
GROUP BY 1, 2
ORDER BY "orders.revenue" DESC
LIMIT $1
