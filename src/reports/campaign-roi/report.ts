import type { Row } from '../../engine';
import { list, raw, type SqlNode, sql } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { parseParams } from '../common/params';
import { col, localTime, population, populationRows, splitPopulation } from '../common/population';
import {
  ATTRIBUTION_MODELS,
  CAMPAIGN_ROI_COLUMNS,
  type CampaignRoiParams,
  CampaignRoiParamsSchema,
} from './params';

/** Each model's share of an order's credit for one touch, over the order's touches. */
/** The steps of a direct campaign's response funnel, in order. */
export const FUNNEL_STEPS = ['sent', 'delivered', 'opened', 'clicked', 'responded', 'converted'] as const;

const SHARES: Record<(typeof ATTRIBUTION_MODELS)[number], SqlNode> = {
  // Ties for the latest (earliest) touch share its credit equally.
  last_touch: sql`CASE WHEN rank_last = 1 THEN 1.0 / sum(CASE WHEN rank_last = 1 THEN 1 ELSE 0 END) OVER o ELSE 0 END`,
  first_touch: sql`CASE WHEN rank_first = 1 THEN 1.0 / sum(CASE WHEN rank_first = 1 THEN 1 ELSE 0 END) OVER o ELSE 0 END`,
  linear: sql`1.0 / n`,
  time_decay: sql`weight / sum(weight) OVER o`,
  position: sql`CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 WHEN pos = 1 OR pos = n THEN 0.4 ELSE 0.2 / (n - 2) END`,
};

export interface CampaignRoiPlan {
  readonly params: CampaignRoiParams;
  readonly asOf: string | null;
  readonly campaigns: SqlNode;
}

/**
 * docs/analytics.md's campaign ROI: reach from the target group's responses, orders attributed from
 * touches in [ordered_at − window, ordered_at] under five models, ROI, ROMI on margin where
 * product unit costs are known, CAC over customers whose first order the campaign earned, and
 * uplift against control groups. Control members are not contacted, so their events are never
 * touches.
 */
