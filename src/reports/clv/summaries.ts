import type { Row, Session } from '../../engine';
import { cast, fn, func, ident, list, param, raw, type SqlNode, sql } from '../../sql';

/**
 * The CLV report's summaries of its scored customers (a table of the session): the value
 * distribution, the P(alive) grid, value × risk and the hold-out check, each one SQL statement.
 */

const num = (v: number) => param(v, 'DOUBLE');

/** The hold-out window of a CLV plan (its fields of the same names). */
interface HoldoutWindow {
  readonly asOf: string | null;
  readonly calibrationEnd: string | null;
  readonly unitDays: number;
  readonly holdoutDays: number | null;
}

/** The frequency bands of the P(alive) grid and the hold-out table. */
const FREQUENCY_BANDS = sql`CASE WHEN frequency >= 10 THEN 10 WHEN frequency >= 6 THEN 6 WHEN frequency >= 4 THEN 4 ELSE frequency END`;
const FREQUENCY_LABEL = sql`CASE WHEN frequency >= 10 THEN '10+' WHEN frequency >= 6 THEN '6–9' WHEN frequency >= 4 THEN '4–5'
  ELSE ${cast(raw('frequency'), 'text')} END`;

/** Days since the last purchase day, in bands a marketer reads (whatever the unit). */
const SINCE_BANDS: readonly (readonly [number, string])[] = [
  [0, '< 1 month'],
  [30, '1–3 months'],
  [91, '3–6 months'],
  [182, '6–12 months'],
  [365, '1–2 years'],
  [730, '2+ years'],
];

function sinceBand(daysSince: SqlNode): { order: SqlNode; label: SqlNode } {
  const cases = [...SINCE_BANDS].reverse();
  return {
    order: sql`CASE ${list(
      cases.map(
        ([d], i) =>
          sql`WHEN ${daysSince} >= ${param(d, 'INTEGER')} THEN ${param(cases.length - 1 - i, 'INTEGER')}`,
      ),
      ' ',
    )} END`,
    label: sql`CASE ${list(
      cases.map(([d, l]) => sql`WHEN ${daysSince} >= ${param(d, 'INTEGER')} THEN ${l}`),
      ' ',
    )} END`,
  };
}

/** A step of 1, 2, 2.5 or 5 × 10^k near `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

const DISTRIBUTION_BINS = 20;

export async function distribution(session: Session, table: SqlNode): Promise<Row[]> {
  const [q] = (
    await session.query(
      sql`SELECT ${fn.quantile(0.99, raw('clv'), 'cont')} AS p99 FROM ${table} WHERE clv IS NOT NULL`,
    )
  ).rows;
  const p99 = Number(q?.['p99'] ?? 0);
  if (!(p99 > 0)) {
    return (
      await session.query(sql`SELECT 0.0 AS value_from, 0.0 AS value_to, count(*) AS customers,
        coalesce(${func('sum', [raw('clv')])}, 0) AS total_value, ${fn.asBoolean(raw('false'))} AS open_ended
        FROM ${table} WHERE clv IS NOT NULL HAVING count(*) > 0`)
    ).rows;
  }
  const step = niceStep(p99 / DISTRIBUTION_BINS);
  const last = Math.ceil(p99 / step);
  return (
    await session.query(sql`
      SELECT bin * ${num(step)} AS value_from, (bin + 1) * ${num(step)} AS value_to, count(*) AS customers,
             sum(clv) AS total_value, ${fn.asBoolean(sql`bin = ${param(last, 'INTEGER')}`)} AS open_ended
      FROM (SELECT ${fn.least(cast(sql`floor(clv / ${num(step)})`, 'integer'), param(last, 'INTEGER'))} AS bin, clv
            FROM ${table} WHERE clv IS NOT NULL) AS b
      GROUP BY bin ORDER BY bin`)
  ).rows;
}

export async function aliveGrid(session: Session, table: SqlNode, unitDays: number): Promise<Row[]> {
  const since = sinceBand(cast(sql`round((${ident('T')} - recency) * ${num(unitDays)})`, 'integer'));
  return (
    await session.query(sql`
      SELECT ${FREQUENCY_LABEL} AS frequency_band, ${FREQUENCY_BANDS} AS frequency_order,
             ${since.label} AS since_last_purchase, ${since.order} AS since_order,
             count(*) AS customers, avg(p_alive) AS mean_p_alive, avg(clv) AS mean_future_value, sum(revenue) AS revenue
      FROM ${table} GROUP BY frequency_band, frequency_order, since_last_purchase, since_order
      ORDER BY frequency_order, since_order`)
  ).rows;
}

/**
 * P(alive) bands of the value × risk grid: inclusive upper bounds and labels; a band holds
 * P(alive) above the previous bound and at most its own, as a target group's slice reads them.
 */
