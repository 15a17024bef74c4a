import { h } from '../core/dom';
import type { Edit } from './filter-editor';
import type { MemberCatalog } from './member-catalog';
import type { ExploreQuery } from './query-model';

/** The members a query can be ordered by: what it selects (a time axis by its bucket). */
export function orderable(q: ExploreQuery): string[] {
  const time = q.time?.granularity ? [`${q.time.dimension}.${q.time.granularity}`] : [];
  return [...time, ...q.dimensions, ...q.measures];
}

/** Sort rows (member and direction) and the row limit. */
export function orderEditor(catalog: MemberCatalog, q: ExploreQuery, edit: Edit): HTMLElement {
  const choices = orderable(q);
  const rows = q.order.map((entry, i) =>
    h(
      'div',
      { class: 'builder-row' },
      h(
        'select',
        {
          'aria-label': 'Order by',
          on: {
            change: (e) => {
              entry[0] = (e.target as HTMLSelectElement).value;
              edit.redraw();
            },
          },
        },
        [...new Set([entry[0], ...choices])].map((m) =>
          h('option', { value: m, selected: m === entry[0] }, catalog.title(m)),
        ),
      ),
      h(
        'select',
        {
          'aria-label': 'Direction',
          on: {
            change: (e) => {
              entry[1] = (e.target as HTMLSelectElement).value === 'desc' ? 'desc' : 'asc';
              edit.redraw();
            },
          },
        },
        h('option', { value: 'asc', selected: entry[1] === 'asc' }, 'Ascending'),
        h('option', { value: 'desc', selected: entry[1] === 'desc' }, 'Descending'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'icon-button',
          'aria-label': 'Remove sort',
          on: {
            click: () => {
              q.order.splice(i, 1);
              edit.redraw();
            },
          },
        },
        '×',
      ),
    ),
  );
  const unused = choices.filter((m) => !q.order.some(([o]) => o === m));
  const limit = h('input', {
    type: 'number',
    min: '1',
    max: '50000',
    class: 'limit-input',
    value: q.limit === undefined ? '' : String(q.limit),
    placeholder: 'Default',
    'aria-label': 'Row limit',
    on: {
      input: () => {
        const n = Number.parseInt(limit.value, 10);
        q.limit = Number.isFinite(n) && n > 0 ? n : undefined;
        edit.keep();
      },
    },
  });
  return h(
    'div',
    { class: 'order-editor' },
    rows,
    h(
      'div',
      { class: 'builder-row' },
      unused.length > 0
        ? h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              on: {
                click: () => {
                  q.order.push([unused[0]!, q.measures.includes(unused[0]!) ? 'desc' : 'asc']);
                  edit.redraw();
                },
              },
            },
            '+ Add sort',
          )
        : null,
      h('label', { class: 'inline-label' }, 'Limit', limit),
    ),
  );
}
