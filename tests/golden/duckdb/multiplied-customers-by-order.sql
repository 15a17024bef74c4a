WITH "g0" AS (
  SELECT
    "orders"."status" AS "orders.status",
    count(DISTINCT "customers"."customer_id") AS "customers.count"
  FROM "fact_order_lines" AS "orders"
  LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
  GROUP BY 1
),
"g0m0" AS (
  SELECT
    "d0" AS "orders.status",
    count(*) AS "customers.versions"
  FROM (
    SELECT DISTINCT
      "orders"."status" AS "d0",
      "customers"."customer_key" AS "pk0",
      1 AS "v",
      true AS "f"
    FROM "fact_order_lines" AS "orders"
    LEFT JOIN "dim_customer" AS "customers" ON "orders".customer_key = "customers".customer_key
    WHERE "customers"."customer_key" IS NOT NULL
  ) AS "distinct_rows"
  GROUP BY 1
)
SELECT
  coalesce("g0"."orders.status", "g0m0"."orders.status") AS "orders.status",
  "g0"."customers.count" AS "customers.count",
  "g0m0"."customers.versions" AS "customers.versions"
FROM "g0"
FULL JOIN "g0m0" ON "g0"."orders.status" IS NOT DISTINCT FROM "g0m0"."orders.status"
ORDER BY "customers.count" DESC
LIMIT $1
