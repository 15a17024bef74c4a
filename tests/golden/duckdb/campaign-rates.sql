SELECT
  "campaigns"."name" AS "campaigns.name",
  "campaign_responses"."group" AS "campaign_responses.group",
  count(DISTINCT "campaign_responses"."customer_id") FILTER (WHERE "campaign_responses".event = 'sent' AND "campaign_responses"."group" = 'target') AS "campaign_responses.sent",
  (count(DISTINCT "campaign_responses"."customer_id") FILTER (WHERE "campaign_responses".event = 'converted' AND "campaign_responses"."group" = 'target')) / NULLIF((count(DISTINCT "campaign_responses"."customer_id") FILTER (WHERE "campaign_responses".event = 'sent' AND "campaign_responses"."group" = 'target')), 0) AS "campaign_responses.conversion_rate",
  (count(DISTINCT "campaign_responses"."customer_id") FILTER (WHERE "campaign_responses".event = 'converted' AND "campaign_responses"."group" = 'control')) / NULLIF((count(DISTINCT "campaign_responses"."customer_id") FILTER (WHERE "campaign_responses"."group" = 'control')), 0) AS "campaign_responses.control_conversion_rate"
FROM "fact_campaign_responses" AS "campaign_responses"
LEFT JOIN "dim_campaign" AS "campaigns" ON "campaign_responses".campaign_key = "campaigns".campaign_key
GROUP BY 1, 2
ORDER BY "campaign_responses.sent" DESC
LIMIT $1
