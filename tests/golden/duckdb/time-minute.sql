SELECT
  date_trunc('minute', "web_events"."occurred_at") AS "web_events.occurred_at.minute",
  count(*) AS "web_events.count"
FROM "fact_web_events" AS "web_events"
WHERE "web_events"."occurred_at" >= $1::TIMESTAMP AND "web_events"."occurred_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "web_events.occurred_at.minute" ASC
LIMIT $3
