import type { DashboardPageData } from '../../shared/page-data';
import { must } from '../core/dom';
import { readPageData } from '../core/page-data';
import { renderFilterBar } from './filter-bar';
import { apiFilters, type FilterValues, pageSearch, readFilters, withValue } from './filter-state';
import { DashboardTile } from './tile';

/** Set on the performance timeline the first time every tile has settled (tests read it). */
export const READY_MARK = 'rapport:dashboard-ready';

/**
 * The dashboard page: the filter bar, and every tile loading on its own. The filters live in
 * the URL; a change pushes a history entry and reloads every tile, and the back button
 * restores the previous filters.
 */
export function mountDashboardPage(): void {
  const data = readPageData<DashboardPageData>();
  const root = must('.dashboard');
  const bar = must('.filter-bar', root);
  let values: FilterValues = readFilters(data.filters, window.location.search);
  let generation = 0;

  const host = {
    dashboard: data.id,
    filterDefs: data.filters,
    filters: () => apiFilters(data.filters, values),
    setFilter: (name: string, value: string) => change(withValue(values, name, [value])),
  };
  const tiles = data.tiles.map((layout) => {
    const el = must(`.tile[data-tile="${CSS.escape(layout.name)}"]`, root);
    return new DashboardTile(host, layout, el);
  });

  function refresh(): void {
    const mine = ++generation;
    root.dataset.state = 'loading';
    renderFilterBar(bar, data.filters, values, change);
    void Promise.allSettled(tiles.map((t) => t.load())).then(() => {
      if (mine !== generation) return;
      root.dataset.state = 'ready';
      if (performance.getEntriesByName(READY_MARK).length === 0) performance.mark(READY_MARK);
    });
  }

  function change(next: FilterValues): void {
    values = next;
    const search = pageSearch(data.filters, values);
    if (search !== window.location.search)
      history.pushState(null, '', `${window.location.pathname}${search}`);
    refresh();
  }

  window.addEventListener('popstate', () => {
    values = readFilters(data.filters, window.location.search);
    refresh();
  });
  refresh();
}
