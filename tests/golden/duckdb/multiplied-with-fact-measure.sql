WITH "g0" AS (
  SELECT
    ("channels"."channel") AS "orders.channel",
    sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".quantity > 0 AND "orders".unit_price >= 0) AS "orders.revenue"
  FROM "fact_order_lines" AS "orders"
  LEFT JOIN "dim_channel" AS "channels" ON "orders".channel_key = "channels".channel_key
  LEFT JOIN "dim_campaign" AS "campaigns" ON "orders".campaign_key = "campaigns".campaign_key
  WHERE "campaigns"."kind" = $1
  GROUP BY 1
),
"g0m0" AS (
  SELECT
    "d0" AS "orders.channel",
    sum("v") AS "campaigns.total_budget"
  FROM (
    SELECT DISTINCT
      ("channels"."channel") AS "d0",
      "campaigns"."campaign_key" AS "pk0",
      "campaigns"."budget" AS "v",
      true AS "f"
    FROM "fact_order_lines" AS "orders"
    LEFT JOIN "dim_channel" AS "channels" ON "orders".channel_key = "channels".channel_key
    LEFT JOIN "dim_campaign" AS "campaigns" ON "orders".campaign_key = "campaigns".campaign_key
    WHERE ("campaigns"."kind" = $2) AND ("campaigns"."campaign_key" IS NOT NULL)
  ) AS "distinct_rows"
  GROUP BY 1
)
SELECT
  coalesce("g0"."orders.channel", "g0m0"."orders.channel") AS "orders.channel",
  "g0"."orders.revenue" AS "orders.revenue",
  "g0m0"."campaigns.total_budget" AS "campaigns.total_budget"
FROM "g0"
FULL JOIN "g0m0" ON "g0"."orders.channel" IS NOT DISTINCT FROM "g0m0"."orders.channel"
ORDER BY "orders.revenue" DESC
LIMIT $3
