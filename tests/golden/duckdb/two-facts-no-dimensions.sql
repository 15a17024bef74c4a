WITH "g0" AS (
  SELECT
    sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
  FROM "fact_order_lines" AS "orders"
),
"g1" AS (
  SELECT
    count(*) AS "tickets.count"
  FROM "fact_tickets" AS "tickets"
)
SELECT
  "g0"."orders.revenue" AS "orders.revenue",
  "g1"."tickets.count" AS "tickets.count"
FROM "g0"
CROSS JOIN "g1"
ORDER BY "orders.revenue" DESC
LIMIT $1
