import type { MemberValues, Row } from '../api-types';
import { errorState, loadingState } from '../components/states';
import { renderChart } from '../components/vega-chart';
import { ApiError, getJson, isAbort, postJson } from '../core/api';
import { h, must, replace } from '../core/dom';
import { insightSpec } from './chart-spec';
import { BREAKDOWN_LIST_ID, EVENT_LIST_ID, insightForm, propertyChoices } from './form';
import { type FunnelAnswer, funnelRows } from './funnel-result';
import { funnelViews, type PendingChart } from './funnel-views';
import { type ReportRows, runInsight } from './run';
import { saveFunnelSection } from './save-funnel';
import { savePathsSection } from './save-path';
import { saveRetentionSection } from './save-retention';
import {
  DEFAULT_QUERY,
  type InsightQuery,
  normalized,
  queryFromSearch,
  queryUrl,
  requestBody,
  SHAPES,
} from './state';
import { reportTable } from './table';
import { breakdownTitle, describe } from './words';

/** Stickiness's chart sums whole periods only: nothing to say of the cut ones. */
const NOT_CUT = { first: false, last: false };

/**
 * Whether the first and the last period are incomplete. Rows with a period (trends, lifecycle)
 * say it per period; retention's cells have no period of their own, and only the last calendar
 * period can cut them.
 */
function cutEnds(rows: readonly Row[], periods: readonly string[]): { first: boolean; last: boolean } {
  const partial = rows.filter((r) => r['partial'] === true);
  if (partial.length === 0) return NOT_CUT;
  const cut = new Set(partial.map((r) => r['period']).filter((p): p is string => typeof p === 'string'));
  if (cut.size === 0) return { first: false, last: true };
  const sorted = [...new Set(periods)].sort();
  return { first: cut.has(sorted[0]!), last: cut.has(sorted.at(-1)!) };
}

/** The events present in web_events, for the event inputs' suggestions. */
async function fillEventList(list: HTMLDataListElement): Promise<void> {
  try {
    const answer = await getJson<MemberValues>('/v1/meta/values?member=web_events.event');
    replace(
      list,
      answer.values.map((v) => h('option', { value: String(v) })),
    );
  } catch {
    // Suggestions only: typing still works, and the report names the events if one is wrong.
  }
}

/**
 * The breakdown and property suggestions: the keys of the event properties present (read from a
 * sample of the distinct property objects) with the customer dimensions.
 */
async function fillBreakdownList(list: HTMLDataListElement): Promise<void> {
  let keys: string[] = [];
  try {
    const answer = await getJson<MemberValues>('/v1/meta/values?member=web_events.properties&limit=1000');
    keys = answer.values.flatMap((v) => {
      try {
        const o = JSON.parse(String(v)) as unknown;
        return typeof o === 'object' && o !== null && !Array.isArray(o) ? Object.keys(o) : [];
      } catch {
        return [];
      }
    });
  } catch {
    // Suggestions only: the fixed ones below still show.
  }
  replace(
    list,
    propertyChoices(keys).map((c) => h('option', { value: c.value }, c.label)),
  );
}

/**
 * `/insights`: pick an insight and its events, run it, see the chart and the report's rows.
 * The query lives in the URL (`?q=`): a reload or shared link shows the same answer, and
 * Back/Forward step through the queries run.
 */
