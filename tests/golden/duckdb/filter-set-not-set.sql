SELECT
  count(*) AS "tickets.count"
FROM "fact_tickets" AS "tickets"
WHERE (("tickets"."first_response_at" IS NOT NULL) AND ("tickets"."resolved_at" IS NULL))
ORDER BY "tickets.count" DESC
LIMIT $1