export async function planCampaignRoi(ctx: ReportContext, input: unknown): Promise<CampaignRoiPlan> {
  const params = parseParams(CampaignRoiParamsSchema, input, 'campaign-roi');
  // A filter on campaigns chooses campaigns (their responses); orders are attributed by touches.
  const split = splitPopulation(ctx, ['orders', 'campaign_responses'], params, {
    campaigns: 'campaign_responses',
  });
  const po = population(ctx, 'orders', split.get('orders')!, ['products']);
  const pr = population(ctx, 'campaign_responses', split.get('campaign_responses')!);
  const completed = sql`${col(po, 'status')} = 'completed' AND ${col(po, 'quantity')} > 0 AND ${col(po, 'unit_price')} >= 0`;
  const lines = populationRows(ctx, po, [
    { expr: col(po, 'order_id'), alias: 'order_id' },
    { expr: col(po, 'customer_id'), alias: 'customer_id' },
    { expr: localTime(po, 'ordered_at'), alias: 'ts' },
    { expr: col(po, 'revenue'), alias: 'revenue' },
    { expr: sql`${col(po, 'revenue')} - ${col(po, 'quantity')} * "products".unit_cost`, alias: 'margin' },
    { expr: completed, alias: 'completed' },
  ]);
  const responses = populationRows(ctx, pr, [
    { expr: col(pr, 'campaign_id'), alias: 'campaign_id' },
    { expr: col(pr, 'customer_id'), alias: 'customer_id' },
    { expr: col(pr, 'event'), alias: 'event' },
    { expr: localTime(pr, 'occurred_at'), alias: 'ts' },
    { expr: col(pr, 'cost'), alias: 'cost' },
    { expr: col(pr, 'group'), alias: 'grp' },
  ]);
  // Ads, social and events reach people through web sessions that carry the campaign.
  const webSplit = splitPopulation(ctx, ['orders', 'web_events'], params, { campaigns: 'web_events' });
  const pw = population(ctx, 'web_events', webSplit.get('web_events')!, ['campaigns']);
  const sessions = populationRows(ctx, pw, [
    { expr: sql`"campaigns".campaign_id`, alias: 'campaign_id' },
    { expr: col(pw, 'customer_id'), alias: 'customer_id' },
    { expr: sql`coalesce(${col(pw, 'customer_id')}, ${col(pw, 'anonymous_id')})`, alias: 'visitor' },
    { expr: col(pw, 'session_id'), alias: 'session_id' },
    { expr: localTime(pw, 'occurred_at'), alias: 'ts' },
  ]);
  // Which steps each kind of campaign records at all (over all time, whatever the filters): a
  // step a channel does not track (SMS opens) is "not tracked", never 0%.
  const pAll = population(ctx, 'campaign_responses', { filters: [], segments: [] }, ['campaigns']);
  const recorded = populationRows(ctx, pAll, [
    { expr: sql`"campaigns".kind`, alias: 'kind' },
    { expr: col(pAll, 'event'), alias: 'event' },
  ]);
  const asOf = await resolveAsOf(ctx.engine, params.as_of, lines, 'ts');
  const day = asOf ?? '1970-01-01';
  const before = sql`ts < CAST(${day} AS TIMESTAMP)`;
  const onlyCampaigns = params.campaigns
    ? sql` AND campaign_id IN (${list(params.campaigns.map((c) => sql`${c}`))})`
    : sql``;
  const reach = (event: string) =>
    sql`count(DISTINCT customer_id) FILTER (WHERE event = ${event} AND grp = 'target') AS ${raw(event)}`;
  // The funnel: step k counts the customers with every tracked step up to k (a funnel nests).
  const funnelSteps = FUNNEL_STEPS.map((event, k) => {
    const upTo = FUNNEL_STEPS.slice(0, k + 1).map(
      (e) => sql`(NOT coalesce(t.${raw(`t_${e}`)}, false) OR f.${raw(`f_${e}`)})`,
    );
    return sql`CASE WHEN bool_or(coalesce(t.${raw(`t_${event}`)}, false)) THEN count(*) FILTER (WHERE ${list(upTo, ' AND ')}) END AS ${raw(`funnel_${event}`)}`;
  });
  const models = params.compare_models ? ATTRIBUTION_MODELS : [params.model];
  const shareColumns = models.map((m) => sql`${SHARES[m]} AS ${raw(m)}`);
  const perModel = models.flatMap((m) => [
    sql`sum(${raw(m)}) AS ${raw(`orders_${m}`)}`,
    sql`sum(revenue * ${raw(m)})::DOUBLE AS ${raw(`revenue_${m}`)}`,
    sql`sum(margin * ${raw(m)})::DOUBLE AS ${raw(`margin_${m}`)}`,
    sql`count(DISTINCT customer_id) FILTER (WHERE ${raw(m)} > 0 AND is_first) AS ${raw(`new_${m}`)}`,
  ]);
  const chosen = params.model;
  const window = sql`to_seconds(CAST(${params.window_days * 86400} AS BIGINT))`;
  // Last touch alone needs only each order's latest touch: an ASOF join finds it, and a join on
  // its time brings the touches tied with it (which share the credit).
  const pairs =
    models.length === 1 && chosen === 'last_touch'
      ? sql`
        SELECT l.order_id, l.customer_id, l.revenue, l.margin, t.campaign_id, t.ts AS touch_ts,
               l.order_id = f.first_order AS is_first, date_diff('second', t.ts, l.ts) / 86400.0 AS age_days
        FROM (SELECT o.*, t.ts AS latest FROM orders o ASOF JOIN touches t ON t.customer_id = o.customer_id AND t.ts <= o.ts
              WHERE t.ts >= o.ts - ${window}) l
        JOIN touches t ON t.customer_id = l.customer_id AND t.ts = l.latest
        JOIN firsts f ON f.customer_id = l.customer_id`
      : sql`
        SELECT o.order_id, o.customer_id, o.revenue, o.margin, t.campaign_id, t.ts AS touch_ts,
               o.order_id = f.first_order AS is_first, date_diff('second', t.ts, o.ts) / 86400.0 AS age_days
        FROM orders o JOIN touches t ON t.customer_id = o.customer_id AND t.ts <= o.ts AND t.ts >= o.ts - ${window}
        JOIN firsts f ON f.customer_id = o.customer_id`;
  // Campaigns without responses (ads, events) are listed too, unless a campaign filter narrows them.
  const campaignFilter =
    split.get('campaign_responses')!.filters.length + split.get('campaign_responses')!.segments.length > 0
      ? sql` AND campaign_id IN (SELECT campaign_id FROM reach)`
      : sql``;
  const campaigns = sql`
    WITH resp AS MATERIALIZED (SELECT * FROM (${responses}) WHERE ${before}${onlyCampaigns}),
    reach AS (
      SELECT campaign_id, ${reach('sent')}, ${reach('delivered')}, ${reach('opened')}, ${reach('clicked')},
             ${reach('responded')}, ${reach('converted')}, ${reach('unsubscribed')},
             sum(cost)::DOUBLE AS response_cost,
             count(DISTINCT customer_id) FILTER (WHERE grp = 'control') AS control_size,
             count(DISTINCT customer_id) FILTER (WHERE grp = 'control' AND event = 'converted') AS control_converted
      FROM resp GROUP BY campaign_id),
    orders AS MATERIALIZED (
      SELECT order_id, any_value(customer_id) AS customer_id, min(ts) AS ts, sum(revenue) AS revenue,
             CASE WHEN bool_and(margin IS NOT NULL) THEN sum(margin) END AS margin
      FROM (${lines}) WHERE completed AND customer_id IS NOT NULL AND ${before} GROUP BY order_id),
    firsts AS (SELECT customer_id, arg_min(order_id, ts) AS first_order FROM orders GROUP BY customer_id),
    web AS MATERIALIZED (SELECT * FROM (${sessions}) WHERE campaign_id IS NOT NULL AND ${before}${onlyCampaigns}),
    web_reach AS (SELECT campaign_id, count(DISTINCT visitor) AS visitors, count(DISTINCT session_id) AS web_sessions
                  FROM web GROUP BY campaign_id),
    tracked AS (SELECT kind, ${list([...FUNNEL_STEPS, 'unsubscribed'].map((e) => sql`bool_or(event = ${e}) AS ${raw(`t_${e}`)}`))}
                FROM (${recorded}) GROUP BY kind),
    flags AS (SELECT campaign_id, customer_id,
                     ${list(FUNNEL_STEPS.map((e) => sql`bool_or(event = ${e}) AS ${raw(`f_${e}`)}`))}
              FROM resp WHERE grp = 'target' GROUP BY campaign_id, customer_id),
    funnel AS (SELECT f.campaign_id, ${list(funnelSteps)}
               FROM flags f LEFT JOIN dim_campaign c USING (campaign_id) LEFT JOIN tracked t ON t.kind IS NOT DISTINCT FROM c.kind
               GROUP BY f.campaign_id),
    touches AS (SELECT customer_id, campaign_id, ts FROM resp
                WHERE grp = 'target' AND event IN (${list(params.touch_events.map((e) => sql`${e}`))})
                UNION ALL
                -- One touch per web session that carries the campaign, at its first such event.
                SELECT customer_id, campaign_id, min(ts) FROM web WHERE customer_id IS NOT NULL
                GROUP BY session_id, customer_id, campaign_id),
    pairs AS (${pairs}),
    ranked AS (
      SELECT *, count(*) OVER o AS n,
             rank() OVER (PARTITION BY order_id ORDER BY touch_ts DESC) AS rank_last,
             rank() OVER (PARTITION BY order_id ORDER BY touch_ts ASC) AS rank_first,
             row_number() OVER (PARTITION BY order_id ORDER BY touch_ts, campaign_id) AS pos,
             pow(2, -age_days / ${params.half_life_days}) AS weight
      FROM pairs WINDOW o AS (PARTITION BY order_id)),
    shares AS (SELECT *, ${list(shareColumns)} FROM ranked WINDOW o AS (PARTITION BY order_id)),
    attributed AS (SELECT campaign_id, ${list(perModel)} FROM shares GROUP BY campaign_id),
    spans AS (SELECT campaign_id, min(ts) AS first_touch, max(ts) AS last_touch
              FROM (SELECT campaign_id, ts FROM resp UNION ALL SELECT campaign_id, ts FROM web) GROUP BY campaign_id),
    bounds AS (SELECT min(ts) AS first_ts, max(ts) AS last_ts FROM orders),
    candidates AS (SELECT campaign_id FROM reach UNION SELECT campaign_id FROM web_reach
                   UNION SELECT campaign_id FROM dim_campaign WHERE NOT is_placeholder${onlyCampaigns}${campaignFilter}),
    -- A campaign that earned nothing is listed only if it ran (its dates, else its responses) while
    -- the orders considered were placed: a period filter must not list last year's campaigns at −100 %.
    ids AS (SELECT campaign_id FROM attributed
            UNION SELECT campaign_id FROM candidates LEFT JOIN dim_campaign USING (campaign_id)
                  LEFT JOIN spans USING (campaign_id), bounds
                  WHERE bounds.last_ts IS NULL
                     OR coalesce(starts_at, first_touch) IS NULL
                     OR (coalesce(starts_at, first_touch) <= last_ts
                         AND coalesce(ends_at, last_touch, starts_at) >= first_ts - ${window})),
    base AS (
      SELECT ids.campaign_id, c.name AS campaign_name, c.kind AS campaign_kind,
             coalesce(c.cost::DOUBLE, r.response_cost) AS total_cost,
             r.*, a.* EXCLUDE (campaign_id), fu.* EXCLUDE (campaign_id), w.visitors, w.web_sessions,
             ${list([...FUNNEL_STEPS, 'unsubscribed'].map((e) => sql`coalesce(t.${raw(`t_${e}`)}, false) AS ${raw(`tracks_${e}`)}`))}
      FROM ids LEFT JOIN reach r USING (campaign_id) LEFT JOIN attributed a USING (campaign_id)
      LEFT JOIN funnel fu USING (campaign_id) LEFT JOIN web_reach w USING (campaign_id)
      LEFT JOIN dim_campaign c USING (campaign_id) LEFT JOIN tracked t ON t.kind IS NOT DISTINCT FROM c.kind)
    SELECT campaign_id, campaign_name AS campaign, campaign_kind AS kind, total_cost AS cost,
           ${list(
             [...FUNNEL_STEPS, 'unsubscribed'].map(
               (e) => sql`CASE WHEN ${raw(`tracks_${e}`)} THEN coalesce(${raw(e)}, 0) END AS ${raw(e)}`,
             ),
           )},
           coalesce(visitors, 0) AS visitors, coalesce(web_sessions, 0) AS web_sessions,
           ${list(FUNNEL_STEPS.map((e) => sql`CASE WHEN ${raw(`tracks_${e}`)} THEN coalesce(${raw(`funnel_${e}`)}, 0) END AS ${raw(`funnel_${e}`)}`))},
           coalesce(${raw(`orders_${chosen}`)}, 0)::DOUBLE AS attributed_orders,
           coalesce(${raw(`revenue_${chosen}`)}, 0) AS attributed_revenue,
           (coalesce(${raw(`revenue_${chosen}`)}, 0) - total_cost) / NULLIF(total_cost, 0) AS roi,
           (${raw(`margin_${chosen}`)} - total_cost) / NULLIF(total_cost, 0) AS romi,
           total_cost / NULLIF(${raw(`new_${chosen}`)}, 0) AS cac,
           CASE WHEN control_size > 0 AND sent > 0 THEN converted / sent - control_converted / control_size END AS uplift,
           (CASE WHEN control_size > 0 AND sent > 0 THEN converted / sent - control_converted / control_size END)
             * sent * ${raw(`revenue_${chosen}`)} / NULLIF(${raw(`orders_${chosen}`)}, 0) AS incremental_revenue,
           coalesce(control_size, 0) AS control_size, coalesce(control_converted, 0) AS control_converted, response_cost,
           ${list(
             models.flatMap((m) => [
               sql`coalesce(${raw(`revenue_${m}`)}, 0) AS ${raw(`attributed_revenue_${m}`)}`,
               sql`coalesce(${raw(`orders_${m}`)}, 0)::DOUBLE AS ${raw(`attributed_orders_${m}`)}`,
             ]),
           )}
    FROM base
    ORDER BY campaign_id`;
  return { params, asOf, campaigns };
}