export function mountInsightsPage(): void {
  const root = must('.insights');
  const result = must('.insight-result', root);
  const eventList = h('datalist', { id: EVENT_LIST_ID });
  const breakdownList = h('datalist', { id: BREAKDOWN_LIST_ID });
  root.append(eventList, breakdownList);
  void fillEventList(eventList);
  void fillBreakdownList(breakdownList);

  let controller: AbortController | undefined;
  let finalize: (() => void)[] = [];

  const show = async (q: InsightQuery) => {
    controller?.abort();
    const ac = new AbortController();
    controller = ac;
    root.dataset.state = 'loading';
    root.dataset.insight = q.insight;
    document.title = `${SHAPES[q.insight].title}: ${q.events.join(' → ')} · Insights · rapport`;
    replace(result, loadingState('Running the report…'));
    let answer: ReportRows;
    // The funnel's JSON holds its extra views (over time, time to convert, correlation) and as_of.
    let funnel: FunnelAnswer | undefined;
    try {
      if (q.insight === 'funnel') {
        funnel = await postJson<FunnelAnswer>('/v1/reports/funnel', requestBody(q), ac.signal);
        answer = funnelRows(funnel);
      } else answer = await runInsight(q.insight, requestBody(q), ac.signal);
    } catch (e) {
      if (isAbort(e)) return;
      const error = e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e));
      replace(result, errorState(`${error.code} (${error.status})`, error.message));
      root.dataset.state = 'error';
      return;
    }
    if (ac.signal.aborted) return;
    for (const f of finalize) f();
    finalize = [];
    const periods = answer.rows
      .map((r) => r['period'] ?? r['cohort'])
      .filter((p): p is string => typeof p === 'string');
    // Breakdown values as shown: a missing value (NULL is a value) reads "(none)", not "null".
    // The saved target groups keep the report's own rows (null is what the API takes).
    const shown: ReportRows = q.breakdown
      ? { ...answer, rows: answer.rows.map((r) => ({ ...r, breakdown: r['breakdown'] ?? '(none)' })) }
      : answer;
    const chart = h('div', {
      class: 'insight-chart',
      role: 'img',
      'aria-label': `${SHAPES[q.insight].title} chart`,
    });
    replace(
      result,
      h(
        'p',
        { class: 'insight-summary' },
        describe(
          q,
          periods,
          q.insight === 'stickiness' ? NOT_CUT : cutEnds(answer.rows, periods),
          funnel?.as_of ?? undefined,
        ),
      ),
      answer.rows.length === 0
        ? h('div', { class: 'state state-empty' }, h('p', {}, 'No events match this query in the range.'))
        : chart,
      h(
        'section',
        { class: 'insight-rows', 'aria-label': 'The report’s rows' },
        h('h2', {}, `Rows (${answer.rows.length.toLocaleString('en-GB')})`),
        reportTable(shown, q.breakdown ? `${breakdownTitle(q.breakdown)} (breakdown)` : undefined),
      ),
      ...(q.insight === 'paths' && answer.rows.length > 0 ? [savePathsSection(q, answer.rows)] : []),
      ...(q.insight === 'retention' && answer.rows.length > 0 ? [saveRetentionSection(q, answer.rows)] : []),
    );
    const charts: PendingChart[] =
      answer.rows.length > 0 ? [{ element: chart, spec: insightSpec(q, shown.rows), rows: shown.rows }] : [];
    if (funnel) {
      const views = funnelViews(q, funnel);
      result.append(...views.sections);
      if (funnel.steps.length > 0) result.append(saveFunnelSection(q, funnel.steps));
      charts.push(...views.charts);
    }
    for (const c of charts) {
      try {
        const handle = await renderChart(c.element, c.spec, c.rows);
        finalize.push(() => handle.finalize());
      } catch (e) {
        replace(c.element, errorState('CHART', e instanceof Error ? e.message : String(e)));
      }
    }
    if (!ac.signal.aborted) root.dataset.state = 'ready';
  };

  const initial = queryFromSearch(location.search) ?? DEFAULT_QUERY;
  const form = insightForm(initial, (typed) => {
    const q = normalized(typed);
    const url = queryUrl(q);
    if (url !== `${location.pathname}${location.search}`) history.pushState(null, '', url);
    form.set(q);
    void show(q);
  });
  must('.insight-query', root).append(form.element);
  // The URL always holds the query shown, so a reload shows the same answer.
  history.replaceState(null, '', queryUrl(initial));
  window.addEventListener('popstate', () => {
    const q = queryFromSearch(location.search) ?? DEFAULT_QUERY;
    form.set(q);
    void show(q);
  });
  void show(initial);
}
