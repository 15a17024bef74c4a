import { h, replace } from '../core/dom';
import { type Edit, filterRow } from './filter-editor';
import type { MemberCatalog } from './member-catalog';
import { orderEditor } from './order-editor';
import type { ExploreQuery } from './query-model';
import { timeEditor } from './time-editor';

function section(title: string, ...body: (Node | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'builder-section' },
    h('p', { class: 'section-label' }, title),
    h('div', { class: 'section-body' }, body),
  );
}

function chips(
  catalog: MemberCatalog,
  names: string[],
  empty: string,
  edit: Edit,
  kind: string,
): HTMLElement {
  if (names.length === 0) return h('p', { class: 'muted small' }, empty);
  return h(
    'div',
    { class: 'chips' },
    names.map((name, i) =>
      h(
        'span',
        { class: ['chip', kind !== 'measure' && 'neutral'], title: name, dataset: { member: name } },
        catalog.title(name),
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Remove ${catalog.title(name)}`,
            on: {
              click: () => {
                names.splice(i, 1);
                edit.redraw();
              },
            },
          },
          '×',
        ),
      ),
    ),
  );
}

/**
 * The query form: measures, dimensions and segments (picked in the sidebar, removed here), the
 * time axis, filters, order and limit. It edits `q` in place and reports through `edit`.
 */
export function renderQueryBuilder(
  root: HTMLElement,
  catalog: MemberCatalog,
  q: ExploreQuery,
  edit: Edit,
): void {
  const filters = q.filters.map((f, i) =>
    filterRow(catalog, f, edit, () => {
      q.filters.splice(i, 1);
      edit.redraw();
    }),
  );
  const kept = q.kept.filters.length + q.kept.timeDimensions.length;
  replace(
    root,
    section(
      'Measures',
      chips(catalog, q.measures, 'Pick measures from the list on the left.', edit, 'measure'),
    ),
    section(
      'Dimensions',
      chips(catalog, q.dimensions, 'Group by dimensions from the list on the left.', edit, 'dimension'),
    ),
    section(
      'Time',
      timeEditor(
        catalog,
        q.time,
        (t) => {
          q.time = t;
        },
        edit,
      ),
    ),
    section(
      'Filters',
      h('div', { class: 'filter-rows' }, filters),
      kept > 0
        ? h(
            'p',
            { class: 'muted small' },
            `${kept} more condition${kept === 1 ? '' : 's'} from the link (and/or groups, further time ranges) apply as well.`,
          )
        : null,
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          on: {
            click: () => {
              q.filters.push({ member: '', operator: 'equals', values: [] });
              edit.redraw();
            },
          },
        },
        '+ Add filter',
      ),
    ),
    q.segments.length > 0 ? section('Segments', chips(catalog, q.segments, '', edit, 'segment')) : null,
    section('Order and limit', orderEditor(catalog, q, edit)),
  );
}
