import { type LabelRule, labelOf } from '../../../../util/labels';
import type { DimensionFilterDefinition } from '../../shared/page-data';
import { type CloseReason, popover } from '../components/popover';
import { isAbort } from '../core/api';
import { debounce } from '../core/debounce';
import { h, replace } from '../core/dom';
import { memberValues } from '../core/member-values';

function summary(values: readonly string[], rule: LabelRule): string {
  if (values.length === 0) return 'All';
  if (values.length === 1) return labelOf(values[0], rule);
  return `${values.length} selected`;
}

/** How many values differ between the ticked set and the applied one. */
export function changeCount(applied: readonly string[], ticked: ReadonlySet<string>): number {
  const before = new Set(applied);
  let n = 0;
  for (const v of ticked) if (!before.has(v)) n++;
  for (const v of before) if (!ticked.has(v)) n++;
  return n;
}

const changes = (n: number) => (n === 1 ? '1 change' : `${n} changes`);

/**
 * A dimension filter: a searchable list of the dimension's values (from `/v1/meta/values`).
 * Several values are ticked and applied together with Apply; a single-value filter applies on
 * click. Closing the panel any other way (Escape, a click outside, the filter's button) cancels:
 * ticked values that were not applied are discarded, and a note next to the filter says so and
 * offers to restore them.
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
    h('span', { class: 'filter-value' }, summary(value, def)),
  );
  const notice = h('span', { class: 'filter-notice', role: 'status' });
  const wrap = h('div', { class: 'filter' }, button, notice);
  /** The ticks of the open panel. */
  let chosen = new Set(value);
  /** Ticks a discarded panel held, when the user asks to restore them. */
  let restore: Set<string> | undefined;

  const discarded = (reason: CloseReason) => {
    if (reason === 'action' || !def.multiple) return;
    const n = changeCount(value, chosen);
    if (n === 0) return;
    const kept = new Set(chosen);
    replace(
      notice,
      h('span', {}, `${title} not changed: ${changes(n)} discarded`),
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          on: {
            click: () => {
              restore = kept;
              picker.open();
            },
          },
        },
        'Restore',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          'aria-label': 'Dismiss',
          on: { click: () => replace(notice) },
        },
        '×',
      ),
    );
  };

  const picker = popover(
    button,
    (close) => {
      replace(notice);
      chosen = new Set(restore ?? value);
      restore = undefined;
      const list = h('ul', {
        class: 'option-list checklist',
        role: 'listbox',
        'aria-multiselectable': String(def.multiple),
      });
      const status = h('p', { class: 'muted small', role: 'status' }, 'Loading values…');
      const pending = h('p', { class: 'pending-changes small' });
      const showPending = () => {
        const n = changeCount(value, chosen);
        pending.textContent = n === 0 ? '' : `${changes(n)} not applied yet: Apply, or Esc to discard`;
      };
      showPending();
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
              labelOf(v, def),
            ),
          );
        }
        const box = h('input', {
          type: 'checkbox',
          value: v,
          checked: chosen.has(v),
          on: {
            change: () => {
              if (box.checked) chosen.add(v);
              else chosen.delete(v);
              showPending();
            },
          },
        });
        return h(
          'li',
          { role: 'option' },
          h('label', { class: 'check-option' }, box, h('span', {}, labelOf(v, def))),
        );
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
        def.multiple ? pending : null,
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
    },
    { onClose: discarded },
  );
  return wrap;
}
