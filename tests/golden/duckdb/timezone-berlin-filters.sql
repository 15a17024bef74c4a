SELECT
  "tickets"."priority" AS "tickets.priority",
  count(*) AS "tickets.count"
FROM "fact_tickets" AS "tickets"
WHERE (("tickets"."opened_at" >= timezone('UTC', timezone($2, $1::TIMESTAMP))) AND ("tickets"."resolved_at" >= timezone('UTC', timezone($4, $3::TIMESTAMP)) AND "tickets"."resolved_at" < timezone('UTC', timezone($6, $5::TIMESTAMP))))
GROUP BY 1
ORDER BY "tickets.count" DESC
LIMIT $7
