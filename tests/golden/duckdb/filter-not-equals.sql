SELECT
  "interactions"."status" AS "interactions.status",
  count(*) AS "interactions.count"
FROM "fact_interactions" AS "interactions"
WHERE (((NOT ("interactions"."status" = $1) OR "interactions"."status" IS NULL)) AND ((NOT ("interactions"."kind" IN ($2, $3)) OR "interactions"."kind" IS NULL)))
GROUP BY 1
ORDER BY "interactions.count" DESC
LIMIT $4
