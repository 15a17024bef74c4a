import type { DashboardPageData } from '../../shared/page-data';
import { h, must, replace } from '../core/dom';
import { readPageData } from '../core/page-data';
import { subscribeToggle } from '../subscriptions/form';
import { type DrillProblem, type DrillValue, drillParams, readDrills, samePath } from './drill-state';
import { renderFilterBar } from './filter-bar';
import { apiFilters, type FilterValues, pageSearch, readFilters, withValue } from './filter-state';
import { mountPageActions } from './page-actions';
import { DashboardTile } from './tile';

/** Set on the performance timeline the first time every tile has settled (tests read it). */
export const READY_MARK = 'rapport:dashboard-ready';

/**
 * The dashboard page: the filter bar, and every tile loading on its own. The filters and each
 * tile's drill-down live in the URL (drill-state.ts): a filter change, a drill-down and a step
 * back up each push a history entry, and Back, Forward, a reload or a shared link show that view.
 * A filter change keeps the drill-downs; "Reset filters" resets the filters only.
 */
export function mountDashboardPage(): void {
  const data = readPageData<DashboardPageData>();
  const root = must('.dashboard');
  const bar = must('.filter-bar', root);
  const notes = h('div', { class: 'dashboard-notes', role: 'status' });
  bar.after(notes);
  const names = data.tiles.map((t) => t.name);
  let values: FilterValues = readFilters(data.filters, window.location.search);
  let drills = new Map<string, readonly DrillValue[]>();
  let generation = 0;

  const url = () =>
    `${window.location.pathname}${pageSearch(data.filters, values, drillParams(drills, names))}`;

  const host = {
    dashboard: data.id,
    filterDefs: data.filters,
    filters: () => apiFilters(data.filters, values),
    setFilter: (name: string, value: string) => change(withValue(values, name, [value])),
    navigate(tile: string, path: readonly DrillValue[]) {
      drills = new Map(drills);
      if (path.length > 0) drills.set(tile, path);
      else drills.delete(tile);
      replace(notes);
      const next = url();
      if (next !== `${window.location.pathname}${window.location.search}`) history.pushState(null, '', next);
    },
    dropped(tile: string) {
      drills = new Map(drills);
      drills.delete(tile);
      history.replaceState(null, '', url());
    },
  };
  const tiles = data.tiles.map((layout) => {
    const el = must(`.tile[data-tile="${CSS.escape(layout.name)}"]`, root);
    return new DashboardTile(host, layout, el);
  });

  /** Reads the drill-downs of the URL; what cannot be used is named in a note and left out of the URL. */
  function readUrlDrills(): void {
    const read = readDrills(window.location.search, names);
    drills = read.paths;
    showProblems(read.problems);
    if (read.problems.length > 0) history.replaceState(null, '', url());
  }

  function showProblems(problems: readonly DrillProblem[]): void {
    replace(
      notes,
      problems.map((p) =>
        h(
          'p',
          { class: 'dashboard-note', dataset: { tile: p.tile } },
          `The link's drill-down of tile “${p.tile}” was ignored: ${p.message}.`,
        ),
      ),
    );
  }

  function settle(loads: Promise<void>[]): void {
    const mine = ++generation;
    root.dataset.state = 'loading';
    void Promise.allSettled(loads).then(() => {
      if (mine !== generation) return;
      root.dataset.state = 'ready';
      if (performance.getEntriesByName(READY_MARK).length === 0) performance.mark(READY_MARK);
    });
  }

  function refresh(): void {
    renderFilterBar(bar, data.filters, values, change);
    settle(tiles.map((t) => t.load(drills.get(t.name) ?? [])));
  }

  function change(next: FilterValues): void {
    values = next;
    const target = url();
    if (target !== `${window.location.pathname}${window.location.search}`)
      history.pushState(null, '', target);
    refresh();
  }

  window.addEventListener('popstate', () => {
    const before = pageSearch(data.filters, values);
    values = readFilters(data.filters, window.location.search);
    readUrlDrills();
    if (pageSearch(data.filters, values) !== before) return refresh();
    // Only the drill-downs changed: reload the tiles whose path did.
    const changed = tiles.filter((t) => !samePath(t.drillPath, drills.get(t.name) ?? []));
    settle(changed.map((t) => t.load(drills.get(t.name) ?? [])));
  });
  mountPageActions(root, data.id);
  // Subscribing sends the dashboard with the filters as they stand when the form is sent.
  const header = must('.page-header', root);
  must('.page-actions', header).append(
    subscribeToggle(
      header,
      () => ({ dashboard: data.id, filters: apiFilters(data.filters, values) }),
      data.title,
    ),
  );
  readUrlDrills();
  refresh();
}
