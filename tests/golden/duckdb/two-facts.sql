WITH "g0" AS (
  SELECT
    "customers"."region" AS "customers.region",
    sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
  FROM "fact_order_lines" AS "orders"
  LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
  GROUP BY 1
),
"g1" AS (
  SELECT
    "customers"."region" AS "customers.region",
    count(*) AS "interactions.count"
  FROM "fact_interactions" AS "interactions"
  LEFT JOIN "dim_customer" AS "customers" ON "interactions".customer_key = "customers".customer_key
  GROUP BY 1
)
SELECT
  coalesce("g0"."customers.region", "g1"."customers.region") AS "customers.region",
  "g0"."orders.revenue" AS "orders.revenue",
  "g1"."interactions.count" AS "interactions.count"
FROM "g0"
FULL JOIN "g1" ON "g0"."customers.region" IS NOT DISTINCT FROM "g1"."customers.region"
ORDER BY "orders.revenue" DESC
LIMIT $1
