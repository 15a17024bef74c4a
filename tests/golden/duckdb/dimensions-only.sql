SELECT
  "customers"."region" AS "customers.region",
  "customers"."country" AS "customers.country",
  "customers"."city" AS "customers.city"
FROM "dim_customer" AS "customers"
WHERE ("customers".is_current)
GROUP BY 1, 2, 3
ORDER BY "customers.region" ASC
LIMIT $1
