SELECT
  date_trunc('week', "interactions"."occurred_at") AS "interactions.occurred_at.week",
  count(*) AS "interactions.count"
FROM "fact_interactions" AS "interactions"
WHERE "interactions"."occurred_at" >= $1::TIMESTAMP AND "interactions"."occurred_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "interactions.occurred_at.week" ASC
LIMIT $3
