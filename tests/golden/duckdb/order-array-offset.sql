SELECT
  "interactions"."kind" AS "interactions.kind",
  "interactions"."direction" AS "interactions.direction",
  date_trunc('month', "interactions"."occurred_at") AS "interactions.occurred_at.month",
  count(*) AS "interactions.count"
FROM "fact_interactions" AS "interactions"
GROUP BY 1, 2, 3
ORDER BY "interactions.occurred_at.month" DESC, "interactions.count" DESC, "interactions.kind" ASC
LIMIT $1
OFFSET $2
