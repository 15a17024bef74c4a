import type { JsonValue, Row, Session } from '../../engine';
import { AppError } from '../../errors';
import { type SqlNode, sql } from '../../sql';
import type { ReportContext } from '../common/context';
import { defineReport } from '../common/definition';
import { storeCtes, withStoredCtes } from '../common/stored-ctes';
import { correlate, type PropertyCorrelationCounts } from './correlation';
import { funnelFooter } from './footer';
import { type FunnelParams, FunnelParamsSchema } from './params';
import { type FunnelPlan, type PlanOptions, planFunnel } from './plan';
import type { FunnelResult, FunnelStepRow } from './result';
import { countIf, int } from './steps';

export type { FunnelResult, FunnelStepRow } from './result';

export const FUNNEL_COLUMNS = [
  'step_index',
  'step',
  'actors',
  'conversion_from_previous',
  'conversion_from_first',
  'dropped',
  'customers',
  'customers_dropped',
  'median_seconds_to_step',
  'p90_seconds_to_step',
] as const;

function stepRows(labels: readonly string[], summary: readonly Row[]): FunnelStepRow[] {
  const byStep = new Map(summary.map((r) => [Number(r['k']), r]));
  const n = labels.length;
  const actors = labels.map((_, i) => Number(byStep.get(i + 1)?.['actors'] ?? 0));
  const customers = labels.map((_, i) => Number(byStep.get(i + 1)?.['customers'] ?? 0));
  const ratio = (a: number, b: number | undefined) => (b === undefined || b === 0 ? null : a / b);
  return labels.map((label, i) => {
    const q = (byStep.get(i + 1)?.['q'] ?? null) as (number | null)[] | null;
    return {
      step_index: i + 1,
      step: label,
      actors: actors[i]!,
      conversion_from_previous: i === 0 ? null : ratio(actors[i]!, actors[i - 1]),
      conversion_from_first: ratio(actors[i]!, actors[0]),
      dropped: i + 1 < n ? actors[i]! - actors[i + 1]! : null,
      customers: customers[i]!,
      customers_dropped: i + 1 < n ? customers[i]! - customers[i + 1]! : null,
      median_seconds_to_step: q?.[0] ?? null,
      p90_seconds_to_step: q?.[1] ?? null,
    };
  });
}

/**
 * Event and property correlation. Each property reads the funnel again with it as the breakdown
 * (an actor's value is that of the step-1 event of its counted path) and counts, per value, the
 * actors who completed and who did not.
 */
async function correlation(
  session: Session,
  plan: FunnelPlan,
  byProperty: readonly FunnelPlan[],
): Promise<NonNullable<FunnelResult['correlation']>> {
  const n = plan.steps.steps.length;
  let successes: number | undefined;
  let failures: number | undefined;
  let events: { event: string; success_with: number; failure_with: number }[] | undefined;
  if (plan.correlation !== undefined) {
    const totals = (await session.query(plan.correlation.totals)).rows[0] ?? {};
    successes = Number(totals['successes'] ?? 0);
    failures = Number(totals['failures'] ?? 0);
    events = (await session.query(plan.correlation.counts)).rows.map((r) => ({
      event: String(r['event']),
      success_with: Number(r['success_with']),
      failure_with: Number(r['failure_with']),
    }));
  }
  const properties: PropertyCorrelationCounts[] = [];
  for (const planned of byProperty) {
    const { stored, drop } = await storeCtes(session, planned.shared);
    const by = planned.using(stored);
    let rows: Row[];
    try {
      rows = (
        await session.query(
          sql`SELECT breakdown, ${countIf(sql`level = ${int(n)}`)} AS success_with,
                     ${countIf(sql`level < ${int(n)}`)} AS failure_with
              FROM (${by.actors}) GROUP BY breakdown ORDER BY breakdown NULLS LAST`,
        )
      ).rows;
    } finally {
      await drop();
    }
    for (const r of rows) {
      const v = r['breakdown'];
      properties.push({
        property: by.breakdown!,
        value:
          v === null || v === undefined
            ? null
            : typeof v === 'object'
              ? String(v)
              : (v as string | number | boolean),
        success_with: Number(r['success_with']),
        failure_with: Number(r['failure_with']),
      });
    }
    // Every actor has one value: the totals are the sums (the same for every property).
    successes ??= rows.reduce((t, r) => t + Number(r['success_with']), 0);
    failures ??= rows.reduce((t, r) => t + Number(r['failure_with']), 0);
  }
  const s = successes ?? 0;
  const f = failures ?? 0;
  const tests = (events?.length ?? 0) + properties.length;
  return {
    successes: s,
    failures: f,
    ...(events ? { events: correlate(events, s, f, (x) => x.event, tests) } : {}),
    ...(plan.params.correlation_properties.length > 0
      ? {
          properties: correlate(properties, s, f, (x) => `${x.property}=${String(x.value)}`, tests),
        }
      : {}),
  };
}

/**
 * The funnel as JSON: the steps of all actors, and per breakdown value when asked. Actors are
 * keyed by hash where no two actor ids share one, else by id (PlanOptions.actorKey `auto`).
 */
