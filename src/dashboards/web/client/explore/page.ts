import type { Meta } from '../api-types';
import { errorState } from '../components/states';
import { ApiError, getJson, isAbort } from '../core/api';
import { copyText } from '../core/clipboard';
import { h, must, replace } from '../core/dom';
import { type Question, questionsApi } from '../questions/question-api';
import { curlCommand, queryJson } from './copy-formats';
import type { Edit } from './filter-editor';
import { memberBrowser } from './member-browser';
import { type CatalogMember, MemberCatalog } from './member-catalog';
import { orderable } from './order-editor';
import { renderQueryBuilder } from './query-builder';
import {
  type ExploreQuery,
  emptyQuery,
  fromCubeQuery,
  isRunnable,
  queryUrl,
  readQueryFromUrl,
  toCubeQuery,
} from './query-model';
import { ResultsView } from './results-view';
import { runQuery } from './run-query';
import { saveQuestionControl } from './save-question';

function toggle(list: string[], name: string): void {
  const i = list.indexOf(name);
  if (i >= 0) list.splice(i, 1);
  else list.push(name);
}

function applyPick(q: ExploreQuery, m: CatalogMember): void {
  if (m.kind === 'measure') toggle(q.measures, m.name);
  else if (m.kind === 'dimension') toggle(q.dimensions, m.name);
  else if (m.kind === 'segment') toggle(q.segments, m.name);
  else if (q.dimensions.includes(m.name)) toggle(q.dimensions, m.name);
  else if (q.time?.dimension === m.name) q.time = undefined;
  else
    q.time = { dimension: m.name, granularity: q.time?.granularity ?? 'month', dateRange: q.time?.dateRange };
  // A sort on a member the query no longer selects would be refused.
  const still = new Set(orderable(q));
  q.order = q.order.filter(([name]) => still.has(name));
}

/**
 * Explore: the member browser, the query builder and the results. The query lives in the URL
 * (`?query=<json>`), so a link opens the same question, and "Open in Explore" from a tile works.
 */
export async function mountExplorePage(): Promise<void> {
  const root = must('.explore');
  const sidebar = must('.member-browser', root);
  const builder = must('.query-builder', root);
  const results = new ResultsView(must('.results', root));
  const copied = h('span', { class: 'muted small copy-status', role: 'status' });
  const runButton = h('button', { type: 'button', class: 'button primary' }, 'Run query');
  const actions = h(
    'div',
    { class: 'builder-actions' },
    runButton,
    h(
      'button',
      { type: 'button', class: 'button', on: { click: () => copy('JSON', queryJson(toCubeQuery(q))) } },
      'Copy JSON',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button',
        on: { click: () => copy('curl command', curlCommand(location.origin, toCubeQuery(q))) },
      },
      'Copy curl',
    ),
    copied,
  );
  builder.after(actions);

  // `?question=ID` opens a saved question: its query and chart; the address keeps naming it.
  let questionId = new URLSearchParams(location.search).get('question') ?? undefined;
  let opened: Question | undefined;
  let fromUrl = readQueryFromUrl(location.search);
  if (questionId) {
    try {
      opened = await questionsApi.get(questionId);
      // An edited query in the address (after a reload) wins over the saved one.
      if (!new URLSearchParams(location.search).has('query')) fromUrl = fromCubeQuery(opened.query);
      results.chartSettings = opened.chart;
      must('.page-header h1', root).textContent = opened.name;
    } catch (e) {
      fromUrl = { error: `The saved question could not be opened: ${(e as Error).message}` };
      questionId = undefined;
    }
  }
  const q: ExploreQuery = 'error' in fromUrl ? emptyQuery() : fromUrl;
  const addressOf = (url: string) =>
    questionId ? `${url}${url.includes('?') ? '&' : '?'}question=${encodeURIComponent(questionId)}` : url;
  actions.insertBefore(
    saveQuestionControl({
      opened,
      query: () => toCubeQuery(q),
      chart: () => results.chartSettings,
      saved: (saved) => {
        questionId = saved.id;
        must('.page-header h1', root).textContent = saved.name;
        history.replaceState(null, '', addressOf(queryUrl(q)));
      },
    }),
    copied,
  );
  let request: AbortController | undefined;

  async function copy(what: string, text: string) {
    try {
      await copyText(text);
      copied.textContent = `Copied the ${what}.`;
    } catch (e) {
      copied.textContent = `Could not copy: ${(e as Error).message}`;
    }
    setTimeout(() => {
      copied.textContent = '';
    }, 2500);
  }

  let meta: Meta;
  try {
    meta = await getJson<Meta>('/v1/meta');
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
    replace(sidebar, errorState(err.code, `The model could not be loaded: ${err.message}`));
    root.dataset.state = 'error';
    return;
  }
  const catalog = new MemberCatalog(meta);
  const browser = memberBrowser(sidebar, catalog, (m) => {
    applyPick(q, m);
    changed(true);
  });

  const edit: Edit = { redraw: () => changed(true), keep: () => changed(false) };
  function changed(redraw: boolean) {
    history.replaceState(null, '', addressOf(queryUrl(q)));
    if (redraw) draw();
    root.dataset.stale = 'true';
  }
  function draw() {
    renderQueryBuilder(builder, catalog, q, edit);
    browser.update(q);
    runButton.disabled = !isRunnable(q);
  }

  async function run() {
    if (!isRunnable(q)) return results.showMessage('Pick a measure or a dimension, then run the query.');
    request?.abort();
    const mine = new AbortController();
    request = mine;
    root.dataset.state = 'running';
    delete root.dataset.stale;
    runButton.disabled = true;
    try {
      results.showRun(await runQuery(toCubeQuery(q), mine.signal));
      root.dataset.state = 'ready';
    } catch (e) {
      if (isAbort(e)) return;
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
      results.showError(err.code, err.message);
      root.dataset.state = 'error';
    } finally {
      if (request === mine) runButton.disabled = !isRunnable(q);
    }
  }
  runButton.addEventListener('click', () => void run());
  builder.addEventListener('keydown', (e) => {
    // Enter in a text field runs the query, as in a search form.
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
      e.preventDefault();
      void run();
    }
  });

  draw();
  root.dataset.state = 'idle';
  if ('error' in fromUrl) results.showError('BAD_LINK', fromUrl.error);
  else if (isRunnable(q)) void run();
  else results.showMessage('Pick measures and dimensions on the left, then run the query.');
}
