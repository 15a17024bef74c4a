SELECT
  "tickets"."priority" AS "tickets.priority",
  count(*) AS "tickets.count",
  count("tickets"."satisfaction") AS "tickets.rated",
  avg("tickets"."satisfaction") AS "tickets.average_satisfaction",
  (count(*) FILTER (WHERE "tickets".satisfaction >= 4)) / NULLIF((count("tickets"."satisfaction")), 0) AS "tickets.csat",
  quantile_cont(date_diff('second', "tickets".opened_at, "tickets".first_response_at) / 3600.0, 0.5) AS "tickets.median_first_response_hours"
FROM "fact_tickets" AS "tickets"
GROUP BY 1
ORDER BY "tickets.count" DESC
LIMIT $1
