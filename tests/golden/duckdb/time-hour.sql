SELECT
  date_trunc('hour', "web_events"."occurred_at") AS "web_events.occurred_at.hour",
  count(DISTINCT "web_events"."session_id") AS "web_events.sessions"
FROM "fact_web_events" AS "web_events"
WHERE "web_events"."occurred_at" >= $1::TIMESTAMP AND "web_events"."occurred_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "web_events.occurred_at.hour" ASC
LIMIT $3
