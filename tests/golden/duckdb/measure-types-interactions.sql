SELECT
  "interactions"."kind" AS "interactions.kind",
  count(DISTINCT "interactions"."customer_id") AS "interactions.customer_count",
  count(DISTINCT "interactions"."customer_id") FILTER (WHERE "interactions".status = 'planned') AS "interactions.customers_planned",
  sum("interactions".duration_s / 3600.0) AS "interactions.total_duration_hours",
  avg("interactions".duration_s / 60.0) AS "interactions.average_duration_minutes"
FROM "fact_interactions" AS "interactions"
GROUP BY 1
ORDER BY "interactions.customer_count" DESC
LIMIT $1
