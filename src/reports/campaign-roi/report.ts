import type { Row } from '../../engine';
import { cast, countDistinct, fn, func, ident, list, param, raw, type SqlNode, select, sql } from '../../sql';
import { resolveAsOf } from '../common/as-of';
import type { ReportContext } from '../common/context';
import { type Cte, cteEntry } from '../common/ctes';
import { defineReport } from '../common/definition';
import { parseParams } from '../common/params';
import { col, localTime, population, populationRows, splitPopulation } from '../common/population';
import { type StoredCtes, withStoredCtes } from '../common/stored-ctes';
import {
  ATTRIBUTION_MODELS,
  CAMPAIGN_ROI_COLUMNS,
  type CampaignRoiParams,
  CampaignRoiParamsSchema,
} from './params';

/** Each model's share of an order's credit for one touch, over the order's touches. */
/** The steps of a direct campaign's response funnel, in order. */
export const FUNNEL_STEPS = ['sent', 'delivered', 'opened', 'clicked', 'responded', 'converted'] as const;

const BY_ORDER = raw('OVER (PARTITION BY order_id)');

const SHARES: Record<(typeof ATTRIBUTION_MODELS)[number], SqlNode> = {
  // Ties for the latest (earliest) touch share its credit equally.
  last_touch: sql`CASE WHEN rank_last = 1 THEN 1.0 / sum(CASE WHEN rank_last = 1 THEN 1 ELSE 0 END) ${BY_ORDER} ELSE 0 END`,
  first_touch: sql`CASE WHEN rank_first = 1 THEN 1.0 / sum(CASE WHEN rank_first = 1 THEN 1 ELSE 0 END) ${BY_ORDER} ELSE 0 END`,
  linear: sql`1.0 / n`,
  time_decay: sql`weight / sum(weight) ${BY_ORDER}`,
  position: sql`CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 WHEN pos = 1 OR pos = n THEN 0.4 ELSE 0.2 / (n - 2) END`,
};

