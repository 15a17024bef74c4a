SELECT
  date_trunc('quarter', "deals"."entered_at") AS "deals.entered_at.quarter",
  sum("deals"."amount") FILTER (WHERE "deals".stage = 'won') AS "deals.won_amount"
FROM "fact_deal_stages" AS "deals"
WHERE "deals"."entered_at" >= $1::TIMESTAMP AND "deals"."entered_at" < $2::TIMESTAMP
GROUP BY 1
ORDER BY "deals.entered_at.quarter" ASC
LIMIT $3
