import type { TargetGroupsPageData } from '../../shared/target-groups-data';
import { emptyState, errorState, loadingState } from '../components/states';
import { ApiError } from '../core/api';
import { debounce } from '../core/debounce';
import { h, must, replace } from '../core/dom';
import { fileName } from '../core/download';
import { formatNumber } from '../core/format';
import { readPageData } from '../core/page-data';
import { request, segmentUrl, type TargetGroup } from './api';
import { showDetail } from './detail';

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'CLIENT_ERROR', String(e)));

/** `/target-groups`: the list with search; a row's actions act on it, its name opens the detail. */
export function mountTargetGroupsPage(): void {
  const root = must('.target-groups');
  const list = must('.tg-list', root);
  const detail = must('.tg-detail', root);
  const input = must<HTMLInputElement>('.tg-search', root);
  let search = readPageData<TargetGroupsPageData>().search;
  let selected: string | undefined;

  const load = async () => {
    root.dataset.state = 'loading';
    if (!list.firstChild) replace(list, loadingState());
    try {
      const q = search ? `?${new URLSearchParams({ search })}` : '';
      const { data } = await request<{ data: TargetGroup[] }>('GET', `/v1/segments${q}`);
      replace(list, data.length === 0 ? emptyState(emptyText()) : table(data));
      if (selected && !data.some((g) => g.segment_id === selected)) {
        selected = undefined;
        replace(detail);
      }
      root.dataset.state = 'ready';
    } catch (e) {
      const err = asError(e);
      replace(list, errorState(err.code, err.message));
      root.dataset.state = 'error';
    }
  };
  const emptyText = () =>
    search
      ? `No target group matches “${search}”.`
      : 'No target groups yet: save one from a report slice or a dashboard tile.';

  const act = async (button: HTMLButtonElement, status: HTMLElement, work: () => Promise<void>) => {
    button.disabled = true;
    status.className = 'tg-status';
    status.textContent = 'Working…';
    try {
      await work();
      await load();
      if (selected) await showDetail(detail, selected, load);
    } catch (e) {
      const err = asError(e);
      status.className = 'tg-status is-error';
      status.textContent = `${err.code}: ${err.message}`;
      button.disabled = false;
    }
  };

  const row = (g: TargetGroup) => {
    const status = h('span', { class: 'tg-status' });
    const refresh: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button small tg-refresh',
        on: {
          click: () => act(refresh, status, () => request('POST', segmentUrl(g.segment_id, '/refresh'), {})),
        },
      },
      'Refresh',
    );
    const remove: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: 'button small tg-delete',
        on: {
          click: () => {
            if (
              !window.confirm(`Delete the target group “${g.name}” with its history? This cannot be undone.`)
            )
              return;
            void act(remove, status, () => request('DELETE', segmentUrl(g.segment_id)));
          },
        },
      },
      'Delete',
    );
    const open = h(
      'button',
      {
        type: 'button',
        class: 'link-button tg-open',
        on: {
          click: () => {
            selected = g.segment_id;
            void showDetail(detail, g.segment_id, load);
          },
        },
      },
      g.name,
    );
    return h(
      'tr',
      { dataset: { segment: g.segment_id }, class: selected === g.segment_id ? 'is-selected' : undefined },
      h('td', {}, open, g.description ? h('div', { class: 'muted tg-description' }, g.description) : null),
      h('td', { class: 'tg-definition' }, g.definition_text),
      h('td', { class: 'num tg-count' }, formatNumber(g.member_count, 'integer')),
      h('td', { class: 'tg-refreshed' }, g.refreshed_at.slice(0, 16)),
      h('td', { class: 'tg-schedule' }, g.schedule ? `${g.schedule.cron} (${g.schedule.timezone})` : '—'),
      h(
        'td',
        {},
        h(
          'div',
          { class: 'tg-actions' },
          refresh,
          h(
            'a',
            {
              class: 'button small tg-export',
              href: segmentUrl(g.segment_id, '/members'),
              download: `${fileName(g.segment_id)}.csv`,
            },
            'Export CSV',
          ),
          remove,
          status,
        ),
      ),
    );
  };

  const table = (groups: TargetGroup[]) =>
    h(
      'div',
      { class: 'panel table-scroll' },
      h(
        'table',
        { class: 'data-table tg-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Name', 'Definition', 'Members', 'Last refresh', 'Schedule', 'Actions'].map((t) =>
              h('th', { scope: 'col', class: t === 'Members' ? 'num' : undefined }, t),
            ),
          ),
        ),
        h('tbody', {}, groups.map(row)),
      ),
    );

  const onSearch = debounce(() => {
    search = input.value.trim();
    const url = new URL(window.location.href);
    if (search) url.searchParams.set('search', search);
    else url.searchParams.delete('search');
    history.replaceState(null, '', url);
    void load();
  }, 250);
  input.addEventListener('input', onSearch);
  must('form', root).addEventListener('submit', (e) => {
    e.preventDefault();
    onSearch();
  });
  void load();
}
