import { h } from '../core/dom';
import type { Edit } from './filter-editor';
import type { MemberCatalog } from './member-catalog';
import { memberSelect } from './member-select';
import { GRANULARITIES, type TimeSelection } from './query-model';

const PRESETS = [
  'today',
  'yesterday',
  'this week',
  'this month',
  'last month',
  'this quarter',
  'last quarter',
  'this year',
  'last year',
  'last 7 days',
  'last 30 days',
  'last 12 months',
];

function rangeText(r: TimeSelection['dateRange']): string {
  if (r === undefined) return '';
  return typeof r === 'string' ? r : `${r[0]} to ${r[1]}`;
}

/** "2025-01-01 to 2025-06-30" becomes a pair; anything else is a relative range as typed. */
function parseRange(text: string): TimeSelection['dateRange'] {
  const t = text.trim();
  if (t === '') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})\s*(?:to|\.\.|,)\s*(\d{4}-\d{2}-\d{2})$/.exec(t);
  return m ? [m[1]!, m[2]!] : t;
}

/** The time axis: a time dimension, its granularity and a date range (presets offered). */
export function timeEditor(
  catalog: MemberCatalog,
  time: TimeSelection | undefined,
  set: (t: TimeSelection | undefined) => void,
  edit: Edit,
): HTMLElement {
  if (!time) {
    return h(
      'div',
      { class: 'builder-row' },
      memberSelect(catalog, ['time'], '', 'Add a time dimension', (name) => {
        set({ dimension: name, granularity: 'month' });
        edit.redraw();
      }),
    );
  }
  const range = h('input', {
    type: 'text',
    class: 'date-range-input',
    list: 'explore-date-presets',
    value: rangeText(time.dateRange),
    placeholder: 'All time (or e.g. last 12 months, 2025-01-01 to 2025-06-30)',
    'aria-label': 'Date range',
    on: {
      input: () => {
        time.dateRange = parseRange(range.value);
        edit.keep();
      },
    },
  });
  return h(
    'div',
    { class: 'builder-row' },
    memberSelect(catalog, ['time'], time.dimension, 'Time dimension', (name) => {
      time.dimension = name;
      edit.redraw();
    }),
    h(
      'select',
      {
        'aria-label': 'Granularity',
        on: {
          change: (e) => {
            const g = (e.target as HTMLSelectElement).value;
            time.granularity = g === '' ? undefined : g;
            edit.redraw();
          },
        },
      },
      h('option', { value: '', selected: !time.granularity }, 'No grouping (range only)'),
      GRANULARITIES.map((g) => h('option', { value: g, selected: time.granularity === g }, `by ${g}`)),
    ),
    range,
    h(
      'datalist',
      { id: 'explore-date-presets' },
      PRESETS.map((p) => h('option', { value: p })),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'aria-label': 'Remove the time dimension',
        on: {
          click: () => {
            set(undefined);
            edit.redraw();
          },
        },
      },
      '×',
    ),
  );
}
