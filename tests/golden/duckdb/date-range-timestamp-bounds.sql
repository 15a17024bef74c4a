SELECT
  count(*) AS "tickets.count"
FROM "fact_tickets" AS "tickets"
WHERE "tickets"."opened_at" >= $1::TIMESTAMP AND "tickets"."opened_at" < $2::TIMESTAMP
ORDER BY "tickets.count" DESC
LIMIT $3
