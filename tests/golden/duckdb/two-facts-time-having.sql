WITH "g0" AS (
  SELECT
    "customers"."region" AS "customers.region",
    date_trunc('month', "dates"."date") AS "dates.date.month",
    sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
  FROM "fact_order_lines" AS "orders"
  LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
  LEFT JOIN "dim_date" AS "dates" ON "orders".date_key = "dates".date_key
  WHERE (("dates"."date" >= $1::TIMESTAMP AND "dates"."date" < $2::TIMESTAMP) AND ("customers"."type" = $3))
  GROUP BY 1, 2
),
"g1" AS (
  SELECT
    "customers"."region" AS "customers.region",
    date_trunc('month', "dates"."date") AS "dates.date.month",
    count(DISTINCT "web_events"."session_id") AS "web_events.sessions"
  FROM "fact_web_events" AS "web_events"
  LEFT JOIN "dim_customer" AS "customers" ON "web_events".customer_key = "customers".customer_key
  LEFT JOIN "dim_date" AS "dates" ON "web_events".date_key = "dates".date_key
  WHERE (("dates"."date" >= $4::TIMESTAMP AND "dates"."date" < $5::TIMESTAMP) AND ("customers"."type" = $6))
  GROUP BY 1, 2
)
SELECT
  coalesce("g0"."customers.region", "g1"."customers.region") AS "customers.region",
  coalesce("g0"."dates.date.month", "g1"."dates.date.month") AS "dates.date.month",
  "g0"."orders.revenue" AS "orders.revenue",
  "g1"."web_events.sessions" AS "web_events.sessions"
FROM "g0"
FULL JOIN "g1" ON "g0"."customers.region" IS NOT DISTINCT FROM "g1"."customers.region" AND "g0"."dates.date.month" IS NOT DISTINCT FROM "g1"."dates.date.month"
WHERE "g1"."web_events.sessions" > $7
ORDER BY "dates.date.month" ASC
LIMIT $8
OFFSET $9
