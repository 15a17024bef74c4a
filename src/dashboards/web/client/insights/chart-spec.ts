import type { Row } from '../api-types';
import type { InsightQuery, Period } from './state';
import { actorPlural, breakdownTitle, trendMeasure } from './words';

type Spec = Record<string, unknown>;

const PERIOD_TITLE = { day: 'Day', week: 'Week starting', month: 'Month' } as const;

const DATE_FORMAT = { day: '%d %b %Y', week: '%d %b %Y', month: '%b %Y' } as const;

/** A calendar date on a time axis, read in UTC so no time zone moves it a day; ticks at the interval. */
const dateAxis = (title: string, interval: Period) => ({
  field: 'period',
  type: 'temporal',
  timeUnit: 'utcyearmonthdate',
  title,
  axis: {
    format: DATE_FORMAT[interval],
    labelOverlap: true,
    tickCount: { interval: interval === 'month' ? 'month' : interval === 'week' ? 'week' : 'day' },
  },
});

/** Periods as bars side by side (one band each), labelled as dates. */
const periodBands = (title: string, interval: Period) => ({
  field: 'period',
  type: 'ordinal',
  title,
  axis: {
    labelExpr: `utcFormat(toDate(datum.value), '${DATE_FORMAT[interval]}')`,
    labelOverlap: true,
    labelAngle: 0,
  },
});

/** Bars of each breakdown value side by side, coloured by it. */
const breakdownBars = (member: string) => ({
  xOffset: { field: 'breakdown', type: 'nominal' },
  color: { field: 'breakdown', type: 'nominal', title: breakdownTitle(member) },
});

const LIFECYCLE = {
  domain: ['new', 'returning', 'resurrecting', 'dormant'],
  range: ['#17a589', '#2f5bea', '#f39c12', '#e05d5d'],
};

/**
 * The layers of a line whose periods where `incomplete` (a Vega expression) holds do not compare
 * with the others: a dashed line through every period, the comparable ones drawn solid over it,
 * so the segments into an incomplete period stay dashed, and its point hollow.
 */
function dashedWhere(incomplete: string): Spec[] {
  return [
    { mark: { type: 'line', strokeDash: [4, 3] } },
    {
      transform: [{ filter: `!(${incomplete})` }],
      mark: { type: 'line', point: { size: 30 }, tooltip: true },
    },
    {
      transform: [{ filter: incomplete }],
      mark: { type: 'point', filled: false, size: 30, tooltip: true },
    },
  ];
}

/** A bar or cell of an incomplete period (the data's first, the one as_of cuts) is drawn faded. */
const FADE_PARTIAL = { condition: { test: 'datum.partial === true', value: 0.4 }, value: 1 };

function trends(q: InsightQuery): Spec {
  const measure = trendMeasure(q);
  return {
    height: 340,
    transform: [
      {
        calculate: "datum.breakdown == null ? datum.series : datum.series + ' · ' + datum.breakdown",
        as: 'line',
      },
    ],
    encoding: {
      x: dateAxis(PERIOD_TITLE[q.interval], q.interval),
      y: { field: 'value', type: 'quantitative', title: measure },
      color: {
        field: 'line',
        type: 'nominal',
        title: q.breakdown ? `Series · ${breakdownTitle(q.breakdown)}` : 'Series',
        // Series with a condition have long names: let the legend show them whole.
        legend: { labelLimit: 320 },
      },
      tooltip: [
        { field: 'line', title: 'Series' },
        { field: 'period', type: 'temporal', timeUnit: 'utcyearmonthdate', title: PERIOD_TITLE[q.interval] },
        { field: 'value', type: 'quantitative', title: measure, format: ',.4~f' },
        { field: 'partial', title: 'Incomplete period' },
      ],
    },
    // Incomplete periods: cut by the range, the data's start or today.
    layer: dashedWhere('datum.partial === true'),
  };
}

function funnel(q: InsightQuery): Spec {
  const who = actorPlural(q.actor);
  const x = {
    field: 'step_label',
    type: 'ordinal',
    title: 'Step',
    sort: { field: 'step_index' },
    axis: { labelAngle: 0 },
  };
  const tooltip = [
    { field: 'step_label', title: 'Step' },
    ...(q.breakdown ? [{ field: 'breakdown', title: breakdownTitle(q.breakdown) }] : []),
    { field: 'actors', type: 'quantitative', title: who, format: ',' },
    { field: 'conversion_from_first', type: 'quantitative', title: 'Of step 1', format: '.1%' },
    { field: 'conversion_from_previous', type: 'quantitative', title: 'Of the step before', format: '.1%' },
  ];
  const bars = {
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x,
      y: { field: 'actors', type: 'quantitative', title: `${who[0]!.toUpperCase()}${who.slice(1)}` },
      ...(q.breakdown
        ? {
            xOffset: { field: 'breakdown', type: 'nominal' },
            color: { field: 'breakdown', type: 'nominal', title: breakdownTitle(q.breakdown) },
          }
        : {}),
      tooltip,
    },
  };
  const labels = {
    mark: { type: 'text', dy: -7, fontSize: 11, color: '#3b4252' },
    encoding: {
      x,
      y: { field: 'actors', type: 'quantitative' },
      text: { field: 'conversion_from_first', type: 'quantitative', format: '.1%' },
    },
  };
  return {
    height: 340,
    transform: [{ calculate: "datum.step_index + '. ' + datum.step", as: 'step_label' }],
    layer: q.breakdown ? [bars] : [bars, labels],
  };
}

