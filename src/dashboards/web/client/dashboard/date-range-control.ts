import type { DateRangeFilterDefinition } from '../../shared/page-data';
import { type CloseReason, popover } from '../components/popover';
import { h, replace } from '../core/dom';
import { formatTime } from '../core/format';

const ABSOLUTE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

/** `last 12 months` → "Last 12 months"; `2025-01-01..2025-06-30` → "1 Jan 2025 – 30 Jun 2025". */
export function dateRangeLabel(value: string): string {
  const m = ABSOLUTE.exec(value);
  if (m) return `${formatTime(m[1], 'day')} – ${formatTime(m[2], 'day')}`;
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** The period filter: its presets, and a custom from/to range. */
export function dateRangeControl(
  def: DateRangeFilterDefinition,
  value: string,
  onChange: (value: string) => void,
): HTMLElement {
  const title = def.title ?? def.name;
  const button = h(
    'button',
    { type: 'button', class: 'filter-button', dataset: { filter: def.name } },
    h('span', { class: 'filter-name' }, title),
    h('span', { class: 'filter-value' }, dateRangeLabel(value)),
  );
  const notice = h('span', { class: 'filter-notice', role: 'status' });
  const wrap = h('div', { class: 'filter' }, button, notice);
  const presets = def.presets.includes(value) || ABSOLUTE.test(value) ? def.presets : [value, ...def.presets];
  const current = ABSOLUTE.exec(value);
  /** The custom dates typed in the open panel, to tell whether closing it dropped them. */
  let typed = { from: current?.[1] ?? '', to: current?.[2] ?? '' };

  // Closing the panel without Apply (Escape, a click outside) discards typed dates: say so.
  const discarded = (reason: CloseReason) => {
    if (reason === 'action') return;
    if (typed.from === (current?.[1] ?? '') && typed.to === (current?.[2] ?? '')) return;
    replace(
      notice,
      h('span', {}, `${title} not changed: the custom range was not applied`),
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

  popover(
    button,
    (close) => {
      replace(notice);
      typed = { from: current?.[1] ?? '', to: current?.[2] ?? '' };
      const pick = (v: string) => {
        close();
        if (v !== value) onChange(v);
      };
      const from = h('input', {
        type: 'date',
        name: 'from',
        value: current?.[1] ?? '',
        required: true,
        on: { input: () => (typed = { ...typed, from: from.value }) },
      });
      const to = h('input', {
        type: 'date',
        name: 'to',
        value: current?.[2] ?? '',
        required: true,
        on: { input: () => (typed = { ...typed, to: to.value }) },
      });
      const problem = h('p', { class: 'form-error', role: 'alert' });
      const custom = h(
        'form',
        {
          class: 'custom-range',
          on: {
            submit: (e) => {
              e.preventDefault();
              if (!from.value || !to.value) problem.textContent = 'Pick both dates.';
              else if (from.value > to.value) problem.textContent = 'The start is after the end.';
              else pick(`${from.value}..${to.value}`);
            },
          },
        },
        h('p', { class: 'label' }, 'Custom range'),
        h('div', { class: 'range-inputs' }, h('label', {}, 'From', from), h('label', {}, 'To', to)),
        problem,
        h('button', { type: 'submit', class: 'button primary small' }, 'Apply'),
      );
      return h(
        'div',
        { class: 'date-range-panel' },
        h(
          'ul',
          { class: 'option-list', role: 'listbox', 'aria-label': title },
          presets.map((p) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  role: 'option',
                  class: ['option', p === value && 'is-selected'],
                  'aria-selected': p === value ? 'true' : 'false',
                  on: { click: () => pick(p) },
                },
                dateRangeLabel(p),
              ),
            ),
          ),
        ),
        custom,
      );
    },
    { onClose: discarded },
  );
  return wrap;
}
