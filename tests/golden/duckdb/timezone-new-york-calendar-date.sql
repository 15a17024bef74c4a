SELECT
  date_trunc('month', "dates"."date") AS "dates.date.month",
  count(*) AS "orders.count"
FROM "fact_order_lines" AS "orders"
LEFT JOIN "dim_date" AS "dates" ON "orders".date_key = "dates".date_key
WHERE "dates"."date" >= $1::TIMESTAMP AND "dates"."date" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "dates.date.month" ASC
LIMIT $3
