SELECT
  count(*) AS "web_events.count"
FROM "fact_web_events" AS "web_events"
WHERE (((NOT (contains(lower("web_events"."page"), lower($1))) OR "web_events"."page" IS NULL)) AND ((NOT ((starts_with(lower("web_events"."source"), lower($2))) OR (starts_with(lower("web_events"."source"), lower($3)))) OR "web_events"."source" IS NULL)) AND ((NOT (ends_with(lower("web_events"."medium"), lower($4))) OR "web_events"."medium" IS NULL)))
ORDER BY "web_events.count" DESC
LIMIT $5
