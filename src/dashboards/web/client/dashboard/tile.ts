import type { FilterDefinition, TileLayout } from '../../shared/page-data';
import type { Row, TileResult } from '../api-types';
import { dataTable } from '../components/data-table';
import { menuButton } from '../components/menu';
import { emptyState, errorState, loadingState } from '../components/states';
import { type ChartHandle, highlighted, renderChart } from '../components/vega-chart';
import { ApiError, isAbort } from '../core/api';
import { h, replace } from '../core/dom';
import { formatCell } from '../core/format';
import { clickAction, clickHint, drillRow } from './click-action';
import { type DrillValue, drillValue, encodeDrillPath } from './drill-state';
import { kpiView } from './kpi-view';
import { openRecords } from './records-panel';
import { segmentBar } from './save-segment-panel';
import { crumbLabel, tileBreadcrumb } from './tile-breadcrumb';
import { exportItems } from './tile-export';
import { fetchTile } from './tile-source';

export type TileState = 'loading' | 'ready' | 'empty' | 'error';

/** What a tile needs from its dashboard. */
export interface TileHost {
  readonly dashboard: string;
  readonly filterDefs: readonly FilterDefinition[];
  /** The current filters as the API takes them. */
  filters(): Record<string, string>;
  /** Sets one dimension filter (a click on a mark that holds a filter's value). */
  setFilter(name: string, value: string): void;
  /** The user drilled down or went back up: the page records the path in the URL and history. */
  navigate(tile: string, path: readonly DrillValue[]): void;
  /** A drill-down from the URL did not apply and was dropped: the page drops it from the URL. */
  dropped(tile: string): void;
}

/**
 * One dashboard tile: fetches its result for the dashboard's filters, draws it (KPI, table or
 * chart) or says why it cannot, and handles clicks on marks: drill-down with a breadcrumb,
 * picking a target group, or setting a dashboard filter.
 */
export class DashboardTile {
  private result?: TileResult;
  private path: readonly DrillValue[] = [];
  private selected: unknown;
  private chart?: ChartHandle;
  private request?: AbortController;
  private readonly crumbs = h('div', { class: 'tile-crumbs' });
  private readonly selection = h('div', { class: 'tile-selection' });
  private readonly body = h('div', { class: 'tile-body' }, loadingState());
  private readonly footer = h('footer', { class: 'tile-footer' });
  private readonly notice = h('p', { class: 'tile-notice', role: 'status' });

  constructor(
    private readonly host: TileHost,
    private readonly layout: TileLayout,
    readonly element: HTMLElement,
  ) {
    const menu = menuButton(`${layout.title}: actions`, () =>
      this.result
        ? exportItems({
            dashboard: host.dashboard,
            tile: this.result,
            filters: host.filters(),
            drilled: this.path.length > 0,
            chart: this.chart,
            onError: (m) => this.say(m),
          })
        : [],
    );
    const info = layout.description
      ? h('span', { class: 'tile-info', title: layout.description, 'aria-label': layout.description }, 'i')
      : null;
    replace(
      element,
      h(
        'header',
        { class: 'tile-header' },
        h('div', { class: 'tile-heading' }, h('h2', { class: 'tile-title' }, layout.title), info),
        menu,
      ),
      this.crumbs,
      this.selection,
      this.body,
      this.notice,
      this.footer,
    );
  }

  get name(): string {
    return this.layout.name;
  }

  /** The drill-down shown (empty at the top level). */
  get drillPath(): readonly DrillValue[] {
    return this.path;
  }

  /**
   * Loads the tile for the dashboard's current filters, drilled along `path` (from the URL).
   * A path the server refuses (a member that is not the tile's drill level, a tile that does
   * not drill) is dropped with a note, and the tile shows its top level.
   */
  load(path: readonly DrillValue[] = []): Promise<void> {
    this.setPath(path);
    this.selected = undefined;
    return this.fetch(path.length > 0);
  }

  private setPath(path: readonly DrillValue[]): void {
    this.path = path;
    this.element.dataset['drill'] = encodeDrillPath(path);
  }

