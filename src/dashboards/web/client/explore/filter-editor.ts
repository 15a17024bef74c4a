import { h } from '../core/dom';
import { memberValues } from '../core/member-values';
import type { MemberCatalog } from './member-catalog';
import { memberSelect } from './member-select';
import { type MemberFilter, OPERATOR_LABELS, OPERATORS, parseValues, UNARY } from './query-model';

export interface Edit {
  /** Something changed that the builder must redraw for (a member, an operator). */
  redraw(): void;
  /** Typed text changed: keep it, but leave the focus where it is. */
  keep(): void;
}

function placeholder(operator: string, type: string | undefined): string {
  if (operator === 'inDateRange') return '2025-01-01, 2025-06-30 or last 3 months';
  if (type === 'number' || ['gt', 'gte', 'lt', 'lte'].includes(operator)) return 'A number';
  return 'Values, separated by commas';
}

/** Offers a string dimension's values as the user types (from `/v1/meta/values`). */
function suggest(input: HTMLInputElement, list: HTMLDataListElement, member: string): void {
  let loaded = '';
  input.addEventListener('focus', async () => {
    if (loaded === member) return;
    loaded = member;
    try {
      const values = await memberValues(member, '', 200);
      list.replaceChildren(...values.map((v) => h('option', { value: v })));
    } catch {
      loaded = '';
    }
  });
}

let ids = 0;

/** One filter: member, operator and values, with a remove button. */
export function filterRow(
  catalog: MemberCatalog,
  f: MemberFilter,
  edit: Edit,
  remove: () => void,
): HTMLElement {
  const member = catalog.get(f.member);
  const operators = OPERATORS.includes(f.operator as never) ? [...OPERATORS] : [f.operator, ...OPERATORS];
  const values = h('input', {
    type: 'text',
    class: 'filter-values',
    value: f.values.join(', '),
    placeholder: placeholder(f.operator, member?.type),
    'aria-label': 'Filter values',
    hidden: UNARY.has(f.operator),
    on: {
      input: () => {
        f.values = parseValues(values.value);
        edit.keep();
      },
    },
  });
  let suggestions: HTMLDataListElement | null = null;
  if (member && member.kind !== 'measure' && member.type === 'string') {
    suggestions = h('datalist', { id: `filter-values-${++ids}` });
    values.setAttribute('list', suggestions.id);
    suggest(values, suggestions, member.name);
  }
  return h(
    'div',
    { class: 'filter-row' },
    memberSelect(catalog, ['dimension', 'time', 'measure'], f.member, 'Member', (name) => {
      f.member = name;
      f.values = [];
      edit.redraw();
    }),
    h(
      'select',
      {
        'aria-label': 'Operator',
        on: {
          change: (e) => {
            f.operator = (e.target as HTMLSelectElement).value;
            edit.redraw();
          },
        },
      },
      operators.map((o) => h('option', { value: o, selected: o === f.operator }, OPERATOR_LABELS[o] ?? o)),
    ),
    values,
    suggestions,
    h(
      'button',
      { type: 'button', class: 'icon-button', 'aria-label': 'Remove filter', on: { click: remove } },
      '×',
    ),
  );
}
