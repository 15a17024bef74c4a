SELECT
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
WHERE (("orders"."ordered_at" > $1::TIMESTAMP) AND ("orders"."ordered_at" < $2::TIMESTAMP) AND ("orders"."due_at" >= $3::TIMESTAMP) AND ("orders"."paid_at" <= $4::TIMESTAMP))
ORDER BY "orders.count" DESC
LIMIT $5
