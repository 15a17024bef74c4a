SELECT
  "web_events"."page" AS "web_events.page",
  count(*) AS "web_events.count"
FROM "fact_web_events" AS "web_events"
WHERE ((((contains(lower("web_events"."page"), lower($1))) OR (contains(lower("web_events"."page"), lower($2))))) AND ((starts_with(lower("web_events"."source"), lower($3)))) AND ((ends_with(lower("web_events"."medium"), lower($4)))))
GROUP BY 1
ORDER BY "web_events.count" DESC
LIMIT $5
