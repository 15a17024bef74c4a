SELECT
  CASE WHEN "deal_outcomes".stage IN ('won', 'lost') THEN "deal_outcomes".stage ELSE 'open' END AS "deal_outcomes.outcome",
  "customers"."region" AS "customers.region",
  date_trunc('month', "deal_outcomes"."created_at") AS "deal_outcomes.created_at.month",
  count(*) AS "deal_outcomes.count",
  sum("deal_outcomes"."amount") FILTER (WHERE "deal_outcomes".stage = 'won') AS "deal_outcomes.won_amount",
  (count(*) FILTER (WHERE "deal_outcomes".stage = 'won')) / NULLIF((count(*) FILTER (WHERE "deal_outcomes".stage = 'won')) + (count(*) FILTER (WHERE "deal_outcomes".stage = 'lost')), 0) AS "deal_outcomes.win_rate",
  avg(date_diff('day', "deal_outcomes".created_at, "deal_outcomes".closed_at)) FILTER (WHERE "deal_outcomes".closed_at IS NOT NULL) AS "deal_outcomes.average_sales_cycle_days"
FROM (
  SELECT s.deal_id AS deal_id,
       arg_max(s.customer_key, s.entered_at) AS customer_key,
       arg_max(s.customer_id, s.entered_at) AS customer_id,
       arg_max_null(s.employee_key, s.entered_at) AS employee_key,
       arg_max(s.stage, s.entered_at) AS stage,
       min(s.entered_at) AS created_at,
       max(CASE WHEN s.stage IN ('won', 'lost') THEN s.entered_at END) AS closed_at,
       arg_max_null(s.amount, s.entered_at) AS amount,
       arg_max_null(s.probability, s.entered_at) AS probability,
       arg_max(CASE WHEN s.stage = 'lost' THEN s.loss_reason END, CASE WHEN s.stage = 'lost' THEN s.entered_at END) AS loss_reason,
       arg_max_null(s.expected_close_at, s.entered_at) AS expected_close_at
FROM fact_deal_stages AS s GROUP BY s.deal_id
) AS "deal_outcomes"
LEFT JOIN "dim_customer" AS "customers" ON "deal_outcomes".customer_key = "customers".customer_key
WHERE "deal_outcomes"."created_at" >= $1::TIMESTAMP AND "deal_outcomes"."created_at" < $2::TIMESTAMP
GROUP BY 1, 2, 3
ORDER BY "deal_outcomes.created_at.month" ASC
LIMIT $3