/** Whether any row of the group has `condition`, as 1 or 0 (bool_or has no ClickHouse spelling). */
const any = (condition: SqlNode) => sql`max(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

export interface CampaignRoiPlan {
  readonly params: CampaignRoiParams;
  readonly asOf: string | null;
  readonly campaigns: SqlNode;
  /** The CTEs of `campaigns`, for withStoredCtes (STORED: the ones read several times). */
  readonly shared: readonly Cte[];
  /** `campaigns` with the stored CTEs read from their temp tables. */
  using(stored: StoredCtes): SqlNode;
}

/**
 * The CTEs the query reads more than once and that are costly (a fact scanned under the
 * population's filters and row rules, or attribution's window functions): computed once into temp
 * tables where the engine would inline them at every reference (ClickHouse).
 */
export const STORED = new Set(['resp', 'orders', 'web', 'tracked', 'attributed']);

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
    {
      expr: sql`${col(po, 'revenue')} - ${col(po, 'quantity')} * ${ident('products', 'unit_cost')}`,
      alias: 'margin',
    },
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
    { expr: ident('campaigns', 'campaign_id'), alias: 'campaign_id' },
    { expr: col(pw, 'customer_id'), alias: 'customer_id' },
    { expr: sql`coalesce(${col(pw, 'customer_id')}, ${col(pw, 'anonymous_id')})`, alias: 'visitor' },
    { expr: col(pw, 'session_id'), alias: 'session_id' },
    { expr: localTime(pw, 'occurred_at'), alias: 'ts' },
  ]);
  // Which steps each kind of campaign records at all (over all time, whatever the filters): a
  // step a channel does not track (SMS opens) is "not tracked", never 0%.
  const pAll = population(ctx, 'campaign_responses', { filters: [], segments: [] }, ['campaigns']);
  const recorded = populationRows(ctx, pAll, [
    { expr: ident('campaigns', 'kind'), alias: 'kind' },
    { expr: col(pAll, 'event'), alias: 'event' },
  ]);
  const asOf = await resolveAsOf(ctx.engine, params.as_of, lines, 'ts');
  const before = (ts: string) => sql`${raw(ts)} < ${cast(param(asOf ?? '1970-01-01'), 'timestamp')}`;
  const onlyCampaigns = params.campaigns
    ? sql` AND campaign_id IN (${list(params.campaigns.map((c) => sql`${c}`))})`
    : sql``;
  const reach = (event: string) =>
    sql`${countDistinct(raw('customer_id'), false, sql`event = ${event} AND grp = 'target'`)} AS ${raw(event)}`;
  const steps = [...FUNNEL_STEPS, 'unsubscribed'];
  // The funnel: step k counts the customers with every tracked step up to k (a funnel nests).
  // Flags are 1 or 0 on both engines.
  const funnelSteps = FUNNEL_STEPS.map((event, k) => {
    const upTo = FUNNEL_STEPS.slice(0, k + 1).map(
      (e) => sql`(coalesce(t.${raw(`t_${e}`)}, 0) = 0 OR f.${raw(`f_${e}`)} = 1)`,
    );
    return sql`CASE WHEN max(coalesce(t.${raw(`t_${event}`)}, 0)) = 1 THEN count(CASE WHEN ${list(upTo, ' AND ')} THEN 1 END) END AS ${raw(`funnel_${event}`)}`;
  });
  const models = params.compare_models ? ATTRIBUTION_MODELS : [params.model];
  const shareColumns = models.map((m) => sql`${SHARES[m]} AS ${raw(m)}`);
  const perModel = models.flatMap((m) => [
    sql`sum(${raw(m)}) AS ${raw(`orders_${m}`)}`,
    sql`${cast(sql`sum(revenue * ${raw(m)})`, 'double')} AS ${raw(`revenue_${m}`)}`,
    sql`${cast(sql`sum(margin * ${raw(m)})`, 'double')} AS ${raw(`margin_${m}`)}`,
    sql`${countDistinct(raw('customer_id'), false, sql`${raw(m)} > 0 AND is_first`)} AS ${raw(`new_${m}`)}`,
  ]);
  const chosen = params.model;
  // The window in whole seconds (window_days may be fractional).
  const windowStart = (ts: SqlNode) =>
    fn.dateAdd('second', param(-Math.round(params.window_days * 86400)), ts);
  // Every touch in [ordered_at − window, ordered_at]; last touch alone keeps each order's latest
  // touches (ties share the credit), ranked in a subquery rather than by an ASOF join, which
  // ClickHouse spells otherwise.
  const allPairs = sql`
        SELECT o.order_id AS order_id, o.customer_id AS customer_id, o.revenue AS revenue, o.margin AS margin,
               t.campaign_id AS campaign_id, t.ts AS touch_ts,
               ${fn.asBoolean(sql`o.order_id = f.first_order`)} AS is_first,
               ${fn.dateDiff('second', raw('t.ts'), raw('o.ts'))} / 86400.0 AS age_days
        FROM orders o JOIN touches t ON t.customer_id = o.customer_id
        JOIN firsts f ON f.customer_id = o.customer_id
        WHERE t.ts <= o.ts AND t.ts >= ${windowStart(raw('o.ts'))}`;
  const pairs =
    models.length === 1 && chosen === 'last_touch'
      ? sql`SELECT order_id, customer_id, revenue, margin, campaign_id, touch_ts, is_first, age_days
            FROM (SELECT *, rank() OVER (PARTITION BY order_id ORDER BY touch_ts DESC) AS latest_rank
                  FROM (${allPairs}) p) r
            WHERE latest_rank = 1`
      : allPairs;
  // Campaigns without responses (ads, events) are listed too, unless a campaign filter narrows them.
  const campaignFilter =
    split.get('campaign_responses')!.filters.length + split.get('campaign_responses')!.segments.length > 0
      ? sql` AND campaign_id IN (SELECT campaign_id FROM reach)`
      : sql``;
  const reachColumns = [...steps, 'response_cost', 'control_size', 'control_converted'];
  const attributedColumns = models.flatMap((m) => [`orders_${m}`, `revenue_${m}`, `margin_${m}`, `new_${m}`]);
  const funnelColumns = FUNNEL_STEPS.map((e) => `funnel_${e}`);
  const from = (alias: string, names: readonly string[]) => names.map((n) => raw(`${alias}.${n} AS ${n}`));
  const b = (name: string) => raw(`b.${name}`);
  const ctes = [
    cteEntry('resp', sql`SELECT * FROM (${responses}) x WHERE ${before('ts')}${onlyCampaigns}`, true),
    cteEntry(
      'reach',
      sql`SELECT campaign_id, ${list(steps.map(reach))},
             ${cast(raw('sum(cost)'), 'double')} AS response_cost,
             ${countDistinct(raw('customer_id'), false, sql`grp = 'control'`)} AS control_size,
             ${countDistinct(raw('customer_id'), false, sql`grp = 'control' AND event = 'converted'`)} AS control_converted
      FROM resp GROUP BY campaign_id`,
    ),
    cteEntry(
      'orders',
      // Qualified: ClickHouse would read customer_id and ts in WHERE as this select's aggregates.
      sql`SELECT x.order_id AS order_id, min(x.customer_id) AS customer_id, min(x.ts) AS ts, sum(x.revenue) AS revenue,
             CASE WHEN count(x.margin) = count(*) THEN sum(x.margin) END AS margin
      FROM (${lines}) x WHERE x.completed AND x.customer_id IS NOT NULL AND ${before('x.ts')} GROUP BY x.order_id`,
      true,
    ),
    // A customer's first order: the earliest, the smallest id among orders placed at that moment.
    cteEntry(
      'firsts',
      sql`SELECT o.customer_id AS customer_id, min(o.order_id) AS first_order
          FROM orders o JOIN (SELECT customer_id, min(ts) AS first_ts FROM orders GROUP BY customer_id) m
            ON m.customer_id = o.customer_id AND o.ts = m.first_ts
          GROUP BY o.customer_id`,
    ),
    cteEntry(
      'web',
      sql`SELECT * FROM (${sessions}) x WHERE campaign_id IS NOT NULL AND ${before('ts')}${onlyCampaigns}`,
      true,
    ),
    cteEntry(
      'web_reach',
      sql`SELECT campaign_id, count(DISTINCT visitor) AS visitors, count(DISTINCT session_id) AS web_sessions
                  FROM web GROUP BY campaign_id`,
    ),
    cteEntry(
      'tracked',
      sql`SELECT kind, ${list(steps.map((e) => sql`${any(sql`event = ${e}`)} AS ${raw(`t_${e}`)}`))}
                FROM (${recorded}) x GROUP BY kind`,
    ),
    cteEntry(
      'flags',
      sql`SELECT campaign_id, customer_id,
                     ${list(FUNNEL_STEPS.map((e) => sql`${any(sql`event = ${e}`)} AS ${raw(`f_${e}`)}`))}
              FROM resp WHERE grp = 'target' GROUP BY campaign_id, customer_id`,
    ),
    cteEntry(
      'funnel',
      sql`SELECT f.campaign_id AS campaign_id, ${list(funnelSteps)}
               FROM flags f LEFT JOIN dim_campaign c ON c.campaign_id = f.campaign_id
               LEFT JOIN tracked t ON ${fn.nullSafeEquals(raw('t.kind'), raw('c.kind'))}
               GROUP BY f.campaign_id`,
    ),
    cteEntry(
      'touches',
      sql`SELECT customer_id, campaign_id, ts FROM resp
                WHERE grp = 'target' AND event IN (${list(params.touch_events.map((e) => sql`${e}`))})
                UNION ALL
                -- One touch per web session that carries the campaign, at its first such event.
                SELECT customer_id, campaign_id, min(ts) AS ts FROM web WHERE customer_id IS NOT NULL
                GROUP BY session_id, customer_id, campaign_id`,
    ),
    cteEntry('pairs', pairs),
    cteEntry(
      'ranked',
      sql`SELECT *, count(*) ${BY_ORDER} AS n,
             rank() OVER (PARTITION BY order_id ORDER BY touch_ts DESC) AS rank_last,
             rank() OVER (PARTITION BY order_id ORDER BY touch_ts ASC) AS rank_first,
             row_number() OVER (PARTITION BY order_id ORDER BY touch_ts, campaign_id) AS pos,
             pow(2, -age_days / ${params.half_life_days}) AS weight
      FROM pairs`,
    ),
    cteEntry('shares', sql`SELECT *, ${list(shareColumns)} FROM ranked`),
    cteEntry('attributed', sql`SELECT campaign_id, ${list(perModel)} FROM shares GROUP BY campaign_id`),
    cteEntry(
      'spans',
      sql`SELECT campaign_id, min(ts) AS first_touch, max(ts) AS last_touch
              FROM (SELECT campaign_id, ts FROM resp UNION ALL SELECT campaign_id, ts FROM web) x GROUP BY campaign_id`,
    ),
    // Through the dialect: NULL over no orders on ClickHouse too.
    cteEntry(
      'bounds',
      sql`SELECT ${func('min', [raw('ts')])} AS first_ts, ${func('max', [raw('ts')])} AS last_ts FROM orders`,
    ),
    cteEntry(
      'candidates',
      sql`SELECT campaign_id FROM reach UNION DISTINCT SELECT campaign_id FROM web_reach
                   UNION DISTINCT SELECT campaign_id FROM dim_campaign WHERE NOT is_placeholder${onlyCampaigns}${campaignFilter}`,
    ),
    // A campaign that earned nothing is listed only if it ran (its dates, else its responses) while
    // the orders considered were placed: a period filter must not list last year's campaigns at −100 %.
    cteEntry(
      'ids',
      sql`SELECT campaign_id FROM attributed
            UNION DISTINCT
            SELECT k.campaign_id AS campaign_id FROM candidates k
                  LEFT JOIN dim_campaign c ON c.campaign_id = k.campaign_id
                  LEFT JOIN spans s ON s.campaign_id = k.campaign_id CROSS JOIN bounds
                  WHERE bounds.last_ts IS NULL
                     OR coalesce(${cast(raw('c.starts_at'), 'timestamp')}, s.first_touch) IS NULL
                     OR (coalesce(${cast(raw('c.starts_at'), 'timestamp')}, s.first_touch) <= bounds.last_ts
                         AND coalesce(${cast(raw('c.ends_at'), 'timestamp')}, s.last_touch, ${cast(raw('c.starts_at'), 'timestamp')}) >= ${windowStart(raw('bounds.first_ts'))})`,
    ),
    cteEntry(
      'base',
      sql`SELECT ids.campaign_id AS campaign_id, c.name AS campaign_name, c.kind AS campaign_kind,
             coalesce(${cast(raw('c.cost'), 'double')}, r.response_cost) AS total_cost,
             ${list([...from('r', reachColumns), ...from('a', attributedColumns), ...from('fu', funnelColumns)])},
             w.visitors AS visitors, w.web_sessions AS web_sessions,
             ${list(steps.map((e) => sql`coalesce(t.${raw(`t_${e}`)}, 0) AS ${raw(`tracks_${e}`)}`))}
      FROM ids LEFT JOIN reach r ON r.campaign_id = ids.campaign_id
      LEFT JOIN attributed a ON a.campaign_id = ids.campaign_id
      LEFT JOIN funnel fu ON fu.campaign_id = ids.campaign_id
      LEFT JOIN web_reach w ON w.campaign_id = ids.campaign_id
      LEFT JOIN dim_campaign c ON c.campaign_id = ids.campaign_id
      LEFT JOIN tracked t ON ${fn.nullSafeEquals(raw('t.kind'), raw('c.kind'))}`,
    ),
  ];
  // Columns of base qualified throughout: ClickHouse reads a bare name that is also an output
  // alias (sent, converted) as the alias.
  const uplift = sql`CASE WHEN ${b('control_size')} > 0 AND ${b('sent')} > 0 THEN ${b('converted')} / ${b('sent')} - ${b('control_converted')} / ${b('control_size')} END`;
  const columns = sql`${b('campaign_id')} AS campaign_id, ${b('campaign_name')} AS campaign, ${b('campaign_kind')} AS kind,
           ${b('total_cost')} AS cost,
           ${list(steps.map((e) => sql`CASE WHEN ${b(`tracks_${e}`)} = 1 THEN coalesce(${b(e)}, 0) END AS ${raw(e)}`))},
           coalesce(b.visitors, 0) AS visitors, coalesce(b.web_sessions, 0) AS web_sessions,
           ${list(FUNNEL_STEPS.map((e) => sql`CASE WHEN ${b(`tracks_${e}`)} = 1 THEN coalesce(${b(`funnel_${e}`)}, 0) END AS ${raw(`funnel_${e}`)}`))},
           ${cast(sql`coalesce(${b(`orders_${chosen}`)}, 0)`, 'double')} AS attributed_orders,
           coalesce(${b(`revenue_${chosen}`)}, 0) AS attributed_revenue,
           (coalesce(${b(`revenue_${chosen}`)}, 0) - b.total_cost) / NULLIF(b.total_cost, 0) AS roi,
           (${b(`margin_${chosen}`)} - b.total_cost) / NULLIF(b.total_cost, 0) AS romi,
           b.total_cost / NULLIF(${b(`new_${chosen}`)}, 0) AS cac,
           ${uplift} AS uplift,
           (${uplift}) * b.sent * ${b(`revenue_${chosen}`)} / NULLIF(${b(`orders_${chosen}`)}, 0) AS incremental_revenue,
           coalesce(b.control_size, 0) AS control_size, coalesce(b.control_converted, 0) AS control_converted,
           b.response_cost AS response_cost,
           ${list(
             models.flatMap((m) => [
               sql`coalesce(${b(`revenue_${m}`)}, 0) AS ${raw(`attributed_revenue_${m}`)}`,
               sql`${cast(sql`coalesce(${b(`orders_${m}`)}, 0)`, 'double')} AS ${raw(`attributed_orders_${m}`)}`,
             ]),
           )}`;
  const query = (entries: typeof ctes) =>
    select({
      with: entries,
      columns: [{ expr: columns }],
      from: { kind: 'table', path: ['base'], alias: 'b' },
      orderBy: [{ expr: raw('b.campaign_id'), direction: 'asc' }],
    });
  const shared: Cte[] = ctes.map((c) => [c.name, c.query, c.materialized]);
  return {
    params,
    asOf,
    campaigns: query(ctes),
    shared,
    using: (stored) =>
      query(stored(shared).map(([name, q], i) => (q === shared[i]![1] ? ctes[i]! : cteEntry(name, q)))),
  };
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
  engines: ['duckdb', 'clickhouse'],
  async run(ctx, params) {
    const plan = await planCampaignRoi(ctx, params);
    const data = await withStoredCtes(
      ctx.engine,
      plan.shared,
      async (session, stored) => (await session.query(plan.using(stored))).rows,
      (name) => STORED.has(name),
    );
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
