WITH "g0" AS (
  SELECT
    "customers"."region" AS "customers.region",
    "customers"."type" AS "customers.type",
    sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
  FROM "fact_order_lines" AS "orders"
  LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
  GROUP BY 1, 2
),
"g1" AS (
  SELECT
    "customers"."region" AS "customers.region",
    "customers"."type" AS "customers.type",
    count(*) AS "interactions.count"
  FROM "fact_interactions" AS "interactions"
  LEFT JOIN "dim_customer" AS "customers" ON "interactions".customer_key = "customers".customer_key
  GROUP BY 1, 2
),
"g2" AS (
  SELECT
    "customers"."region" AS "customers.region",
    "customers"."type" AS "customers.type",
    count(*) AS "tickets.count"
  FROM "fact_tickets" AS "tickets"
  LEFT JOIN "dim_customer" AS "customers" ON "tickets".customer_key = "customers".customer_key
  GROUP BY 1, 2
)
SELECT
  coalesce("g0"."customers.region", "g1"."customers.region", "g2"."customers.region") AS "customers.region",
  coalesce("g0"."customers.type", "g1"."customers.type", "g2"."customers.type") AS "customers.type",
  "g0"."orders.revenue" AS "orders.revenue",
  "g1"."interactions.count" AS "interactions.count",
  "g2"."tickets.count" AS "tickets.count"
FROM "g0"
FULL JOIN "g1" ON "g0"."customers.region" IS NOT DISTINCT FROM "g1"."customers.region" AND "g0"."customers.type" IS NOT DISTINCT FROM "g1"."customers.type"
FULL JOIN "g2" ON coalesce("g0"."customers.region", "g1"."customers.region") IS NOT DISTINCT FROM "g2"."customers.region" AND coalesce("g0"."customers.type", "g1"."customers.type") IS NOT DISTINCT FROM "g2"."customers.type"
ORDER BY "orders.revenue" DESC
LIMIT $1