function retention(q: InsightQuery, rows: readonly Row[]): Spec {
  const later = rows.filter((r) => Number(r['period_offset']) > 0).map((r) => Number(r['percentage']) || 0);
  const top = Math.max(0.05, ...later);
  const label = (r: Row) =>
    q.breakdown ? `${String(r['breakdown'] ?? '(none)')} · ${String(r['cohort'])}` : r['cohort'];
  const cohorts = new Set(rows.map(label)).size;
  const x = {
    field: 'period_offset',
    type: 'ordinal',
    title: `${q.interval[0]!.toUpperCase()}${q.interval.slice(1)}s after ${q.events[0]}`,
    axis: { labelAngle: 0 },
  };
  const y = q.breakdown
    ? { field: 'row', type: 'ordinal', title: `${breakdownTitle(q.breakdown)} · cohort` }
    : { field: 'cohort', type: 'ordinal', title: 'Cohort' };
  return {
    height: Math.max(160, cohorts * 24),
    ...(q.breakdown
      ? {
          transform: [
            {
              calculate: "(datum.breakdown == null ? '(none)' : datum.breakdown) + ' · ' + datum.cohort",
              as: 'row',
            },
          ],
        }
      : {}),
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: {
            field: 'percentage',
            type: 'quantitative',
            title: `Returned (${q.events[1]})`,
            scale: { domain: [0, top], clamp: true, scheme: 'blues' },
            legend: { format: '.0%' },
          },
          // A cell of the period as_of cuts is drawn faded: its return is not all in yet.
          fillOpacity: FADE_PARTIAL,
          tooltip: [
            ...(q.breakdown ? [{ field: 'breakdown', title: breakdownTitle(q.breakdown) }] : []),
            { field: 'cohort', title: 'Cohort' },
            { field: 'period_offset', title: x.title },
            { field: 'cohort_size', type: 'quantitative', title: 'Cohort size', format: ',' },
            { field: 'actors', type: 'quantitative', title: 'Returned', format: ',' },
            { field: 'percentage', type: 'quantitative', title: 'Share', format: '.1%' },
            { field: 'partial', title: 'Incomplete period' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'percentage', type: 'quantitative', format: '.0%' },
          color: { condition: { test: `datum.percentage > ${top * 0.6}`, value: 'white' }, value: '#3b4252' },
        },
      },
    ],
  };
}

function stickiness(q: InsightQuery): Spec {
  const who = actorPlural(q.actor);
  const unit = q.interval;
  return {
    height: 300,
    transform: [
      { filter: 'datum.partial !== true' },
      { aggregate: [{ op: 'sum', field: 'actors', as: 'total' }], groupby: ['days', 'breakdown'] },
    ],
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'days', type: 'ordinal', title: `Days active in the ${unit}`, axis: { labelAngle: 0 } },
      ...(q.breakdown ? breakdownBars(q.breakdown) : {}),
      y: {
        field: 'total',
        type: 'quantitative',
        title: `${who[0]!.toUpperCase()}${who.slice(1)} × ${unit}s (summed over complete ${unit}s)`,
      },
      tooltip: [
        ...(q.breakdown ? [{ field: 'breakdown', title: breakdownTitle(q.breakdown) }] : []),
        { field: 'days', title: 'Days active' },
        { field: 'total', type: 'quantitative', title: `${who} × ${unit}s`, format: ',' },
      ],
    },
  };
}

function lifecycle(q: InsightQuery): Spec {
  const who = actorPlural(q.actor);
  return {
    height: 340,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: periodBands(PERIOD_TITLE[q.interval], q.interval),
      y: {
        field: 'actors',
        type: 'quantitative',
        title: `${who[0]!.toUpperCase()}${who.slice(1)} (dormant below zero)`,
      },
      color: { field: 'status', type: 'nominal', title: 'Status', scale: LIFECYCLE, sort: LIFECYCLE.domain },
      // An incomplete period (the data's first, the one as_of cuts) is drawn faded: it reads low.
      fillOpacity: FADE_PARTIAL,
      order: { field: 'status_order', type: 'quantitative' },
      // A breakdown value per bar side by side in each period, its statuses stacked; the bars'
      // shades (in their own legend) tell the values apart, the colours stay the statuses.
      ...(q.breakdown
        ? {
            xOffset: { field: 'breakdown', type: 'nominal' },
            opacity: {
              field: 'breakdown',
              type: 'nominal',
              title: breakdownTitle(q.breakdown),
              scale: { range: [1, 0.6, 0.35, 0.8, 0.5] },
            },
          }
        : {}),
      tooltip: [
        ...(q.breakdown ? [{ field: 'breakdown', title: breakdownTitle(q.breakdown) }] : []),
        { field: 'period', type: 'temporal', timeUnit: 'utcyearmonthdate', title: PERIOD_TITLE[q.interval] },
        { field: 'status', title: 'Status' },
        { field: 'actors', type: 'quantitative', title: who, format: ',' },
        { field: 'partial', title: 'Incomplete period' },
      ],
    },
    transform: [
      { calculate: `indexof(${JSON.stringify(LIFECYCLE.domain)}, datum.status)`, as: 'status_order' },
    ],
  };
}

