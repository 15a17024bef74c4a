SELECT
  "customers"."region" AS "customers.region",
  "customers"."type" AS "customers.type",
  count(DISTINCT "customers"."customer_id") AS "customers.count"
FROM "dim_customer" AS "customers"
WHERE ("customers".is_current)
GROUP BY 1, 2
ORDER BY "customers.count" DESC
LIMIT $1
