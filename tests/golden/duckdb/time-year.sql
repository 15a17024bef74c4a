SELECT
  date_trunc('year', "tickets"."opened_at") AS "tickets.opened_at.year",
  count(*) AS "tickets.count"
FROM "fact_tickets" AS "tickets"
GROUP BY 1
ORDER BY "tickets.opened_at.year" ASC
LIMIT $1