/** Rates of the customers sent to (else delivered to); null where the channel does not track the step. */
function rates(r: Row) {
  const base = Number(r['sent'] ?? 0) > 0 ? Number(r['sent']) : Number(r['delivered'] ?? 0);
  const rate = (k: string) => (base > 0 && r[k] !== null && r[k] !== undefined ? Number(r[k]) / base : null);
  return {
    delivery_rate: rate('delivered'),
    open_rate: rate('opened'),
    click_rate: rate('clicked'),
    response_rate: rate('responded'),
    conversion_rate: rate('converted'),
    unsubscribe_rate: rate('unsubscribed'),
    control_conversion_rate:
      Number(r['control_size']) > 0 ? Number(r['control_converted']) / Number(r['control_size']) : null,
  };
}

export const campaignRoi = defineReport<CampaignRoiParams>({
  name: 'campaign-roi',
  description:
    'Per campaign: cost, reach and responses, attributed orders and revenue under five models, ROI, ROMI, CAC, uplift',
  schema: CampaignRoiParamsSchema,
  async run(ctx, params) {
    const plan = await planCampaignRoi(ctx, params);
    const data = (await ctx.engine.query(plan.campaigns)).rows;
    const campaigns = data.map((r) => ({
      ...Object.fromEntries(CAMPAIGN_ROI_COLUMNS.map((c) => [c, r[c] ?? null])),
      unsubscribed: r['unsubscribed'],
      control_size: r['control_size'],
      control_converted: r['control_converted'],
      rates: rates(r),
      attribution: Object.fromEntries(
        ATTRIBUTION_MODELS.map((m) => [
          m,
          { orders: r[`attributed_orders_${m}`], revenue: r[`attributed_revenue_${m}`] },
        ]),
      ),
    }));
    // The same attribution in long form (one row per campaign and model), for side-by-side charts.
    const byModel = data.flatMap((r) =>
      ATTRIBUTION_MODELS.filter((m) => r[`attributed_revenue_${m}`] !== undefined).map((m) => ({
        campaign_id: r['campaign_id'],
        campaign: r['campaign'],
        model: m,
        attributed_orders: r[`attributed_orders_${m}`],
        attributed_revenue: r[`attributed_revenue_${m}`],
      })),
    );
    // The response funnel in long form (one row per campaign and step), for the funnel chart:
    // people at each step who passed every tracked step before it; `tracked` false is "not tracked".
    const funnel = data.flatMap((r) => {
      const direct = FUNNEL_STEPS.some((e) => r[`funnel_${e}`] !== null);
      const first = direct ? Number(r['funnel_sent'] ?? r['funnel_delivered'] ?? 0) : Number(r['visitors']);
      const steps = direct
        ? FUNNEL_STEPS.map((e) => ({ step: e, people: r[`funnel_${e}`] as number | null }))
        : [{ step: 'visited', people: Number(r['visitors']) }];
      return steps.map((s, i) => ({
        campaign_id: r['campaign_id'],
        campaign: r['campaign'],
        kind: r['kind'],
        step_index: i + 1,
        step: s.step,
        tracked: s.people !== null,
        people: s.people,
        share_of_first: s.people === null || first === 0 ? null : Number(s.people) / first,
      }));
    });
    const json = {
      params: plan.params,
      as_of: plan.asOf,
      model: plan.params.model,
      campaigns,
      by_model: byModel,
      funnel,
    };
    return { json, rows: { columns: CAMPAIGN_ROI_COLUMNS, data } };
  },
});
