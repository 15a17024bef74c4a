SELECT
  "tickets"."category" AS "tickets.category",
  count(*) AS "tickets.count"
FROM "fact_tickets" AS "tickets"
WHERE (("tickets"."priority" IN ($1, $2)) AND ((NOT ("tickets"."category" = $3) OR "tickets"."category" IS NULL)))
GROUP BY 1
ORDER BY "tickets.count" DESC
LIMIT $4
