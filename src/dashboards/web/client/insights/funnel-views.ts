import type { Field, Row } from '../api-types';
import { dataTable } from '../components/data-table';
import { h } from '../core/dom';
import { overTimeSpec, timeToConvertSpec } from './chart-spec';
import { correlationRows, durationWords, type FunnelAnswer } from './funnel-result';
import type { InsightQuery } from './state';
import { actorPlural, listWords, PERIOD_ADJECTIVE, shortPeriod, windowWords } from './words';

/** A chart to draw once its element is on the page. */
export interface PendingChart {
  readonly element: HTMLElement;
  readonly spec: Record<string, unknown>;
  readonly rows: readonly Row[];
}

const CORRELATION_FIELDS: Field[] = [
  { name: 'variable', title: 'Event or property value', kind: 'nominal' },
  { name: 'kind', title: 'Kind', kind: 'nominal' },
  { name: 'completed_with', title: 'Completed with it', kind: 'quantitative' },
  { name: 'dropped_with', title: 'Dropped with it', kind: 'quantitative' },
  { name: 'odds_ratio', title: 'Odds ratio', kind: 'quantitative' },
  { name: 'p_value', title: 'p-value', kind: 'nominal' },
  { name: 'significant', title: 'Significant', kind: 'nominal' },
  { name: 'direction', title: 'Goes with', kind: 'nominal' },
];

const chartBox = (label: string) =>
  h('div', { class: 'insight-chart insight-chart-small', role: 'img', 'aria-label': label });

/**
 * What makes a period of conversion over time unlike the others, in words under the chart (the
 * chart draws those periods dashed): cut short by the range or as_of, or entrants whose window
 * had not closed.
 */
function overTimeNotes(
  rows: NonNullable<FunnelAnswer['over_time']>,
  period: 'day' | 'week' | 'month',
  window: string,
): HTMLElement[] {
  const label = (r: { period: string }) => shortPeriod(r.period, period);
  const cut = rows.filter((r) => r.partial).map(label);
  // The periods whose window is open are the last ones (they end within W of as_of).
  const open = rows.filter((r) => !r.window_closed).map(label);
  const openWords =
    open.length <= 1 ? open.join('') : `the last ${open.length} ${period}s (${open[0]} to ${open.at(-1)})`;
  const notes: string[] = [];
  if (cut.length > 0)
    notes.push(
      `${listWords(cut)} ${cut.length === 1 ? 'is' : 'are'} cut short by the range or the data’s end, so fewer entered than in a whole ${period}.`,
    );
  if (open.length > 0)
    notes.push(
      `In ${openWords} some entered less than ${windowWords(window)} before the data ends: they could still convert, so the rate reads low.`,
    );
  return notes.length === 0
    ? []
    : [h('p', { class: 'muted', dataset: { note: 'over-time' } }, `Dashed: ${notes.join(' ')}`)];
}

/**
 * The histogram's scale in words: its bins are equal widths from the fastest to the slowest (as
 * PostHog's), so a few slow converters squeeze everyone else into the first bars; the median and
 * the 90th percentile of the last step say where most are.
 */
function timeToConvertNote(answer: FunnelAnswer): HTMLElement[] {
  const bins = answer.time_to_convert ?? [];
  const last = answer.steps.at(-1);
  const median = last?.['median_seconds_to_step'];
  const p90 = last?.['p90_seconds_to_step'];
  if (bins.length === 0 || typeof median !== 'number' || typeof p90 !== 'number') return [];
  return [
    h(
      'p',
      { class: 'muted', dataset: { note: 'time-to-convert' } },
      `Median ${durationWords(median)}, 90% within ${durationWords(p90)}. ` +
        `The ${bins.length} bins are equal widths from the fastest (${durationWords(bins[0]!.from_seconds)}) ` +
        `to the slowest (${durationWords(bins.at(-1)!.to_seconds)}).`,
    ),
  ];
}

/**
 * The funnel's extra views the query asked for, each a section under the steps: conversion over
 * time (a line), time to convert (a histogram) and correlation (a table, most telling first).
 */
export function funnelViews(
  q: InsightQuery,
  answer: FunnelAnswer,
): { sections: HTMLElement[]; charts: PendingChart[] } {
  const sections: HTMLElement[] = [];
  const charts: PendingChart[] = [];
  const who = actorPlural(q.actor);
  if (q.overTime && answer.over_time) {
    const rows = answer.over_time.map((r) => ({ ...r }));
    const chart = chartBox('Conversion over time');
    sections.push(
      h(
        'section',
        { class: 'insight-view', dataset: { view: 'over-time' } },
        h(
          'h2',
          {},
          `Conversion over time (${PERIOD_ADJECTIVE[q.overTime].toLowerCase()}, by the period of step 1)`,
        ),
        rows.length > 0 ? chart : h('p', { class: 'muted' }, 'Nobody entered the funnel in the range.'),
        ...overTimeNotes(answer.over_time, q.overTime, answer.window.text),
      ),
    );
    if (rows.length > 0) charts.push({ element: chart, spec: overTimeSpec(q.overTime), rows });
  }
  if (q.timeToConvert && answer.time_to_convert) {
    const rows = answer.time_to_convert.map((b) => ({
      ...b,
      bin: `${durationWords(b.from_seconds)}–${durationWords(b.to_seconds)}`,
    }));
    const chart = chartBox('Time to convert');
    sections.push(
      h(
        'section',
        { class: 'insight-view', dataset: { view: 'time-to-convert' } },
        h('h2', {}, 'Time to convert (step 1 to the last step, those who completed)'),
        rows.length > 0 ? chart : h('p', { class: 'muted' }, 'Nobody completed the funnel in the range.'),
        ...timeToConvertNote(answer),
      ),
    );
    if (rows.length > 0) charts.push({ element: chart, spec: timeToConvertSpec(who), rows });
  }
  if (q.correlation && answer.correlation) {
    const c = answer.correlation;
    const rows = correlationRows(answer);
    sections.push(
      h(
        'section',
        { class: 'insight-view insight-correlation', dataset: { view: 'correlation' } },
        h('h2', {}, `Correlation with converting (${rows.length.toLocaleString('en-GB')})`),
        h(
          'p',
          { class: 'muted' },
          `Of ${(c.successes + c.failures).toLocaleString('en-GB')} ${who} who entered, ${c.successes.toLocaleString('en-GB')} completed. ` +
            'An odds ratio above 1: those with the event (done after step 1) or the value complete more often; ' +
            'significant: p below 0.05 after correcting for every variable tested. Most telling first.',
        ),
        rows.length > 0
          ? dataTable(CORRELATION_FIELDS, rows)
          : h('p', { class: 'muted' }, 'Nothing to correlate.'),
      ),
    );
  }
  return { sections, charts };
}
