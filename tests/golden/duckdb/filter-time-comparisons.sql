SELECT
  count(*) AS "tickets.count"
FROM "fact_tickets" AS "tickets"
WHERE (("tickets"."opened_at" >= $1::TIMESTAMP) AND ("tickets"."resolved_at" < $2::TIMESTAMP) AND ("tickets"."first_response_at" = $3::TIMESTAMP))
ORDER BY "tickets.count" DESC
LIMIT $4
