SELECT
  date_trunc('second', "web_events"."occurred_at") AS "web_events.occurred_at.second",
  count(*) AS "web_events.count"
FROM "fact_web_events" AS "web_events"
WHERE "web_events"."occurred_at" >= $1::TIMESTAMP AND "web_events"."occurred_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "web_events.occurred_at.second" ASC
LIMIT $3