  private async fetch(fromUrl = false): Promise<void> {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    this.setState('loading');
    this.notice.textContent = '';
    let result: TileResult;
    try {
      result = await fetchTile(
        this.host.dashboard,
        this.layout.name,
        this.host.filters(),
        this.path,
        request.signal,
      );
    } catch (e) {
      if (isAbort(e) || request.signal.aborted) return;
      const err = e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e));
      if (fromUrl && err.status >= 400 && err.status < 500) return this.dropPath(err.message);
      this.result = undefined;
      this.showError(err.code, err.message);
      return;
    }
    if (request.signal.aborted) return;
    this.result = result;
    await this.draw();
  }

  private async draw(): Promise<void> {
    const r = this.result!;
    this.chart?.finalize();
    this.chart = undefined;
    replace(this.crumbs, this.path.length > 0 ? tileBreadcrumb(this.path, (d) => this.goUp(d)) : null);
    this.drawSelection();
    this.drawFooter(r);
    if (r.error) return this.showError(r.error.code, r.error.message);
    if (r.chart === 'kpi') {
      replace(this.body, kpiView(r));
      return this.setState(r.kpi?.value === null || r.kpi?.value === undefined ? 'empty' : 'ready');
    }
    if (r.data.length === 0) {
      replace(this.body, emptyState());
      return this.setState('empty');
    }
    if (r.chart === 'table') {
      replace(this.body, dataTable(r.fields, r.data));
      return this.setState('ready');
    }
    if (!r.spec) return this.showError('NO_CHART', 'This tile has no chart to draw.');
    const holder = h('div', { class: 'chart' });
    replace(this.body, holder);
    const group = r.save_segment?.field;
    const spec = group && this.selected !== undefined ? highlighted(r.spec, group, this.selected) : r.spec;
    try {
      this.chart = await renderChart(holder, spec, r.data, (row) => this.onMarkClick(row));
      this.setState('ready');
    } catch (e) {
      this.showError('CHART_FAILED', (e as Error).message);
    }
  }

  private async dropPath(reason: string): Promise<void> {
    const ignored = this.path.map(crumbLabel).join(' › ');
    this.setPath([]);
    this.host.dropped(this.layout.name);
    await this.fetch();
    this.say(`The link's drill-down (${ignored}) does not apply to this tile and was ignored: ${reason}`);
  }

  private onMarkClick(row: Row): void {
    const r = this.result;
    if (!r) return;
    const action = clickAction(r, row, this.host.filterDefs);
    if (action.kind === 'select') {
      this.selected = this.selected === action.value ? undefined : action.value;
      void this.draw();
    } else if (action.kind === 'drill') {
      const member = r.drill!.member;
      this.go([...this.path, drillValue(member, action.row[member])]);
    } else if (action.kind === 'records') {
      this.openRecords(r, action.row);
    } else if (action.kind === 'filter') {
      this.host.setFilter(action.filter, action.value);
    }
  }

  private goUp(depth: number): void {
    this.go(this.path.slice(0, depth));
  }

  /** A drill-down or a step back up: a new history entry, then the tile at that level. */
  private go(path: readonly DrillValue[]): void {
    this.setPath(path);
    this.selected = undefined;
    this.host.navigate(this.layout.name, path);
    void this.fetch();
  }

  private openRecords(r: TileResult, row: Row): void {
    const mark = r.fields
      .filter((f) => f.kind !== 'quantitative' && f.name in row)
      .map((f) => (row[f.name] === null ? '(unknown)' : formatCell(row[f.name], f)));
    openRecords(
      {
        dashboard: this.host.dashboard,
        tile: this.layout.name,
        filters: this.host.filters(),
        path: this.path,
        row: drillRow(r, row),
      },
      { title: this.layout.title, trail: ['All', ...this.path.map(crumbLabel), mark.join(' · ')] },
    );
  }

  private drawSelection(): void {
    const r = this.result;
    if (!r?.save_segment || this.selected === undefined) {
      replace(this.selection);
      return;
    }
    replace(
      this.selection,
      segmentBar({
        dashboard: this.host.dashboard,
        tile: r,
        value: this.selected,
        filters: this.host.filters(),
        onClear: () => {
          this.selected = undefined;
          void this.draw();
        },
      }),
    );
  }

  private drawFooter(r: TileResult): void {
    const ignored = r.ignored.map((name) => this.host.filterDefs.find((f) => f.name === name)?.title ?? name);
    const hint = this.selected === undefined ? clickHint(r, this.host.filterDefs) : undefined;
    replace(
      this.footer,
      ignored.length > 0
        ? h(
            'span',
            { class: 'ignored-filters', title: 'These dashboard filters do not apply to this tile' },
            `Not filtered by ${ignored.join(', ')}`,
          )
        : null,
      hint ? h('span', { class: 'click-hint' }, hint) : null,
    );
  }

  private showError(code: string, message: string): void {
    replace(this.body, errorState(code, message));
    this.setState('error');
  }

  private say(message: string): void {
    this.notice.textContent = message;
  }

  private setState(state: TileState): void {
    this.element.dataset.state = state;
    this.element.classList.toggle('is-loading', state === 'loading');
    this.element.setAttribute('aria-busy', String(state === 'loading'));
  }

  get state(): TileState {
    return (this.element.dataset.state as TileState | undefined) ?? 'loading';
  }
}
