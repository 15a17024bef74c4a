SELECT
  count(*) AS "web_events.count"
FROM "fact_web_events" AS "web_events"
WHERE (((contains(lower("web_events"."search_query"), lower($1)))) AND ((starts_with(lower("web_events"."page"), lower($2)))) AND ((NOT (ends_with(lower("web_events"."source"), lower($3))) OR "web_events"."source" IS NULL)) AND ((NOT (contains(lower("web_events"."medium"), lower($4))) OR "web_events"."medium" IS NULL)))
ORDER BY "web_events.count" DESC
LIMIT $5