const ALIVE_BANDS: readonly (readonly [number, string])[] = [
  [0.25, '≤ 25 %'],
  [0.5, '25–50 %'],
  [0.75, '50–75 %'],
  [1, '75–100 %'],
];

const VALUE_LABELS = ['Bottom 20 %', '20–40 %', '40–60 %', '60–80 %', 'Top 20 %'];

/**
 * Customers by past value (revenue before the cut, in fifths: a band starts at a quantile, so
 * "Top 20 %" is revenue ≥ the 80th percentile, the `min_value` that saves it) × P(alive) band.
 * High value with low P(alive) is the valuable customers at risk.
 */
export async function valueRisk(session: Session, table: SqlNode): Promise<Row[]> {
  const fractions = [0.2, 0.4, 0.6, 0.8];
  const [q] = (
    await session.query(
      sql`SELECT ${list(fractions.map((f, i) => sql`${fn.quantile(f, raw('revenue'), 'disc')} AS ${ident(`q${i}`)}`))}
          FROM ${table}`,
    )
  ).rows;
  const quantiles = fractions.map((_, i) => q?.[`q${i}`]);
  // None over no customers.
  if (quantiles.some((v) => v === null || v === undefined)) return [];
  const bounds = quantiles.map(Number);
  const band = sql`(1 + ${list(
    bounds.map((b) => cast(sql`revenue >= ${num(b)}`, 'integer')),
    ' + ',
  )})`;
  const from = sql`CASE ${list(
    bounds.map((b, i) => sql`WHEN past_band = ${param(i + 2, 'INTEGER')} THEN ${num(b)}`),
    ' ',
  )} ELSE 0.0 END`;
  const to = sql`CASE ${list(
    bounds.map((b, i) => sql`WHEN past_band = ${param(i + 1, 'INTEGER')} THEN ${num(b)}`),
    ' ',
  )} END`;
  const alive = sql`CASE ${list(
    ALIVE_BANDS.slice(0, -1).map(([max], i) => sql`WHEN p_alive <= ${num(max)} THEN ${param(i, 'INTEGER')}`),
    ' ',
  )} ELSE ${param(ALIVE_BANDS.length - 1, 'INTEGER')} END`;
  const pick = (values: readonly (string | number)[], at: SqlNode) =>
    fn.arrayElement(
      fn.array(values.map((v) => (typeof v === 'number' ? num(v) : sql`${v}`))),
      sql`${at} + 1`,
    );
  return (
    await session.query(sql`
      SELECT past_band, ${pick(VALUE_LABELS, sql`past_band - 1`)} AS past_label, ${from} AS past_value_from,
             ${to} AS past_value_to, ${cast(raw('past_band'), 'text')} || '-' || ${cast(raw('alive_band'), 'text')} AS cell,
             ${pick([0, ...ALIVE_BANDS.slice(0, -1).map(([m]) => m)], sql`alive_band`)} AS p_alive_min,
             alive_band, ${pick(
               ALIVE_BANDS.map(([, l]) => l),
               sql`alive_band`,
             )} AS p_alive_band, ${pick(
               ALIVE_BANDS.map(([m]) => m),
               sql`alive_band`,
             )} AS p_alive_max,
             count(*) AS customers, sum(revenue) AS revenue, sum(clv) AS future_value, avg(p_alive) AS mean_p_alive
      FROM (SELECT *, ${band} AS past_band, ${alive} AS alive_band FROM ${table}) AS banded
      GROUP BY past_band, alive_band ORDER BY past_band DESC, alive_band`)
  ).rows;
}

export async function holdoutCheck(
  session: Session,
  table: SqlNode,
  plan: HoldoutWindow,
): Promise<Record<string, unknown>> {
  const [totals] = (
    await session.query(sql`
      SELECT count(*) AS customers, ${func('sum', [raw('holdout_actual')])} AS actual,
             ${func('sum', [raw('holdout_expected')])} AS expected FROM ${table}`)
  ).rows;
  const byFrequency = (
    await session.query(sql`
      SELECT label AS frequency, frequency_min, count(*) AS customers,
             avg(holdout_actual) AS actual_mean, avg(holdout_expected) AS expected_mean,
             sum(holdout_actual) AS actual, sum(holdout_expected) AS expected
      FROM (SELECT CASE WHEN frequency >= 7 THEN '7+' ELSE ${cast(raw('frequency'), 'text')} END AS label,
                   ${fn.least(raw('frequency'), raw('7'))} AS frequency_min, holdout_actual, holdout_expected
            FROM ${table}) AS f
      GROUP BY label, frequency_min ORDER BY frequency_min`)
  ).rows;
  return {
    from: plan.calibrationEnd,
    to: plan.asOf,
    length: plan.holdoutDays! / plan.unitDays,
    customers: Number(totals?.['customers'] ?? 0),
    actual: Number(totals?.['actual'] ?? 0),
    expected: Number(totals?.['expected'] ?? 0),
    by_frequency: byFrequency,
  };
}
