import type { DimensionFilterDefinition } from '../../shared/page-data';
import { popover } from '../components/popover';
import { isAbort } from '../core/api';
import { debounce } from '../core/debounce';
import { h, replace } from '../core/dom';
import { memberValues } from '../core/member-values';

function summary(values: readonly string[]): string {
  if (values.length === 0) return 'All';
  if (values.length === 1) return values[0]!;
  return `${values.length} selected`;
}

/**
 * A dimension filter: a searchable list of the dimension's values (from `/v1/meta/values`).
 * Several values are ticked and applied together; a single-value filter applies on click.
 */
export function dimensionPicker(
  def: DimensionFilterDefinition,
  value: readonly string[],
  onChange: (values: string[]) => void,
): HTMLElement {
  const title = def.title ?? def.name;
  const button = h(
    'button',
    { type: 'button', class: ['filter-button', value.length > 0 && 'is-set'], dataset: { filter: def.name } },
    h('span', { class: 'filter-name' }, title),
    h('span', { class: 'filter-value' }, summary(value)),
  );
  const wrap = h('div', { class: 'filter' }, button);

  popover(button, (close) => {
    const chosen = new Set(value);
    const list = h('ul', {
      class: 'option-list checklist',
      role: 'listbox',
      'aria-multiselectable': String(def.multiple),
    });
    const status = h('p', { class: 'muted small', role: 'status' }, 'Loading values…');
    const apply = (values: string[]) => {
      close();
      onChange(values);
    };
    const option = (v: string) => {
      if (!def.multiple) {
        return h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              role: 'option',
              class: ['option', chosen.has(v) && 'is-selected'],
              'aria-selected': String(chosen.has(v)),
              on: { click: () => apply([v]) },
            },
            v,
          ),
        );
      }
      const box = h('input', {
        type: 'checkbox',
        value: v,
        checked: chosen.has(v),
        on: { change: () => (box.checked ? chosen.add(v) : chosen.delete(v)) },
      });
      return h('li', { role: 'option' }, h('label', { class: 'check-option' }, box, h('span', {}, v)));
    };
    let request = 0;
    const load = async (search: string) => {
      const mine = ++request;
      try {
        const values = await memberValues(def.dimension, search);
        if (mine !== request) return;
        // Chosen values stay on top even when the search would hide them.
        const shown = [...new Set([...(search ? [] : [...chosen]), ...values])];
        replace(list, shown.map(option));
        status.textContent = shown.length === 0 ? 'No matching values' : '';
      } catch (e) {
        if (mine !== request || isAbort(e)) return;
        status.textContent = `Values could not be loaded: ${(e as Error).message}`;
      }
    };
    const search = h('input', {
      type: 'search',
      class: 'picker-search',
      placeholder: `Search ${title.toLowerCase()}…`,
      'aria-label': `Search ${title}`,
      on: { input: debounce(() => void load(search.value.trim()), 200) },
    });
    void load('');
    return h(
      'div',
      { class: 'dimension-panel' },
      search,
      status,
      list,
      h(
        'div',
        { class: 'panel-actions' },
        h('button', { type: 'button', class: 'button small', on: { click: () => apply([]) } }, 'Clear'),
        def.multiple
          ? h(
              'button',
              { type: 'button', class: 'button primary small', on: { click: () => apply([...chosen]) } },
              'Apply',
            )
          : null,
      ),
    );
  });
  return wrap;
}
