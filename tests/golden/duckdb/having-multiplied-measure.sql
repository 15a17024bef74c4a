WITH "g0m0" AS (
  SELECT
    "d0" AS "orders.status",
    sum("v") AS "campaigns.total_cost"
  FROM (
    SELECT DISTINCT
      "orders"."status" AS "d0",
      "campaigns"."campaign_key" AS "pk0",
      "campaigns"."cost" AS "v",
      true AS "f"
    FROM "fact_order_lines" AS "orders"
    LEFT JOIN "dim_campaign" AS "campaigns" ON "orders".campaign_key = "campaigns".campaign_key
    WHERE "campaigns"."campaign_key" IS NOT NULL
  ) AS "distinct_rows"
  GROUP BY 1
)
SELECT
  "g0m0"."orders.status" AS "orders.status",
  "g0m0"."campaigns.total_cost" AS "campaigns.total_cost"
FROM "g0m0"
WHERE "g0m0"."campaigns.total_cost" > $1
ORDER BY "campaigns.total_cost" DESC
LIMIT $2
