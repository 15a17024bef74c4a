SELECT
  sum("orders"."revenue") FILTER (WHERE "orders".status = 'completed' AND "orders".paid_at IS NULL AND "orders".due_at < CAST($1 AS TIMESTAMP)) AS "orders.overdue_amount"
FROM "fact_order_lines" AS "orders"
WHERE ("orders".status = 'completed' AND "orders".paid_at IS NULL AND "orders".due_at < CAST($2 AS TIMESTAMP)) = $3
ORDER BY "orders.overdue_amount" DESC
LIMIT $4