export async function funnelReport(
  ctx: ReportContext,
  input: unknown,
  options: PlanOptions = { actorKey: 'auto' },
): Promise<FunnelResult> {
  const planned = await planFunnel(ctx, input, options);
  // Each correlation property reads the funnel again with it as the breakdown. Planned before the
  // session: planning queries the engine, which must not wait for the session's connection.
  const byProperty: FunnelPlan[] = [];
  for (const property of planned.params.correlation_properties) {
    byProperty.push(
      await planFunnel(
        ctx,
        {
          ...planned.params,
          breakdown: property,
          correlation: false,
          correlation_properties: [],
          conversion_over_time: undefined,
          time_to_convert_bins: undefined,
        },
        // The key the first plan settled on (no second check).
        { ...options, actorKey: planned.actorKey },
      ),
    );
  }
  // The rows and the landings once, in temp tables, for every query of the report.
  return withStoredCtes(ctx.engine, planned.shared, async (session, stored) => {
    const plan = planned.using(stored);
    const labels = plan.steps.steps.map((s) => s.label);
    const summary = (await session.query(plan.summary)).rows;
    const steps = stepRows(
      labels,
      summary.filter((r) => r['total'] === true),
    );
    const result: FunnelResult = {
      params: plan.params,
      source: plan.params.source,
      mode: plan.params.mode,
      actor: plan.params.actor,
      window: { text: plan.params.window, seconds: plan.windowSeconds },
      as_of: plan.asOf,
      actors: steps[0]?.actors ?? 0,
      steps,
    };
    if (plan.timeToConvert !== undefined) {
      result.time_to_convert = (await session.query(plan.timeToConvert)).rows.map((r) => ({
        from_seconds: Number(r['from_s']),
        to_seconds: Number(r['to_s']),
        actors: Number(r['actors']),
      }));
    }
    if (plan.correlation !== undefined || plan.params.correlation_properties.length > 0) {
      result.correlation = await correlation(session, plan, byProperty);
    }
    if (plan.overTime !== undefined) {
      result.over_time = (await session.query(plan.overTime)).rows.map((r) => {
        const entered = Number(r['entered']);
        const converted = Number(r['converted']);
        return {
          period: String(r['period']).slice(0, 10),
          entered,
          converted,
          conversion: entered === 0 ? null : converted / entered,
          partial: r['partial'] === true,
          window_closed: r['window_closed'] === true,
        };
      });
    }
    if (plan.breakdown !== undefined) {
      const groups = new Map<string, { value: JsonValue; rows: Row[] }>();
      for (const r of summary.filter((x) => x['total'] !== true)) {
        const key = JSON.stringify(r['breakdown'] ?? null);
        if (!groups.has(key)) groups.set(key, { value: r['breakdown'] ?? null, rows: [] });
        groups.get(key)!.rows.push(r);
      }
      result.breakdown = {
        dimension: plan.breakdown,
        values: [...groups.values()].map((g) => {
          const s = stepRows(labels, g.rows);
          return { value: g.value, actors: s[0]?.actors ?? 0, steps: s };
        }),
      };
    }
    return result;
  });
}

export const funnel = defineReport<FunnelParams>({
  name: 'funnel',
  description:
    'Conversion funnel over web events, campaign responses or deal stages: actors per step, conversion, drop-off and time to step',
  schema: FunnelParamsSchema,
  // Every option, on both engines (tests/parity/funnel.test.ts).
  engines: ['duckdb', 'clickhouse'],
  // The breakdown's and the correlation properties' values key the output: `source`,
  // `web_events.source`, a property (`properties.plan`: its JSON dimension's values) or a
  // joined cube's dimension (`customers.region`). An unknown name is refused when the report runs.
  lists: ({ breakdown, source, correlation_properties }) => {
    const listed = (name: string, because: string) => {
      const parts = name.split('.');
      const member =
        parts[0] === source
          ? `${source}.${parts[1]}`
          : parts.length === 1 || parts[0] === 'properties'
            ? `${source}.${parts[0]}`
            : `${parts[0]}.${parts[1]}`;
      return { member, because };
    };
    return [
      ...(breakdown === undefined ? [] : [listed(breakdown, 'breakdown: its values key the steps')]),
      ...correlation_properties.map((p) => listed(p, 'correlation_properties: its values are tested')),
    ];
  },
  async run(ctx, params) {
    const json = await funnelReport(ctx, params);
    const rows = json.breakdown
      ? {
          columns: ['breakdown', ...FUNNEL_COLUMNS],
          data: json.breakdown.values.flatMap((v) =>
            v.steps.map((s) => ({ breakdown: v.value, ...s }) as Row),
          ),
        }
      : { columns: [...FUNNEL_COLUMNS], data: json.steps as unknown as Row[] };
    return { json: json as unknown as Record<string, unknown>, rows, footer: funnelFooter(json) };
  },
});

/**
 * The SQL of the actors behind a step, for saving a target group: one column, customer_id, of
 * the actors that are known customers (anonymous actors have none). reached: level >= step;
 * dropped: level == step (reached the step and not the next; nobody drops at the last step).
 * The actors are those the report counts (same actor definition), less anonymous visitors.
 */
export async function funnelActors(
  ctx: ReportContext,
  params: unknown,
  slice: { step: number; which: 'reached' | 'dropped' },
): Promise<SqlNode> {
  const plan = await planFunnel(ctx, params, { known: true });
  const n = plan.steps.steps.length;
  if (!Number.isInteger(slice.step) || slice.step < 1 || slice.step > n) {
    throw new AppError('VALIDATION_FAILED', `step: the funnel has steps 1 to ${n}, not ${slice.step}`);
  }
  if (slice.which === 'dropped' && slice.step === n) {
    throw new AppError(
      'VALIDATION_FAILED',
      `step: nobody drops out at the last step (${n}); those who reached it completed the funnel: save "reached"`,
    );
  }
  if (plan.params.actor === 'anonymous') {
    throw new AppError(
      'VALIDATION_FAILED',
      'actor: anonymous actors are not customers; save funnel actors with actor customer or customer_then_anonymous',
    );
  }
  const cond = slice.which === 'reached' ? sql`level >= ${slice.step}` : sql`level = ${slice.step}`;
  return sql`SELECT customer_id FROM (${plan.customers!}) WHERE ${cond}`;
}