function paths(q: InsightQuery, rows: readonly Row[]): Spec {
  return {
    height: Math.max(120, rows.length * 26),
    // With a breakdown each value has its own top paths: the value leads the label.
    transform: [
      {
        calculate: q.breakdown
          ? "(datum.breakdown == null ? '(none)' : datum.breakdown) + ': ' + datum.path"
          : 'datum.path',
        as: 'label',
      },
    ],
    mark: { type: 'bar', tooltip: true },
    encoding: {
      ...(q.breakdown
        ? { color: { field: 'breakdown', type: 'nominal', title: breakdownTitle(q.breakdown) } }
        : {}),
      y: {
        field: 'label',
        type: 'nominal',
        title: null,
        sort: q.breakdown ? null : { field: 'rank', order: 'ascending' },
        axis: { labelLimit: 420 },
      },
      x: {
        field: 'sessions',
        type: 'quantitative',
        title: 'Sessions that took the path',
        axis: { tickCount: 8, labelOverlap: true },
      },
      tooltip: [
        ...(q.breakdown ? [{ field: 'breakdown', title: breakdownTitle(q.breakdown) }] : []),
        { field: 'rank', title: 'Rank' },
        { field: 'path', title: 'Path' },
        { field: 'sessions', type: 'quantitative', title: 'Sessions', format: ',' },
        { field: 'actors', type: 'quantitative', title: 'Actors', format: ',' },
      ],
    },
  };
}

/** The Vega-Lite spec suited to an insight, over the report's rows. */
export function insightSpec(q: InsightQuery, rows: readonly Row[]): Spec {
  const spec = (() => {
    switch (q.insight) {
      case 'trends':
        return trends(q);
      case 'funnel':
        return funnel(q);
      case 'retention':
        return retention(q, rows);
      case 'stickiness':
        return stickiness(q);
      case 'lifecycle':
        return lifecycle(q);
      case 'paths':
        return paths(q, rows);
    }
  })();
  // Each insight sets its own height (by its rows where they vary): only the width follows the page.
  return { width: 'container', autosize: { type: 'fit-x', contains: 'padding' }, ...spec };
}

/** Conversion over time: the share of those entering step 1 in a period who completed. */
export function overTimeSpec(period: Period): Spec {
  return {
    width: 'container',
    autosize: { type: 'fit-x', contains: 'padding' },
    height: 220,
    transform: [
      // Not like the others: cut short by the range or as_of, or entrants whose window runs past the
      // data (the rate can still rise). Drawn dashed with a hollow point, and said in the tooltip.
      {
        calculate:
          "datum.partial ? 'Period cut short by the range or the data’s end: fewer entered' : (datum.window_closed ? '' : 'Window still open: the rate can rise')",
        as: 'note',
      },
    ],
    encoding: {
      x: dateAxis(`${PERIOD_TITLE[period]} of step 1`, period),
      y: { field: 'conversion', type: 'quantitative', title: 'Converted', axis: { format: '.1%' } },
      tooltip: [
        { field: 'period', type: 'temporal', timeUnit: 'utcyearmonthdate', title: PERIOD_TITLE[period] },
        { field: 'entered', type: 'quantitative', title: 'Entered step 1', format: ',' },
        { field: 'converted', type: 'quantitative', title: 'Completed', format: ',' },
        { field: 'conversion', type: 'quantitative', title: 'Converted', format: '.1%' },
        { field: 'note', title: 'Note' },
      ],
    },
    layer: dashedWhere("datum.note !== ''"),
  };
}

/** Time to convert: those who completed, by the time from step 1 to the last step (bins in words). */
export function timeToConvertSpec(who: string): Spec {
  return {
    width: 'container',
    autosize: { type: 'fit-x', contains: 'padding' },
    height: 220,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: {
        field: 'bin',
        type: 'ordinal',
        title: 'Time from step 1 to the last step',
        sort: { field: 'from_seconds' },
        axis: { labelAngle: -30, labelOverlap: true },
      },
      // Who they are is in the tooltip: with it the title ran into the axis labels.
      y: { field: 'actors', type: 'quantitative', title: 'Completed' },
      tooltip: [
        { field: 'bin', title: 'Time to convert' },
        { field: 'actors', type: 'quantitative', title: who, format: ',' },
      ],
    },
  };
}
